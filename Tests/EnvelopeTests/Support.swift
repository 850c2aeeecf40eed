import Client
import Foundation
import KeyCrypto
import Testing

/// An in-process stand-in for the key service: seals data keys with AES-GCM under
/// per-key secrets, binding the key ARN and the encryption context, and records
/// every call so tests can check what the keyring sent.
final class FakeKeyService: DataKeyProvider, @unchecked Sendable {
    struct Call: Equatable {
        var operation: String
        var keyId: String
        var context: [String: String]
    }

    private let lock = NSLock()
    private var secrets: [String: SecureBytes] = [:]
    private var recorded: [Call] = []
    /// ARNs whose Decrypt answers AccessDenied.
    var denied: Set<String> = []

    init(keys: [String]) {
        for name in keys { secrets[Self.arn(name)] = try! SecureBytes.random(count: 32) }
    }

    static func arn(_ name: String) -> String { "arn:aws:kms:us-east-1:000000000000:key/\(name)" }

    var calls: [Call] { lock.withLock { recorded } }

    private func resolve(_ keyId: String) throws -> String {
        let arn = keyId.hasPrefix("arn:") ? keyId : Self.arn(keyId.hasPrefix("alias/") ? String(keyId.dropFirst(6)) : keyId)
        guard lock.withLock({ secrets[arn] }) != nil else {
            throw ClientError.service(status: 400, code: "NotFoundException", message: "no such key", requestId: nil)
        }
        return arn
    }

    private func record(_ operation: String, _ keyId: String, _ context: [String: String]) {
        lock.withLock { recorded.append(Call(operation: operation, keyId: keyId, context: context)) }
    }

    private func seal(_ plaintext: SecureBytes, arn: String, context: [String: String]) throws -> [UInt8] {
        let iv = try SecureRandom.bytes(12)
        let aad = Array(arn.utf8) + (try MessageContext(context).serialized())
        let sealed = try AESGCM.seal(key: lock.withLock { secrets[arn]! }, nonce: iv, plaintext: plaintext, aad: aad)
        var blob = [UInt8(arn.utf8.count)] + Array(arn.utf8) + iv
        blob += sealed.ciphertext + sealed.tag
        return blob
    }

    func generateDataKey(keyId: String, numberOfBytes: Int, context: [String: String]) async throws -> DataKey {
        let arn = try resolve(keyId)
        record("GenerateDataKey", keyId, context)
        let key = try SecureBytes.random(count: numberOfBytes)
        return DataKey(plaintext: key, ciphertextBlob: try seal(key, arn: arn, context: context), keyId: arn)
    }

    func encrypt(keyId: String, plaintext: SecureBytes, context: [String: String]) async throws -> EncryptResult {
        let arn = try resolve(keyId)
        record("Encrypt", keyId, context)
        return EncryptResult(ciphertextBlob: try seal(plaintext, arn: arn, context: context), keyId: arn)
    }

    func decrypt(ciphertextBlob: [UInt8], context: [String: String], keyId: String?) async throws -> DecryptResult {
        record("Decrypt", keyId ?? "", context)
        return try open(ciphertextBlob, context: context, keyId: keyId)
    }

    /// Records the destination key and context (the source context is checked by opening).
    func reEncrypt(ciphertextBlob: [UInt8], sourceContext: [String: String], sourceKeyId: String?,
                   destinationKeyId: String, destinationContext: [String: String]) async throws -> EncryptResult {
        record("ReEncrypt", destinationKeyId, destinationContext)
        let opened = try open(ciphertextBlob, context: sourceContext, keyId: sourceKeyId)
        let arn = try resolve(destinationKeyId)
        return EncryptResult(ciphertextBlob: try seal(opened.plaintext, arn: arn, context: destinationContext), keyId: arn)
    }

    private func open(_ ciphertextBlob: [UInt8], context: [String: String], keyId: String?) throws -> DecryptResult {
        let invalid = ClientError.service(status: 400, code: "InvalidCiphertextException", message: "bad blob", requestId: nil)
        guard let count = ciphertextBlob.first, ciphertextBlob.count > 1 + Int(count) + 28 else { throw invalid }
        let arn = String(decoding: ciphertextBlob[1...Int(count)], as: UTF8.self)
        if denied.contains(arn) { throw ClientError.service(status: 400, code: "AccessDeniedException", message: "denied", requestId: nil) }
        if let keyId, keyId != arn { throw ClientError.service(status: 400, code: "IncorrectKeyException", message: "other key", requestId: nil) }
        guard let secret = lock.withLock({ secrets[arn] }) else { throw invalid }
        let rest = Array(ciphertextBlob[(1 + Int(count))...])
        let iv = Array(rest[0..<12]), body = Array(rest[12..<(rest.count - 16)]), tag = Array(rest.suffix(16))
        let aad = Array(arn.utf8) + (try MessageContext(context).serialized())
        guard let plaintext = try? AESGCM.open(key: secret, nonce: iv, ciphertext: body, tag: tag, aad: aad) else { throw invalid }
        return DecryptResult(plaintext: plaintext, keyId: arn)
    }
}

/// Plaintext whose byte i is i mod 251 (a prime, so frames differ).
func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }

/// Collects an async stream of chunks.
func collect(_ stream: AsyncThrowingStream<[UInt8], any Error>) async throws -> [UInt8] {
    var out: [UInt8] = []
    for try await chunk in stream { out += chunk }
    return out
}

/// One chunk as an async sequence.
func chunks(_ bytes: [UInt8], size: Int = 7_000) -> AsyncStream<[UInt8]> {
    AsyncStream { continuation in
        var offset = 0
        while offset < bytes.count {
            continuation.yield(Array(bytes[offset..<min(bytes.count, offset + size)]))
            offset += size
        }
        continuation.finish()
    }
}

/// The `EnvelopeError` code `body` throws, or nil (recording other errors).
func envelopeErrorCode(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> EnvelopeError.Code? {
    do {
        try await body()
        return nil
    } catch let error as EnvelopeError {
        return error.code
    } catch {
        Issue.record(error, "expected an EnvelopeError", sourceLocation: sourceLocation)
        return nil
    }
}

/// A fresh temporary directory, removed by the caller with `removeItem`.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("envelope-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository's `keys-fixtures/envelope` directory.
let envelopeFixtures: URL = {
    var candidate = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while candidate.path != "/" {
        let fixtures = candidate.appendingPathComponent("keys-fixtures/envelope")
        if FileManager.default.fileExists(atPath: fixtures.path) { return fixtures }
        candidate = candidate.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: "keys-fixtures/envelope")
}()

/// The raw AES keyring of the reference's and ESDK-Python's vectors.
func vectorKeyring() throws -> RawAESKeyring {
    try RawAESKeyring(namespace: "aws-raw-vectors-persistent", name: "aes-256",
                      wrappingKey: SecureBytes(copying: Hex.decode("0001020304050607080910111213141516171819202122232425262728293031")!))
}
