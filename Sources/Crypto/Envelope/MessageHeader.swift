/// One encrypted data key (EDK) of a message: the data key wrapped by one key provider.
public struct EncryptedDataKey: Sendable, Equatable {
    /// `aws-kms` for the key service; the key namespace for a raw AES key.
    public var providerId: String
    /// For `aws-kms`, the key ARN in UTF-8.
    public var providerInfo: [UInt8]
    /// The wrapped data key (for `aws-kms`, the ciphertext blob).
    public var ciphertext: [UInt8]

    public init(providerId: String, providerInfo: [UInt8], ciphertext: [UInt8]) {
        self.providerId = providerId
        self.providerInfo = providerInfo
        self.ciphertext = ciphertext
    }

    /// The provider id of the key service's data keys.
    public static let kmsProviderId = "aws-kms"

    /// The key ARN, when this EDK comes from the key service.
    public var kmsKeyArn: String? {
        providerId == Self.kmsProviderId ? String(validating: providerInfo, as: UTF8.self) : nil
    }
}

/// The header of a message (format version 1 or 2) and its authentication.
///
/// `body` is the serialized header body exactly as written or read: the header
/// tag and the signature cover those bytes, never a re-serialization.
public struct MessageHeader: Sendable {
    /// Content type 2; the only one this library reads or writes.
    public static let framedContentType: UInt8 = 0x02

    public let suite: AlgorithmSuite
    public let messageId: [UInt8]
    public let context: MessageContext
    public let encryptedDataKeys: [EncryptedDataKey]
    public let frameLength: UInt32
    /// Version 2: the 32-byte commit key. Empty in version 1.
    public let commitment: [UInt8]
    /// The serialized header body (version byte through frame length / suite data).
    public let body: [UInt8]
    /// Version 1 only: the stored header IV. Version 2 uses 12 zero bytes.
    public let authenticationIV: [UInt8]
    /// The 16-byte header authentication tag.
    public let authenticationTag: [UInt8]

    init(suite: AlgorithmSuite, messageId: [UInt8], context: MessageContext, encryptedDataKeys: [EncryptedDataKey],
         frameLength: UInt32, commitment: [UInt8], body: [UInt8], authenticationIV: [UInt8], authenticationTag: [UInt8]) {
        self.suite = suite
        self.messageId = messageId
        self.context = context
        self.encryptedDataKeys = encryptedDataKeys
        self.frameLength = frameLength
        self.commitment = commitment
        self.body = body
        self.authenticationIV = authenticationIV
        self.authenticationTag = authenticationTag
    }

    /// The header as it appears in the message: body, then (v1) IV, then tag.
    public var serialized: [UInt8] { body + authenticationIV + authenticationTag }

    /// The version 2 header body for a new message (content type framed).
    public static func serializeVersion2Body(
        suite: AlgorithmSuite, messageId: [UInt8], context: MessageContext, encryptedDataKeys: [EncryptedDataKey],
        frameLength: UInt32, commitment: [UInt8]
    ) throws(EnvelopeError) -> [UInt8] {
        precondition(suite.messageVersion == 2 && messageId.count == 32 && commitment.count == 32)
        let aad = try context.serialized()
        guard !encryptedDataKeys.isEmpty, encryptedDataKeys.count <= 0xffff else {
            throw EnvelopeError(.invalidField(field: "encrypted data key count", reason: "must be 1 to 65535"))
        }
        var out: [UInt8] = [0x02]
        out += suite.idBytes
        out += messageId
        out.appendLengthPrefixed(aad)
        out.appendU16(encryptedDataKeys.count)
        for key in encryptedDataKeys {
            let id = Array(key.providerId.utf8)
            guard id.count <= 0xffff, key.providerInfo.count <= 0xffff, key.ciphertext.count <= 0xffff else {
                throw EnvelopeError(.invalidField(field: "encrypted data key", reason: "has a field longer than 65535 bytes"))
            }
            out.appendLengthPrefixed(id)
            out.appendLengthPrefixed(key.providerInfo)
            out.appendLengthPrefixed(key.ciphertext)
        }
        out.append(framedContentType)
        out.appendU32(frameLength)
        out += commitment
        return out
    }

    /// The public key of a signed message, or nil for an unsigned one; enforces
    /// that the key is present exactly when the suite signs.
    public func signaturePublicKey() throws(EnvelopeError) -> P384PublicKey? {
        let encoded = context[MessageContext.publicKeyName]
        guard suite.isSigned else {
            if encoded != nil { throw EnvelopeError(.publicKeyUnexpected) }
            return nil
        }
        guard let encoded else { throw EnvelopeError(.publicKeyMissing) }
        guard let point = Base64.decode(encoded), let key = try? P384PublicKey(compressed: point) else {
            throw EnvelopeError(.publicKeyInvalid)
        }
        return key
    }
}
