import CoachRPCSocket
import Testing

/// The framer without a socket: the rule the fuzz target checks, as examples.
struct LineFramerTests {
    private func lines(_ texts: String...) -> [LineFramer.Frame] { texts.map { .line(Array($0.utf8)) } }

    @Test func splitsOnNewline_dropsOneCR_andKeepsTheRestForLater() {
        var framer = LineFramer(maxLineBytes: 16)
        #expect(framer.feed(Array("a\r\nb\n\nc".utf8)) == lines("a", "b", ""))
        #expect(framer.feed(Array("d\r\r\n".utf8)) == lines("cd\r"))
        #expect(framer.finish().isEmpty)
    }

    @Test func lastLineWithoutNewline_isALineAtTheEnd() {
        var framer = LineFramer(maxLineBytes: 16)
        #expect(framer.feed(Array("abc".utf8)).isEmpty)
        #expect(framer.finish() == lines("abc"))
    }

    /// Found by the fuzz target (Fuzz/findings/framer-last-line-over-limit-at-eof): a last line one
    /// byte over the limit, cut off by the peer's half-close, used to get through.
    @Test func lastLineOneByteOverTheLimit_atTheEnd_isTooLong() {
        var framer = LineFramer(maxLineBytes: 16)
        #expect(framer.feed(Array(repeating: UInt8(ascii: "a"), count: 17)).isEmpty)
        #expect(framer.finish() == [.tooLong])
    }

    @Test func lineAtTheLimit_plusCR_isAccepted_andOneMoreIsNot() {
        var framer = LineFramer(maxLineBytes: 4)
        #expect(framer.feed(Array("abcd\r\n".utf8)) == lines("abcd"))
        #expect(framer.feed(Array("abcde\n".utf8)) == [.tooLong])
        #expect(framer.feed(Array("after\n".utf8)).isEmpty)  // nothing after an overlong line
    }

    @Test func overlongLine_isRefusedBeforeItsNewlineArrives() {
        var framer = LineFramer(maxLineBytes: 4)
        #expect(framer.feed(Array("abcd\r".utf8)).isEmpty)
        #expect(framer.feed(Array("x".utf8)) == [.tooLong])
    }

    @Test func byteByByte_equalsAllAtOnce() {
        let text = Array("{\"a\":1}\r\n\n{\"b\":2}\nrest".utf8)
        var whole = LineFramer(maxLineBytes: 64)
        let expected = whole.feed(text) + whole.finish()
        var pieces = LineFramer(maxLineBytes: 64)
        var frames: [LineFramer.Frame] = []
        for (index, byte) in text.enumerated() { frames += pieces.feed([byte], compact: index % 2 == 0) }
        #expect(frames + pieces.finish() == expected)
    }
}
