import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Encrypt, Decrypt and ReEncrypt in the core.
@Suite struct CryptoOperationTests {
    @Test func encryptDecryptRoundTripsWithContext() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let plaintext = utf8("attack at dawn")
        let output = try await h.perform(Encrypt.self, .init(keyId: key, plaintext: secret(plaintext), encryptionContext: ["app": "pay"]))
        #expect(output.keyId == h.partition.keyArn(key))
        #expect(output.encryptionAlgorithm == "SYMMETRIC_DEFAULT")
        let blob = output.ciphertextBlob.bytes
        #expect(blob.count == CiphertextBlob.headerSize + plaintext.count + CiphertextBlob.tagSize)
        #expect(!blob.windows(ofCount: plaintext.count).contains { Array($0) == plaintext })
        let decrypted = try await h.perform(Decrypt.self, .init(ciphertextBlob: Blob(blob), encryptionContext: ["app": "pay"]))
        #expect(decrypted.plaintext.bytes.exportBytes() == plaintext)
        #expect(decrypted.keyId == h.partition.keyArn(key))
        // Two encryptions of the same plaintext differ (fresh nonce).
        #expect(try await h.encrypt(key, plaintext, context: ["app": "pay"]) != blob)
    }

    @Test func decryptRequiresExactlyTheSameContext() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let blob = try await h.encrypt(key, utf8("secret"), context: ["a": "1", "b": "2"])
        await expectError(.invalidCiphertext, "different value") { try await h.decrypt(blob, context: ["a": "1", "b": "3"]) }
        await expectError(.invalidCiphertext, "extra pair") { try await h.decrypt(blob, context: ["a": "1", "b": "2", "c": "3"]) }
        await expectError(.invalidCiphertext, "missing pair") { try await h.decrypt(blob, context: ["a": "1"]) }
        await expectError(.invalidCiphertext, "missing context") { try await h.decrypt(blob) }
        #expect(try await h.decrypt(blob, context: ["b": "2", "a": "1"]) == utf8("secret"))
        let plain = try await h.encrypt(key, utf8("secret"))
        await expectError(.invalidCiphertext, "context where none was used") { try await h.decrypt(plain, context: ["a": "1"]) }
    }

    @Test func contextKeyOrderDoesNotMatter() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        var forward: [String: String] = [:]
        var backward: [String: String] = [:]
        let pairs = (0..<20).map { ("key\($0)", "value\($0)") }
        for (k, v) in pairs { forward[k] = v }
        for (k, v) in pairs.reversed() { backward[k] = v }
        let blob = try await h.encrypt(key, utf8("ordered"), context: forward)
        #expect(try await h.decrypt(blob, context: backward) == utf8("ordered"))
    }

    @Test func plaintextMustBe1To4096Bytes() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.validation) { try await h.encrypt(key, []) }
        await expectError(.validation) { try await h.encrypt(key, [UInt8](repeating: 7, count: 4097)) }
        let largest = (0..<4096).map { UInt8(truncatingIfNeeded: $0) }
        let blob = try await h.encrypt(key, largest)
        #expect(try await h.decrypt(blob) == largest)
        #expect(try await h.decrypt(try await h.encrypt(key, [0])) == [0])
    }

    @Test func reEncryptMovesToAnotherKeyAndContext() async throws {
        let h = try await ServiceHarness.make()
        let source = try await h.createKey()
        let destination = try await h.createKey()
        let blob = try await h.encrypt(source, utf8("moving"), context: ["from": "a"])

        let moved = try await h.perform(ReEncrypt.self, .init(
            ciphertextBlob: Blob(blob), destinationKeyId: destination,
            sourceEncryptionContext: ["from": "a"], destinationEncryptionContext: ["to": "b"]))
        #expect(moved.sourceKeyId == h.partition.keyArn(source))
        #expect(moved.keyId == h.partition.keyArn(destination))
        #expect(try CiphertextBlob.parse(moved.ciphertextBlob.bytes).keyId == destination)
        #expect(try await h.decrypt(moved.ciphertextBlob.bytes, context: ["to": "b"]) == utf8("moving"))
        await expectError(.invalidCiphertext) { try await h.decrypt(moved.ciphertextBlob.bytes, context: ["from": "a"]) }

        // Same key, new context.
        let recontexted = try await h.perform(ReEncrypt.self, .init(
            ciphertextBlob: Blob(blob), destinationKeyId: source,
            sourceEncryptionContext: ["from": "a"], destinationEncryptionContext: ["new": "ctx"]))
        #expect(try await h.decrypt(recontexted.ciphertextBlob.bytes, context: ["new": "ctx"]) == utf8("moving"))

        await expectError(.invalidCiphertext) {
            try await h.perform(ReEncrypt.self, .init(
                ciphertextBlob: Blob(blob), destinationKeyId: destination, sourceEncryptionContext: ["from": "wrong"]))
        }
        await expectError(.notFound) {
            try await h.perform(ReEncrypt.self, .init(
                ciphertextBlob: Blob(blob), destinationKeyId: "alias/none", sourceEncryptionContext: ["from": "a"]))
        }
    }

    @Test func decryptWithAnotherKeysIdIsIncorrectKey() async throws {
        let h = try await ServiceHarness.make()
        let owner = try await h.createKey()
        let other = try await h.createKey()
        try await h.createAlias("alias/other", target: other)
        let blob = try await h.encrypt(owner, utf8("mine"))
        await expectError(.incorrectKey) { try await h.decrypt(blob, keyId: other) }
        await expectError(.incorrectKey) { try await h.decrypt(blob, keyId: "alias/other") }
        #expect(try await h.decrypt(blob, keyId: h.partition.keyArn(owner)) == utf8("mine"))
    }

    @Test func disabledKeysRefuseCryptographicUse() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let blob = try await h.encrypt(key, utf8("x"))
        _ = try await h.perform(DisableKey.self, .init(keyId: key))
        await expectError(.disabled) { try await h.encrypt(key, utf8("x")) }
        await expectError(.disabled) { try await h.decrypt(blob) }
        await expectError(.disabled) { try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_256")) }
        await expectError(.disabled) { try await h.perform(GenerateDataKeyWithoutPlaintext.self, .init(keyId: key, keySpec: "AES_256")) }
        await expectError(.disabled) {
            try await h.perform(ReEncrypt.self, .init(ciphertextBlob: Blob(blob), destinationKeyId: key))
        }
    }

    @Test func keysPendingDeletionRefuseCryptographicUse() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let blob = try await h.encrypt(key, utf8("x"))
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key))
        await expectError(.invalidState) { try await h.encrypt(key, utf8("x")) }
        await expectError(.invalidState) { try await h.decrypt(blob) }
        await expectError(.invalidState) { try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_256")) }
        // After cancelling (Disabled) and enabling, the old blob decrypts again.
        _ = try await h.perform(CancelKeyDeletion.self, .init(keyId: key))
        _ = try await h.perform(EnableKey.self, .init(keyId: key))
        #expect(try await h.decrypt(blob) == utf8("x"))
    }

    @Test func unknownKeysAreNotFound() async throws {
        let h = try await ServiceHarness.make()
        let missing = "00000000-0000-4000-8000-000000000000"
        await expectError(.notFound) { try await h.encrypt(missing, utf8("x")) }
        await expectError(.notFound) { try await h.encrypt("alias/missing", utf8("x")) }
        await expectError(.notFound) { try await h.perform(GenerateDataKey.self, .init(keyId: missing, keySpec: "AES_256")) }
        await expectError(.notFound) { try await h.perform(GenerateDataKeyWithoutPlaintext.self, .init(keyId: missing, numberOfBytes: 8)) }
    }

    @Test func invalidEncryptionContextsAreRefused() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.validation) { try await h.encrypt(key, utf8("x"), context: ["": "v"]) }
        let many = Dictionary(uniqueKeysWithValues: (0..<65).map { ("k\($0)", "v") })
        await expectError(.validation) { try await h.encrypt(key, utf8("x"), context: many) }
    }
}

extension Array where Element == UInt8 {
    /// Every contiguous run of `count` bytes.
    func windows(ofCount count: Int) -> [ArraySlice<UInt8>] {
        guard count > 0, count <= self.count else { return [] }
        return (0...(self.count - count)).map { self[$0..<($0 + count)] }
    }
}
