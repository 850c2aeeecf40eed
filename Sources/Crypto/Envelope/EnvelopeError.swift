/// Why an envelope message could not be written or read.
///
/// Each check of the reader has its own code, so a test (and a user) can tell a
/// truncated header from a bad frame tag. Messages name fields and numbers only,
/// never key material or plaintext.
public struct EnvelopeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the failure says about the message or the request.
    public enum Category: Sendable, Equatable {
        /// The bytes are not a well-formed message (truncated, bad field value).
        case malformed
        /// A well-formed message this library does not read (version, suite, non-framed).
        case unsupported
        /// Authentication failed: commitment, header tag, frame tag, order, signature.
        case integrity
        /// No wrapping key could produce the data key.
        case keyUnavailable
        /// The caller asked for something invalid (reserved context key, bad frame size).
        case invalidRequest
    }

    public enum Code: Sendable, Equatable {
        case truncated(field: String)
        case invalidField(field: String, reason: String)
        case headerTooLarge(limit: Int)
        case tooManyEncryptedDataKeys(count: Int, limit: Int)
        case frameTooLarge(length: Int, limit: Int)
        case unsupportedVersion(UInt8)
        case unsupportedSuite(UInt16)
        case nonFramedContent
        case commitmentMismatch
        case headerAuthentication
        case frameAuthentication(sequence: UInt32)
        case sequenceOutOfOrder(expected: UInt32, found: UInt32)
        case finalFrameTooLong(length: UInt32, frameLength: UInt32)
        case missingFinalFrame
        case trailingData
        case signatureInvalid
        case publicKeyMissing
        case publicKeyUnexpected
        case publicKeyInvalid
        case dataKeyLength(Int)
        case noDecryptableDataKey(String)
        case contextMismatch(key: String)
        case reservedContextKey(String)
        case invalidFrameLength(Int)
        case tooManyFrames
        case contextTooLarge
        case notAKeyArn(String)
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    public var category: Category {
        switch code {
        case .truncated, .invalidField, .headerTooLarge, .tooManyEncryptedDataKeys, .frameTooLarge, .trailingData,
             .missingFinalFrame, .publicKeyInvalid, .tooManyFrames:
            .malformed
        case .unsupportedVersion, .unsupportedSuite, .nonFramedContent: .unsupported
        case .commitmentMismatch, .headerAuthentication, .frameAuthentication, .sequenceOutOfOrder, .finalFrameTooLong,
             .signatureInvalid, .publicKeyMissing, .publicKeyUnexpected, .contextMismatch:
            .integrity
        case .dataKeyLength, .noDecryptableDataKey: .keyUnavailable
        case .reservedContextKey, .invalidFrameLength, .contextTooLarge, .notAKeyArn: .invalidRequest
        }
    }

    public var description: String {
        switch code {
        case .truncated(let field): "message truncated: it ends inside \(field)"
        case .invalidField(let field, let reason): "malformed message: \(field) \(reason)"
        case .headerTooLarge(let limit): "message header longer than the \(limit)-byte limit"
        case .tooManyEncryptedDataKeys(let count, let limit): "message has \(count) encrypted data keys, more than the limit of \(limit)"
        case .frameTooLarge(let length, let limit): "frame length \(length) exceeds the reader's limit of \(limit) bytes"
        case .unsupportedVersion(let version): "unsupported message format version \(version) (this reader takes 1 and 2)"
        case .unsupportedSuite(let id):
            "unsupported algorithm suite 0x\(Hex.encode([UInt8(id >> 8), UInt8(id & 0xff)])) (this reader takes 0x0478, 0x0578, 0x0178, 0x0378)"
        case .nonFramedContent: "non-framed message bodies are not supported (only framed content)"
        case .commitmentMismatch: "key commitment does not match: the data key does not belong to this message"
        case .headerAuthentication: "header authentication failed: the header was modified"
        case .frameAuthentication(let sequence): "frame \(sequence) failed authentication: the body was modified"
        case .sequenceOutOfOrder(let expected, let found): "frame out of order: expected sequence number \(expected), found \(found)"
        case .finalFrameTooLong(let length, let frameLength): "final frame of \(length) bytes exceeds the frame length \(frameLength)"
        case .missingFinalFrame: "message truncated: the final frame is missing"
        case .trailingData: "unexpected bytes after the end of the message"
        case .signatureInvalid: "message signature does not verify"
        case .publicKeyMissing: "signed suite but the encryption context has no aws-crypto-public-key"
        case .publicKeyUnexpected: "unsigned suite but the encryption context has an aws-crypto-public-key"
        case .publicKeyInvalid: "aws-crypto-public-key is not a compressed P-384 point"
        case .dataKeyLength(let length): "the data key has \(length) bytes; the suite needs 32"
        case .noDecryptableDataKey(let detail): "no encrypted data key could be decrypted: \(detail)"
        case .contextMismatch(let key): "encryption context does not match the expected value for key '\(key)'"
        case .reservedContextKey(let key): "encryption context key '\(key)' is reserved (keys starting with aws-crypto-)"
        case .invalidFrameLength(let length): "frame length \(length) is out of range"
        case .tooManyFrames: "message would need more than 2^32 - 1 frames"
        case .contextTooLarge: "encryption context too large to serialize (65535 bytes at most)"
        case .notAKeyArn(let key):
            "'\(key)' is not a key ARN: a message names each key that wrapped its data key by its key ARN "
                + "(arn:aws:kms:REGION:ACCOUNT:key/ID), so only a key ARN can select one (kms keys describe shows a key's ARN)"
        }
    }
}
