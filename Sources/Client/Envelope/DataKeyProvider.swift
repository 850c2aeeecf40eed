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
