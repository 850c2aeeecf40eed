/// The keys of one message, derived from its data key (reference §4), and the
/// header authentication they make.
public struct MessageKeys: Sendable {
    /// The AES-256-GCM key of the header tag and every frame.
    public let contentKey: SecureBytes
    /// Version 2: the commit key stored as the header's suite data. Empty in version 1.
    public let commitment: [UInt8]

    /// Derives the content key (and commit key) of `suite` for `messageId`.
    public init(suite: AlgorithmSuite, dataKey: SecureBytes, messageId: [UInt8]) throws(EnvelopeError) {
        guard dataKey.count == suite.dataKeyLength else { throw EnvelopeError(.dataKeyLength(dataKey.count)) }
        precondition(messageId.count == suite.messageIdLength, "message id length does not fit the suite")
        do {
            switch suite.keyDerivation {
            case .committingHKDFSHA512:
                contentKey = try HKDF.deriveKey(
                    .sha512, inputKey: dataKey, salt: messageId, info: suite.idBytes + Array("DERIVEKEY".utf8), outputLength: 32)
                // The commit key is public (it is stored in the header); it leaves SecureBytes here.
                commitment = try HKDF.deriveKey(
                    .sha512, inputKey: dataKey, salt: messageId, info: Array("COMMITKEY".utf8), outputLength: 32
                ).exportBytes()
            case .legacyHKDF(let digest):
                // An empty salt is RFC 5869's default: HashLen zero bytes.
                contentKey = try HKDF.deriveKey(digest, inputKey: dataKey, info: suite.idBytes + messageId, outputLength: 32)
                commitment = []
            }
        } catch {
            // HKDF over valid sizes fails only if OpenSSL does; report it as a key problem.
            throw EnvelopeError(.noDecryptableDataKey("key derivation failed: \(error)"))
        }
    }

    /// Checks the header's stored commit key against ours in constant time.
    public func verifyCommitment(of header: MessageHeader) throws(EnvelopeError) {
        guard header.suite.isCommitting else { return }
        guard constantTimeEquals(commitment, header.commitment) else { throw EnvelopeError(.commitmentMismatch) }
    }

    /// The header tag: AES-GCM over an empty plaintext with the header body as AAD.
    public func headerTag(body: [UInt8], iv: [UInt8] = [UInt8](repeating: 0, count: 12)) throws(EnvelopeError) -> [UInt8] {
        do {
            return try AESGCM.seal(key: contentKey, nonce: iv, plaintext: [UInt8](), aad: body).tag
        } catch {
            throw EnvelopeError(.headerAuthentication)
        }
    }

    /// Verifies the header tag (with the stored IV in version 1, zeros in version 2).
    public func verifyHeader(_ header: MessageHeader) throws(EnvelopeError) {
        let iv = header.suite.messageVersion == 1 ? header.authenticationIV : [UInt8](repeating: 0, count: 12)
        do {
            _ = try AESGCM.open(key: contentKey, nonce: iv, ciphertext: [UInt8](), tag: header.authenticationTag, aad: header.body)
        } catch {
            throw EnvelopeError(.headerAuthentication)
        }
    }

    /// Everything a reader checks before it trusts the header: commitment, then tag.
    public static func verified(header: MessageHeader, dataKey: SecureBytes) throws(EnvelopeError) -> MessageKeys {
        let keys = try MessageKeys(suite: header.suite, dataKey: dataKey, messageId: header.messageId)
        try keys.verifyCommitment(of: header)
        try keys.verifyHeader(header)
        return keys
    }
}
