import KeyCrypto
import Logging
@testable import KeyService

/// One input of the ciphertext blob fuzzer (`fuzz/`, target `fuzz-ciphertext-blob`),
/// also replayed by `swift test` over the committed corpus. Errors are expected;
/// a crash, or an answer that breaks one of these rules, is a finding:
///
/// 1. `CiphertextBlob.parse`: a blob that parses serializes back to the same
///    bytes, its header is their first 33 bytes, and the key id it names is
///    the one the authorizer is given.
/// 2. Decrypt on an in-memory service that holds the recorded format-1 key
///    (`keys-fixtures/blobs/format-v1.json`), a disabled key, a key pending
///    deletion, an HMAC key and an RSA key: the bytes as they are, then with
///    the id of a key the input picks written over the blob's key id (so key
///    lookup, state, version and AES-GCM run) with a KeyId and context it
///    picks, and as an RSA ciphertext. Every refusal is a client error, never a
///    server fault; only the recorded blob itself decrypts.
final class CiphertextBlobFuzzHarness: Sendable {
    static let recordedKeyId = "5f1c3a9e-7b24-4d8e-9a61-c02b7e4f3d15"
    static let recordedVersion = 2
    static let recordedMaterialHex = "8d2e6f1a0b9c4d7e3f5a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a"
    static let recordedContext = ["purpose": "recorded-blob", "department": "engineering", "é": "ü"]
    static let recordedPlaintext = Array("This blob was made once for format 1 and must decrypt forever.".utf8)
    static let rootKey = SecureBytes(copying: (0..<32).map { UInt8($0 &* 7 &+ 3) })
    static let logger = Logger(label: "kms-fuzz") { _ in SwiftLogNoOpLogHandler() }

    let service: KeyService
    let administratorId: String
    /// The symmetric key ids a blob can be pointed at: recorded, disabled, pending deletion, HMAC.
    let keyIds: [String]
    let rsaKeyId: String

    private init(service: KeyService, administratorId: String, keyIds: [String], rsaKeyId: String) {
        self.service = service
        self.administratorId = administratorId
        self.keyIds = keyIds
        self.rsaKeyId = rsaKeyId
    }

    static func make() async throws -> CiphertextBlobFuzzHarness {
        // The recorded key: three versions, the second with the recorded material.
        let keyring = try Keyring(rootKey: rootKey)
        let created = Timestamp(seconds: 1_767_225_600)
        var changes: [StoreChange] = [.putKey(KeyRecord(
            id: recordedKeyId, createdAt: created, description: "recorded", state: .enabled, usage: .encryptDecrypt,
            spec: .symmetricDefault, origin: .awsKMS, rotationEnabled: false, rotationPeriodDays: nil, nextRotationAt: nil,
            deletionAt: nil, latestVersion: recordedVersion + 1, tags: []))]
        for version in 1...(recordedVersion + 1) {
            let material = version == recordedVersion
                ? SecureBytes(copying: Hex.decode(recordedMaterialHex)!) : SecureBytes(copying: [UInt8](repeating: UInt8(version), count: 32))
            changes.append(.addVersion(KeyVersionRecord(
                keyId: recordedKeyId, version: version, createdAt: created, rotationType: version == 1 ? .initial : .onDemand,
                wrappedMaterial: try keyring.wrapMaterial(material, keyId: recordedKeyId, version: version))))
        }
        let store = MemoryKeyStore()
        try store.commit(changes)
        let service = try KeyService(store: store, rootKey: rootKey, clock: { created }, logger: logger)
        _ = try await service.bootstrapAdministrator()
        let administratorId = service.administratorId!
        let context = callContext(administratorId)
        func create(_ input: CreateKey.Input) async throws -> String {
            try await service.perform(CreateKey.self, input, context: context).keyMetadata.keyId
        }
        _ = try await service.perform(CreateAlias.self, .init(aliasName: "alias/recorded", targetKeyId: recordedKeyId), context: context)
        let disabled = try await create(.init(description: "disabled"))
        _ = try await service.perform(DisableKey.self, .init(keyId: disabled), context: context)
        let pending = try await create(.init(description: "pending deletion"))
        _ = try await service.perform(ScheduleKeyDeletion.self, .init(keyId: pending), context: context)
        let hmac = try await create(.init(keyUsage: "GENERATE_VERIFY_MAC", keySpec: "HMAC_256"))
        let rsa = try await create(.init(keyUsage: "ENCRYPT_DECRYPT", keySpec: "RSA_2048"))
        return CiphertextBlobFuzzHarness(
            service: service, administratorId: administratorId, keyIds: [recordedKeyId, disabled, pending, hmac], rsaKeyId: rsa)
    }

    static func callContext(_ administratorId: String) -> CallContext {
        CallContext(
            requestId: "fuzz", caller: Caller(principalId: administratorId, principalName: "admin", accessKeyId: "AKIAFUZZFUZZFUZZFUZZ"),
            api: .aws, logger: logger)
    }

    /// Runs every pass; returns the first broken rule, or nil.
    func run(_ bytes: [UInt8]) async -> String? {
        if let problem = Self.checkParse(bytes) { return problem }
        if let problem = await decrypt(bytes) { return problem }

        guard bytes.count >= 17 else { return nil }
        let choice = Int(bytes[bytes.count - 1])
        let keyId = keyIds[choice % keyIds.count]
        var pointed = bytes
        pointed.replaceSubrange(1..<17, with: CiphertextBlob.uuidBytes(keyId))
        let references: [String?] = [nil, keyId, "alias/recorded", service.partition.keyArn(keyId), rsaKeyId, "alias/none"]
        let reference = references[choice / keyIds.count % references.count]
        let context = choice & 0x80 != 0 ? Self.recordedContext : [:]
        if let problem = await decrypt(pointed, keyId: reference, context: context) { return problem }

        if bytes[0] != CiphertextBlob.formatV1 {
            let algorithm = choice & 1 == 0 ? "RSAES_OAEP_SHA_256" : "RSAES_OAEP_SHA_1"
            if let problem = await decrypt(bytes, keyId: rsaKeyId, algorithm: algorithm) { return problem }
        }
        return nil
    }

    static func checkParse(_ bytes: [UInt8]) -> String? {
        let blob: CiphertextBlob
        do {
            blob = try CiphertextBlob.parse(bytes)
        } catch {
            guard error.code == .invalidCiphertext else { return "parse: \(error)" }
            return KeyService.blobKeyId(Blob(bytes)) == nil ? nil : "parse fails but the authorizer is given a key id"
        }
        guard blob.serialized() == bytes else { return "parse: the blob serializes to other bytes" }
        guard blob.header == Array(bytes[..<CiphertextBlob.headerSize]) else { return "parse: the header is not the first 33 bytes" }
        guard KeyService.blobKeyId(Blob(bytes)) == blob.keyId else { return "parse: the authorizer is given another key id" }
        return nil
    }

    /// Decrypts `bytes` through the whole operation; nil unless the answer breaks a rule.
    func decrypt(_ bytes: [UInt8], keyId: String? = nil, context: [String: String] = [:], algorithm: String? = nil) async -> String? {
        let input = Decrypt.Input(ciphertextBlob: Blob(bytes), encryptionContext: context, keyId: keyId, encryptionAlgorithm: algorithm)
        do {
            let output = try await service.perform(Decrypt.self, input, context: Self.callContext(administratorId))
            let recorded = bytes.count >= 17 && Array(bytes[1..<17]) == CiphertextBlob.uuidBytes(Self.recordedKeyId)
            guard recorded, output.plaintext.bytes.exportBytes() == Self.recordedPlaintext else {
                return "decrypt: \(bytes.count) bytes decrypted (key id \(keyId ?? "none"), algorithm \(algorithm ?? "none"))"
            }
            return nil
        } catch {
            return error.isServerFault ? "decrypt: server fault \(error) (key id \(keyId ?? "none"), algorithm \(algorithm ?? "none"))" : nil
        }
    }
}
