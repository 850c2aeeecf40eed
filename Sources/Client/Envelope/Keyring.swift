import KeyCrypto

/// The three key-service calls that envelope encryption needs. `KeyServiceClient`
/// implements it against the service; tests use an in-process fake.
public protocol DataKeyProvider: Sendable {
    /// A fresh data key of `numberOfBytes`, in the clear and sealed under `keyId`
    /// with `context` bound in. The result's `keyId` is the key's ARN.
    func generateDataKey(keyId: String, numberOfBytes: Int, context: [String: String]) async throws -> DataKey
    /// Seals `plaintext` under `keyId` with `context` bound in.
    func encrypt(keyId: String, plaintext: SecureBytes, context: [String: String]) async throws -> EncryptResult
    /// Opens a blob sealed with `context`; `keyId`, if given, must name the sealing key.
    func decrypt(ciphertextBlob: [UInt8], context: [String: String], keyId: String?) async throws -> DecryptResult
}

extension KeyServiceClient: DataKeyProvider {
    public func generateDataKey(keyId: String, numberOfBytes: Int, context: [String: String]) async throws -> DataKey {
        // Like the ESDK's KMS keyring: NumberOfBytes, no KeySpec.
        try await generateDataKey(keyId: keyId, size: .bytes(numberOfBytes), context: context, withPlaintext: true)
    }
}

/// Makes and recovers the data key of a message: wraps a new data key for every
/// configured key (one EDK each) and unwraps one of a message's EDKs.
public protocol EnvelopeKeyring: Sendable {
    /// A new data key for `suite` and its EDKs, with `context` (the message's full
    /// context) bound into every wrapping.
    func generateDataKey(suite: AlgorithmSuite, context: MessageContext) async throws -> (SecureBytes, [EncryptedDataKey])
    /// Wraps an existing data key for every configured key (used by rewrap).
    func wrap(dataKey: SecureBytes, context: MessageContext) async throws -> [EncryptedDataKey]
    /// The data key of a message, from the first EDK this keyring can open.
    func decryptDataKey(_ keys: [EncryptedDataKey], suite: AlgorithmSuite, context: MessageContext) async throws -> SecureBytes
    /// Names the configured keys, so a cache never mixes keyrings.
    var cachePartition: String { get }
}

extension RawAESKeyring: EnvelopeKeyring {
    public func generateDataKey(suite: AlgorithmSuite, context: MessageContext) async throws -> (SecureBytes, [EncryptedDataKey]) {
        let dataKey = try SecureBytes.random(count: suite.dataKeyLength)
        return (dataKey, [try wrap(dataKey, context: context)])
    }

    public func wrap(dataKey: SecureBytes, context: MessageContext) async throws -> [EncryptedDataKey] {
        [try wrap(dataKey, context: context)]
    }

    public func decryptDataKey(_ keys: [EncryptedDataKey], suite: AlgorithmSuite, context: MessageContext) async throws -> SecureBytes {
        guard let dataKey = try unwrap(keys, suite: suite, context: context) else {
            throw EnvelopeError(.noDecryptableDataKey("no encrypted data key for raw AES key \(namespace)/\(name) opens"))
        }
        return dataKey
    }

    public var cachePartition: String { "raw-aes:\(namespace):\(name)" }
}
