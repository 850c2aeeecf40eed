import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// GenerateDataKey, GenerateDataKeyWithoutPlaintext and GenerateRandom.
@Suite struct DataKeyTests {
    @Test(arguments: [("AES_256", 32), ("AES_128", 16)])
    func keySpecSizesTheDataKey(spec: String, size: Int) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let output = try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: spec, encryptionContext: ["file": "a.txt"]))
        #expect(output.plaintext.bytes.count == size)
        #expect(output.keyId == h.partition.keyArn(key))
        let blob = try CiphertextBlob.parse(output.ciphertextBlob.bytes)
        #expect(blob.keyId == key)
        #expect(blob.ciphertext.count == size)
        // The sealed copy opens, with the same context, to exactly the returned plaintext.
        let opened = try await h.decrypt(output.ciphertextBlob.bytes, context: ["file": "a.txt"])
        #expect(opened == output.plaintext.bytes.exportBytes())
        await expectError(.invalidCiphertext) { try await h.decrypt(output.ciphertextBlob.bytes) }
    }

    @Test(arguments: [1, 1024])
    func numberOfBytesWithinRangeIsHonoured(count: Int) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let output = try await h.perform(GenerateDataKey.self, .init(keyId: key, numberOfBytes: count))
        #expect(output.plaintext.bytes.count == count)
        #expect(try await h.decrypt(output.ciphertextBlob.bytes) == output.plaintext.bytes.exportBytes())
    }

    @Test func invalidDataKeyRequestsAreValidationErrors() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.validation, "0 bytes") { try await h.perform(GenerateDataKey.self, .init(keyId: key, numberOfBytes: 0)) }
        await expectError(.validation, "1025 bytes") { try await h.perform(GenerateDataKey.self, .init(keyId: key, numberOfBytes: 1025)) }
        await expectError(.validation, "both") {
            try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_256", numberOfBytes: 32))
        }
        await expectError(.validation, "neither") { try await h.perform(GenerateDataKey.self, .init(keyId: key)) }
        await expectError(.validation, "bad spec") { try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_512")) }
        await expectError(.validation, "lower-case spec") { try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "aes_256")) }
        await expectError(.validation, "without plaintext, neither") {
            try await h.perform(GenerateDataKeyWithoutPlaintext.self, .init(keyId: key))
        }
    }

    @Test func dataKeysAreFreshEachTime() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let first = try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_256"))
        let second = try await h.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_256"))
        #expect(first.plaintext.bytes != second.plaintext.bytes)
        #expect(first.ciphertextBlob != second.ciphertextBlob)
    }

    @Test func dataKeyWithoutPlaintextDecryptsTo32Bytes() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let output = try await h.perform(GenerateDataKeyWithoutPlaintext.self, .init(keyId: key, keySpec: "AES_256", encryptionContext: ["k": "v"]))
        #expect(output.keyId == h.partition.keyArn(key))
        let plaintext = try await h.decrypt(output.ciphertextBlob.bytes, context: ["k": "v"])
        #expect(plaintext.count == 32)
        #expect(plaintext != [UInt8](repeating: 0, count: 32))
    }

    @Test func dataKeysUseTheNewestVersion() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        _ = try await h.perform(RotateKeyOnDemand.self, .init(keyId: key))
        let output = try await h.perform(GenerateDataKeyWithoutPlaintext.self, .init(keyId: key, numberOfBytes: 16))
        #expect(try CiphertextBlob.parse(output.ciphertextBlob.bytes).version == 2)
    }

    @Test(arguments: [1, 1024])
    func generateRandomReturnsTheRequestedLength(count: Int) async throws {
        let h = try await ServiceHarness.make()
        let output = try await h.perform(GenerateRandom.self, .init(numberOfBytes: count))
        #expect(output.plaintext.bytes.count == count)
    }

    @Test func generateRandomRefusesOutOfRangeCounts() async throws {
        let h = try await ServiceHarness.make()
        await expectError(.validation) { try await h.perform(GenerateRandom.self, .init(numberOfBytes: 0)) }
        await expectError(.validation) { try await h.perform(GenerateRandom.self, .init(numberOfBytes: 1025)) }
        await expectError(.validation) { try await h.perform(GenerateRandom.self, .init(numberOfBytes: nil)) }
    }

    @Test func twoRandomCallsDiffer() async throws {
        let h = try await ServiceHarness.make()
        let first = try await h.perform(GenerateRandom.self, .init(numberOfBytes: 32)).plaintext.bytes
        let second = try await h.perform(GenerateRandom.self, .init(numberOfBytes: 32)).plaintext.bytes
        #expect(first != second)
    }
}
