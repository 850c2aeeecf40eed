/// Reader limits that bound the work and memory an untrusted message can demand.
public struct EnvelopeLimits: Sendable, Equatable {
    /// Most encrypted data keys a header may carry (ESDK "max encrypted data keys").
    public var maxEncryptedDataKeys: Int
    /// Most bytes a header may take before it is refused.
    public var maxHeaderBytes: Int
    /// Largest frame length accepted; a frame is buffered whole.
    public var maxFrameLength: Int

    public init(maxEncryptedDataKeys: Int = 64, maxHeaderBytes: Int = 1 << 20, maxFrameLength: Int = 64 << 20) {
        self.maxEncryptedDataKeys = maxEncryptedDataKeys
        self.maxHeaderBytes = maxHeaderBytes
        self.maxFrameLength = maxFrameLength
    }
}

/// Strict parsing of a message header from untrusted bytes: one check per field,
/// in the order the fields appear, each with its own error (STYLE rule 14).
public enum HeaderParser {
    /// Parses the header at the start of `bytes`.
    ///
    /// Returns nil when `bytes` end inside a well-formed-so-far header and more may
    /// come (`atEnd == false`); throws as soon as any field is wrong, when the header
    /// passes `limits.maxHeaderBytes`, or when `atEnd` and it is incomplete.
    /// On success, `consumed` is the header's length including its authentication.
    public static func parse(_ bytes: [UInt8], limits: EnvelopeLimits = EnvelopeLimits(), atEnd: Bool) throws(EnvelopeError)
        -> (header: MessageHeader, consumed: Int)? {
        switch try parsePrefix(bytes, limits: limits, atEnd: atEnd) {
        case .complete(let header, let consumed): (header, consumed)
        case .needs: nil
        }
    }

    enum Prefix {
        case complete(MessageHeader, consumed: Int)
        /// More bytes are needed; no parse can get further until there are at least this
        /// many (0 when that is not known).
        case needs(Int)
    }

    static func parsePrefix(_ bytes: [UInt8], limits: EnvelopeLimits, atEnd: Bool) throws(EnvelopeError) -> Prefix {
        var cursor = ByteCursor(bytes)
        do {
            let header = try parse(&cursor, limits: limits)
            return .complete(header, consumed: cursor.offset)
        } catch {
            guard case .truncated = error.code else { throw error }
            if bytes.count >= limits.maxHeaderBytes { throw EnvelopeError(.headerTooLarge(limit: limits.maxHeaderBytes)) }
            if atEnd { throw error }
            return .needs(cursor.needed)
        }
    }

    static func parse(_ cursor: inout ByteCursor, limits: EnvelopeLimits) throws(EnvelopeError) -> MessageHeader {
        let start = cursor.offset
        let version = try cursor.u8("version")
        guard version == 1 || version == 2 else { throw EnvelopeError(.unsupportedVersion(version)) }
        if version == 1 {
            let type = try cursor.u8("message type")
            guard type == 0x80 else { throw EnvelopeError(.invalidField(field: "message type", reason: "is \(type), not 128")) }
        }
        let suiteId = try cursor.u16("algorithm suite id")
        guard let suite = AlgorithmSuite.suite(id: suiteId) else { throw EnvelopeError(.unsupportedSuite(suiteId)) }
        guard suite.messageVersion == version else {
            throw EnvelopeError(.invalidField(field: "algorithm suite id", reason: "\(suite) does not belong to format version \(version)"))
        }
        let messageId = try cursor.bytes(suite.messageIdLength, "message id")
        let context = try MessageContext.parse(try cursor.lengthPrefixed("encryption context"))

        let keyCount = Int(try cursor.u16("encrypted data key count"))
        guard keyCount > 0 else { throw EnvelopeError(.invalidField(field: "encrypted data key count", reason: "is 0")) }
        guard keyCount <= limits.maxEncryptedDataKeys else {
            throw EnvelopeError(.tooManyEncryptedDataKeys(count: keyCount, limit: limits.maxEncryptedDataKeys))
        }
        var keys: [EncryptedDataKey] = []
        for _ in 0..<keyCount {
            let providerId = try cursor.string("key provider id")
            let providerInfo = try cursor.lengthPrefixed("key provider info")
            let ciphertext = try cursor.lengthPrefixed("encrypted data key")
            keys.append(EncryptedDataKey(providerId: providerId, providerInfo: providerInfo, ciphertext: ciphertext))
        }

        let contentType = try cursor.u8("content type")
        switch contentType {
        case MessageHeader.framedContentType: break
        case 0x01: throw EnvelopeError(.nonFramedContent)
        default: throw EnvelopeError(.invalidField(field: "content type", reason: "is \(contentType), not 1 or 2"))
        }
        if version == 1 {
            let reserved = try cursor.u32("reserved field")
            guard reserved == 0 else { throw EnvelopeError(.invalidField(field: "reserved field", reason: "is not zero")) }
            let ivLength = try cursor.u8("IV length")
            guard ivLength == 12 else { throw EnvelopeError(.invalidField(field: "IV length", reason: "is \(ivLength), not 12")) }
        }
        let frameLength = try cursor.u32("frame length")
        guard frameLength > 0 else { throw EnvelopeError(.invalidField(field: "frame length", reason: "is 0 for framed content")) }
        guard Int(frameLength) <= limits.maxFrameLength else {
            throw EnvelopeError(.frameTooLarge(length: Int(frameLength), limit: limits.maxFrameLength))
        }
        let commitment = suite.isCommitting ? try cursor.bytes(32, "algorithm suite data") : []
        let body = Array(cursor.bytes[start..<cursor.offset])

        let iv = version == 1 ? try cursor.bytes(12, "header IV") : []
        let tag = try cursor.bytes(16, "header authentication tag")
        let header = MessageHeader(
            suite: suite, messageId: messageId, context: context, encryptedDataKeys: keys, frameLength: frameLength,
            commitment: commitment, body: body, authenticationIV: iv, authenticationTag: tag)
        // Signing suite ⇔ public key in the context, checked before any key is fetched.
        _ = try header.signaturePublicKey()
        return header
    }
}

/// Collects the first bytes of a message until its header is complete, for
/// callers that receive the message in pieces (files, sockets, async sequences).
public struct HeaderReader {
    public let limits: EnvelopeLimits
    private var buffer: [UInt8] = []
    /// The length the last parse needed to get past the field it stopped in. Parsing is
    /// deterministic, so until the buffer is that long a parse would stop there again:
    /// pieces are parsed once per field, not once per piece (a header fed in small pieces
    /// would otherwise be parsed again from the start for each).
    private var needed = 0
    /// Parses attempted (tests).
    private(set) var parses = 0

    public init(limits: EnvelopeLimits = EnvelopeLimits()) { self.limits = limits }

    /// Adds `bytes`; returns the header and the bytes after it once the header is
    /// complete, nil while more are needed. Throws as soon as the bytes so far are
    /// not the start of a supported header.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) -> (header: MessageHeader, rest: [UInt8])? {
        try append(Array(bytes))
    }

    public mutating func append(_ bytes: [UInt8]) throws(EnvelopeError) -> (header: MessageHeader, rest: [UInt8])? {
        buffer.append(contentsOf: bytes)
        if buffer.count < needed {
            // What the parse would say: still truncated, and too large once past the limit.
            if buffer.count >= limits.maxHeaderBytes { throw EnvelopeError(.headerTooLarge(limit: limits.maxHeaderBytes)) }
            return nil
        }
        parses += 1
        switch try HeaderParser.parsePrefix(buffer, limits: limits, atEnd: false) {
        case .needs(let count):
            needed = count
            return nil
        case .complete(let header, let consumed):
            let rest = Array(buffer[consumed...])
            buffer = []
            needed = 0
            return (header, rest)
        }
    }

    /// The input ended before the header did: throws the truncation error.
    public func finish() throws(EnvelopeError) -> Never {
        _ = try HeaderParser.parse(buffer, limits: limits, atEnd: true)
        throw EnvelopeError(.truncated(field: "header"))
    }
}
