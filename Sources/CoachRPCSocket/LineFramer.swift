import NIOCore

/// The server's line framer without a channel: bytes in, frames out. The fuzz target and tests
/// drive it; the server runs the same `LineFrameDecoder` inside NIO's `ByteToMessageHandler`.
public struct LineFramer: Sendable {
    /// One unit of input, as the connection loop sees it.
    public enum Frame: Sendable, Hashable {
        /// A complete line, without its `\n` and without one trailing `\r`.
        case line([UInt8])
        /// The line was longer than the limit; nothing after it is read.
        case tooLong
    }

    private var decoder: LineFrameDecoder
    private var buffer = ByteBuffer()

    /// A framer refusing lines longer than `maxLineBytes` (at least 1).
    public init(maxLineBytes: Int) {
        decoder = LineFrameDecoder(maxLineBytes: maxLineBytes)
    }

    /// Takes the next bytes received and returns the frames they complete.
    /// With `compact`, consumed bytes are discarded first, as `ByteToMessageHandler` may do.
    public mutating func feed(_ bytes: some Sequence<UInt8>, compact: Bool = false) -> [Frame] {
        if compact { buffer.discardReadBytes() }
        buffer.writeBytes(Array(bytes))
        var frames: [Frame] = []
        while let frame = decoder.next(&buffer) { frames.append(Frame(frame)) }
        return frames
    }

    /// The peer closed: the frames still complete, then the last line without its `\n`.
    public mutating func finish() -> [Frame] {
        var frames: [Frame] = []
        while let frame = decoder.next(&buffer) ?? decoder.remainder(&buffer) { frames.append(Frame(frame)) }
        return frames
    }
}

extension LineFramer.Frame {
    init(_ frame: LineFrame) {
        switch frame {
        case .line(let bytes): self = .line(Array(bytes.readableBytesView))
        case .tooLong: self = .tooLong
        }
    }
}
