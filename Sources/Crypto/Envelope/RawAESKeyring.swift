/// The ESDK's raw AES keyring (reference §7.2): wraps the data key with a local
/// AES-GCM key, for offline use and for the known-answer messages of the
/// official SDKs' test vectors.
///
/// EDK layout: provider id = key namespace; provider info = key name ‖ u32 tag
/// length in bits (128) ‖ u32 IV length (12) ‖ IV; ciphertext = encrypted data
/// key ‖ tag, with the serialized encryption context as AAD.
public struct RawAESKeyring: Sendable {
    public let namespace: String
    public let name: String
    private let wrappingKey: SecureBytes

    /// A keyring for a 16-, 24- or 32-byte `wrappingKey`.
    public init(namespace: String, name: String, wrappingKey: SecureBytes) throws(EnvelopeError) {
        guard [16, 24, 32].contains(wrappingKey.count) else {
            throw EnvelopeError(.invalidField(field: "raw AES wrapping key", reason: "must be 16, 24 or 32 bytes"))
        }
        guard !namespace.hasPrefix("aws-kms") else {
            throw EnvelopeError(.invalidField(field: "raw AES key namespace", reason: "may not start with aws-kms"))
        }
        self.namespace = namespace
        self.name = name
        self.wrappingKey = wrappingKey
    }

    /// Wraps `dataKey` for a message whose full context is `context`.
    public func wrap(_ dataKey: SecureBytes, context: MessageContext) throws(EnvelopeError) -> EncryptedDataKey {
        do {
            let iv = try SecureRandom.bytes(12)
            let sealed = try AESGCM.seal(key: wrappingKey, nonce: iv, plaintext: dataKey, aad: try context.serialized())
            var info = Array(name.utf8)
            info.appendU32(128)
            info.appendU32(12)
            info += iv
            return EncryptedDataKey(providerId: namespace, providerInfo: info, ciphertext: sealed.ciphertext + sealed.tag)
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw EnvelopeError(.invalidField(field: "raw AES wrapping", reason: "failed: \(error)"))
        }
    }

    /// Unwraps the first EDK of this keyring that opens; nil if none is for it.
    /// EDKs of other providers, names or layouts are skipped, as the ESDK does.
    public func unwrap(_ keys: [EncryptedDataKey], suite: AlgorithmSuite, context: MessageContext) throws(EnvelopeError) -> SecureBytes? {
        let nameBytes = Array(name.utf8)
        let aad = try context.serialized()
        for key in keys where key.providerId == namespace {
            let info = key.providerInfo
            guard info.count == nameBytes.count + 8 + 12, Array(info.prefix(nameBytes.count)) == nameBytes else { continue }
            var cursor = ByteCursor(info, offset: nameBytes.count)
            guard (try? cursor.u32("tag length")) == 128, (try? cursor.u32("IV length")) == 12,
                  let iv = try? cursor.bytes(12, "IV"), key.ciphertext.count == suite.dataKeyLength + 16
            else { continue }
            let ciphertext = Array(key.ciphertext.prefix(suite.dataKeyLength))
            let tag = Array(key.ciphertext.suffix(16))
            if let dataKey = try? AESGCM.open(key: wrappingKey, nonce: iv, ciphertext: ciphertext, tag: tag, aad: aad) {
                return dataKey
            }
        }
        return nil
    }
}
