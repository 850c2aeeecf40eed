import KeyCrypto

/// The four key-service calls that envelope encryption needs. `KeyServiceClient`
/// implements it against the service; tests use an in-process fake.
public protocol DataKeyProvider: Sendable {
    /// A fresh data key of `numberOfBytes`, in the clear and sealed under `keyId`
    /// with `context` bound in. The result's `keyId` is the key's ARN.
    func generateDataKey(keyId: String, numberOfBytes: Int, context: [String: String]) async throws -> DataKey
    /// Seals `plaintext` under `keyId` with `context` bound in.
    func encrypt(keyId: String, plaintext: SecureBytes, context: [String: String]) async throws -> EncryptResult
    /// Opens a blob sealed with `context`; `keyId`, if given, must name the sealing key.
    func decrypt(ciphertextBlob: [UInt8], context: [String: String], keyId: String?) async throws -> DecryptResult
    /// Opens a blob sealed with `sourceContext` (`sourceKeyId`, if given, must name
    /// the sealing key) and seals its plaintext under `destinationKeyId` with
    /// `destinationContext`, inside the service: the plaintext is never sent. The
    /// result's `keyId` is the destination key's ARN.
    func reEncrypt(ciphertextBlob: [UInt8], sourceContext: [String: String], sourceKeyId: String?,
                   destinationKeyId: String, destinationContext: [String: String]) async throws -> EncryptResult
}

extension KeyServiceClient: DataKeyProvider {
    public func generateDataKey(keyId: String, numberOfBytes: Int, context: [String: String]) async throws -> DataKey {
        // Like the ESDK's KMS keyring: NumberOfBytes, no KeySpec.
        try await generateDataKey(keyId: keyId, size: .bytes(numberOfBytes), context: context, withPlaintext: true)
    }
}

/// A message's data key and the EDK it was unwrapped from.
public struct OpenedDataKey: Sendable {
    public let dataKey: SecureBytes
    public let encryptedDataKey: EncryptedDataKey

    public init(dataKey: SecureBytes, encryptedDataKey: EncryptedDataKey) {
        self.dataKey = dataKey
        self.encryptedDataKey = encryptedDataKey
    }
}

/// Makes and recovers the data key of a message: wraps a new data key for every
/// configured key (one EDK each) and unwraps one of a message's EDKs.
public protocol EnvelopeKeyring: Sendable {
    /// A new data key for `suite` and its EDKs, with `context` (the message's full
    /// context) bound into every wrapping.
    func generateDataKey(suite: AlgorithmSuite, context: MessageContext) async throws -> (SecureBytes, [EncryptedDataKey])
    /// New EDKs of an opened data key, one for every configured key, bound to
    /// `newContext` (used by rewrap). `oldContext` is the context `opened` was
    /// sealed with: a keyring backed by a service re-encrypts that EDK there
    /// instead of sending the data key back.
    func rewrap(_ opened: OpenedDataKey, from oldContext: MessageContext, to newContext: MessageContext) async throws
        -> [EncryptedDataKey]
    /// The data key of a message and the EDK it came from: the first this keyring can open.
    func openDataKey(_ keys: [EncryptedDataKey], suite: AlgorithmSuite, context: MessageContext) async throws -> OpenedDataKey
    /// Names the configured keys, so a cache never mixes keyrings.
    var cachePartition: String { get }
}

extension EnvelopeKeyring {
    /// The data key of a message, from the first EDK this keyring can open.
    public func decryptDataKey(_ keys: [EncryptedDataKey], suite: AlgorithmSuite, context: MessageContext) async throws -> SecureBytes {
        try await openDataKey(keys, suite: suite, context: context).dataKey
    }
}

extension RawAESKeyring: EnvelopeKeyring {
    public func generateDataKey(suite: AlgorithmSuite, context: MessageContext) async throws -> (SecureBytes, [EncryptedDataKey]) {
        let dataKey = try SecureBytes.random(count: suite.dataKeyLength)
        return (dataKey, [try wrap(dataKey, context: context)])
    }

    /// No service: the data key is wrapped locally under the new context.
    public func rewrap(_ opened: OpenedDataKey, from oldContext: MessageContext, to newContext: MessageContext) async throws
        -> [EncryptedDataKey] {
        [try wrap(opened.dataKey, context: newContext)]
    }

    public func openDataKey(_ keys: [EncryptedDataKey], suite: AlgorithmSuite, context: MessageContext) async throws -> OpenedDataKey {
        for key in keys {
            if let dataKey = try unwrap([key], suite: suite, context: context) {
                return OpenedDataKey(dataKey: dataKey, encryptedDataKey: key)
            }
        }
        throw EnvelopeError(.noDecryptableDataKey("no encrypted data key for raw AES key \(namespace)/\(name) opens"))
    }

    public var cachePartition: String { "raw-aes:\(namespace):\(name)" }
}
