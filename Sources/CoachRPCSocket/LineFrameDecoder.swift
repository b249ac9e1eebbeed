import NIOCore

/// One unit of input: a line without its terminator, or the news that a line was too long.
enum LineFrame: Sendable {
    case line(ByteBuffer)
    case tooLong
}

/// Splits the byte stream on `\n` (dropping one trailing `\r`), refusing lines over a limit.
///
/// NIO's `NIOSplitLinesMessageDecoder` also splits on a lone `\r`, VT and FF and has no length
/// limit; the wire contract is "one JSON text per `\n`" with a bound, so this is stricter. Once a
/// line is too long it emits `.tooLong` once and discards everything after it: the connection is
/// about to be closed. Scanning resumes where it stopped, so a line dribbled in byte by byte
/// costs linear time.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = LineFrame

    let maxLineBytes: Int
    private var scanned = 0
    private var overflowed = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        if let frame = next(&buffer) ?? remainder(&buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
            return .continue
        }
        return .needMoreData
    }

    /// At end of input, once no `\n` is left: the last line without its `\n`, cut off by the
    /// peer's half-close, to be answered all the same; nil when nothing is left.
    mutating func remainder(_ buffer: inout ByteBuffer) -> LineFrame? {
        guard !overflowed, buffer.readableBytes > 0, var line = buffer.readSlice(length: buffer.readableBytes) else {
            return nil
        }
        scanned = 0
        Self.dropTrailingCR(&line)
        // Found by fuzzing: without this, a last line one byte over the limit got through at EOF.
        if line.readableBytes > maxLineBytes { return overflow(&buffer) }
        return .line(line)
    }

    /// The next frame in `buffer`, consuming it; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) -> LineFrame? {
        if overflowed {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        let view = buffer.readableBytesView
        let from = view.startIndex + min(scanned, view.count)
        guard let newline = view[from...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            // Even a final `\r` could not bring the line back under the limit.
            if view.count > maxLineBytes + 1 { return overflow(&buffer) }
            return nil
        }
        scanned = 0
        guard var line = buffer.readSlice(length: newline - view.startIndex) else { return nil }
        buffer.moveReaderIndex(forwardBy: 1)
        Self.dropTrailingCR(&line)
        if line.readableBytes > maxLineBytes { return overflow(&buffer) }
        return .line(line)
    }

    private mutating func overflow(_ buffer: inout ByteBuffer) -> LineFrame {
        overflowed = true
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .tooLong
    }

    private static func dropTrailingCR(_ line: inout ByteBuffer) {
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
    }
}
