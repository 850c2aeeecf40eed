/// Collects the first bytes of a message until its header is complete, for
/// callers that receive the message in pieces (files, sockets, async sequences).
public struct HeaderReader {
    public let limits: EnvelopeLimits
    private var buffer: [UInt8] = []

    public init(limits: EnvelopeLimits = EnvelopeLimits()) { self.limits = limits }

    /// Adds `bytes`; returns the header and the bytes after it once the header is
    /// complete, nil while more are needed. Throws as soon as the bytes so far are
    /// not the start of a supported header.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) -> (header: MessageHeader, rest: [UInt8])? {
        try append(Array(bytes))
    }

    public mutating func append(_ bytes: [UInt8]) throws(EnvelopeError) -> (header: MessageHeader, rest: [UInt8])? {
        buffer.append(contentsOf: bytes)
        guard let (header, consumed) = try HeaderParser.parse(buffer, limits: limits, atEnd: false) else { return nil }
        let rest = Array(buffer[consumed...])
        buffer = []
        return (header, rest)
    }

    /// The input ended before the header did: throws the truncation error.
    public func finish() throws(EnvelopeError) -> Never {
        _ = try HeaderParser.parse(buffer, limits: limits, atEnd: true)
        throw EnvelopeError(.truncated(field: "header"))
    }
}
