import KeyCrypto

/// The key service as a keyring, calling it exactly as the AWS Encryption SDK's
/// KMS keyring calls AWS KMS (reference §7.1), so messages move between this
/// library and the official tools.
///
/// Encrypt: GenerateDataKey (NumberOfBytes 32) on the first key, Encrypt of that
/// data key under each further key; every call carries the message's full
/// encryption context. Each EDK is (`aws-kms`, the ARN the service answered, blob).
/// Decrypt: tries each `aws-kms` EDK in order (only those whose ARN is allowed,
/// when a list is given), calling Decrypt with the EDK's ARN as `KeyId`; the
/// answer counts only if it names that ARN and holds 32 bytes.
/// Rewrap: ReEncrypt of the EDK that opened (with its ARN as `SourceKeyId`) to
/// each configured key, so the data key is not sent back; only a data key that
/// came from elsewhere (a raw AES EDK) is wrapped with Encrypt.
public struct KMSKeyring: EnvelopeKeyring {
    public let provider: any DataKeyProvider
    /// Keys to wrap new data keys with (ids, ARNs or aliases; a repeated one once); the first generates.
    public let keyIds: [String]
    /// When not empty, only EDKs of these key ARNs are tried on decrypt (anything
    /// that is not a key ARN is refused then: it could never match).
    public let allowedKeyArns: Set<String>

    public init(provider: any DataKeyProvider, keyIds: [String] = [], allowedKeyArns: [String] = []) {
        self.provider = provider
        var seen = Set<String>()
        self.keyIds = keyIds.filter { seen.insert($0).inserted }
        self.allowedKeyArns = Set(allowedKeyArns)
    }

    /// Throws `.notAKeyArn` for the first of `keys` that is not a key ARN (an alias,
    /// an alias ARN, a bare key id): EDKs name their key by ARN, so nothing else can
    /// select one.
    public static func checkAllowedKeyArns(_ keys: [String]) throws(EnvelopeError) {
        if let key = keys.first(where: { !isKeyArn($0) }) { throw EnvelopeError(.notAKeyArn(key)) }
    }

    public var cachePartition: String { "aws-kms:" + keyIds.joined(separator: "\u{0}") }

    public func generateDataKey(suite: AlgorithmSuite, context: MessageContext) async throws -> (SecureBytes, [EncryptedDataKey]) {
        guard let generator = keyIds.first else {
            throw EnvelopeError(.noDecryptableDataKey("no key to encrypt with: give at least one key"))
        }
        let generated = try await provider.generateDataKey(keyId: generator, numberOfBytes: suite.dataKeyLength, context: context.dictionary)
        guard let dataKey = generated.plaintext, dataKey.count == suite.dataKeyLength else {
            throw ClientError.invalidResponse("GenerateDataKey returned no \(suite.dataKeyLength)-byte plaintext")
        }
        let first = try Self.encryptedDataKey(arn: generated.keyId, blob: generated.ciphertextBlob)
        let others = try await wrap(dataKey: dataKey, context: context, keyIds: Array(keyIds.dropFirst()))
        return (dataKey, [first] + others)
    }

    public func rewrap(_ opened: OpenedDataKey, from oldContext: MessageContext, to newContext: MessageContext) async throws
        -> [EncryptedDataKey] {
        guard !keyIds.isEmpty else {
            throw EnvelopeError(.noDecryptableDataKey("no key to rewrap to: give at least one key"))
        }
        let source = opened.encryptedDataKey
        guard source.providerId == EncryptedDataKey.kmsProviderId, let sourceArn = source.kmsKeyArn, Self.isKeyArn(sourceArn) else {
            return try await wrap(dataKey: opened.dataKey, context: newContext, keyIds: keyIds)
        }
        var keys: [EncryptedDataKey] = []
        for keyId in keyIds {
            let sealed = try await provider.reEncrypt(
                ciphertextBlob: source.ciphertext, sourceContext: oldContext.dictionary, sourceKeyId: sourceArn,
                destinationKeyId: keyId, destinationContext: newContext.dictionary)
            keys.append(try Self.encryptedDataKey(arn: sealed.keyId, blob: sealed.ciphertextBlob))
        }
        return keys
    }

    private func wrap(dataKey: SecureBytes, context: MessageContext, keyIds: [String]) async throws -> [EncryptedDataKey] {
        var keys: [EncryptedDataKey] = []
        for keyId in keyIds {
            let sealed = try await provider.encrypt(keyId: keyId, plaintext: dataKey, context: context.dictionary)
            keys.append(try Self.encryptedDataKey(arn: sealed.keyId, blob: sealed.ciphertextBlob))
        }
        return keys
    }

    public func openDataKey(_ keys: [EncryptedDataKey], suite: AlgorithmSuite, context: MessageContext) async throws -> OpenedDataKey {
        try Self.checkAllowedKeyArns(allowedKeyArns.sorted())
        var failures: [any Error] = []
        var tried = 0
        for key in keys where key.providerId == EncryptedDataKey.kmsProviderId {
            guard let arn = key.kmsKeyArn, Self.isKeyArn(arn) else { continue }
            if !allowedKeyArns.isEmpty && !allowedKeyArns.contains(arn) { continue }
            tried += 1
            do {
                let result = try await provider.decrypt(ciphertextBlob: key.ciphertext, context: context.dictionary, keyId: arn)
                guard result.keyId == arn, result.plaintext.count == suite.dataKeyLength else {
                    failures.append(ClientError.invalidResponse("Decrypt answered for another key or with a wrong-sized key"))
                    continue
                }
                return OpenedDataKey(dataKey: result.plaintext, encryptedDataKey: key)
            } catch {
                failures.append(error)
            }
        }
        throw Self.summarize(failures, tried: tried, restricted: !allowedKeyArns.isEmpty)
    }

    // MARK: Helpers

    static func encryptedDataKey(arn: String, blob: [UInt8]) throws -> EncryptedDataKey {
        guard isKeyArn(arn) else { throw ClientError.invalidResponse("the service answered a key id that is not a key ARN") }
        return EncryptedDataKey(providerId: EncryptedDataKey.kmsProviderId, providerInfo: Array(arn.utf8), ciphertext: blob)
    }

    /// `arn:<partition>:kms:<region>:<account>:key/<id>`.
    public static func isKeyArn(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && parts[2] == "kms" && parts[5].hasPrefix("key/") && parts[5].count > 4
    }

    /// One error for a failed decrypt: an unreachable service or a uniform denial
    /// passes through (so the CLI exits 69 or 77); anything else is "no key opened".
    static func summarize(_ failures: [any Error], tried: Int, restricted: Bool) -> any Error {
        if tried == 0 {
            return EnvelopeError(.noDecryptableDataKey(
                restricted ? "the message has no aws-kms data key for the allowed keys" : "the message has no aws-kms data key"))
        }
        if let unreachable = failures.first(where: { if case ClientError.unreachable = $0 { true } else { false } }) {
            return unreachable
        }
        let services = failures.compactMap { $0 as? ClientError }
        if services.count == failures.count, let first = services.first, services.allSatisfy({ $0.code == first.code }) {
            return first
        }
        let detail = failures.map { error in (error as? ClientError)?.code ?? "\(type(of: error))" }.joined(separator: ", ")
        return EnvelopeError(.noDecryptableDataKey("\(tried) tried: \(detail)"))
    }
}
