import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// HMAC keys (GenerateMac, VerifyMac) and data key pairs.
@Suite struct MacAndKeyPairTests {
    @Test(arguments: [(KeySpec.hmac224, MacAlgorithm.hmacSha224), (.hmac256, .hmacSha256), (.hmac384, .hmacSha384), (.hmac512, .hmacSha512)])
    func hmacKeysGenerateAndVerifyMacs(spec: KeySpec, algorithm: MacAlgorithm) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: spec.rawValue)
        let metadata = try await h.describe(key)
        #expect(metadata.keyUsage == "GENERATE_VERIFY_MAC" && metadata.macAlgorithms == [algorithm.rawValue])
        #expect(metadata.encryptionAlgorithms == nil && metadata.signingAlgorithms == nil)
        // The generated material is as long as the digest (AWS), under the root key like any other.
        let entry = try #require(h.service.entry(id: key))
        #expect(try h.service.material(of: entry, version: 1).count == spec.materialSize)

        let message = utf8("payload")
        let output = try await h.perform(GenerateMac.self, .init(keyId: key, message: message, macAlgorithm: algorithm.rawValue))
        #expect(output.mac.bytes.count == algorithm.digest.outputSize && output.macAlgorithm == algorithm.rawValue)
        #expect(output.keyId == h.partition.keyArn(key))
        #expect(output.mac.bytes == (try HMAC.authenticate(algorithm.digest, key: try h.service.material(of: entry, version: 1), data: message)))
        let verified = try await h.perform(VerifyMac.self, .init(keyId: key, message: message, macAlgorithm: algorithm.rawValue, mac: output.mac.bytes))
        #expect(verified.macValid)

        var wrong = output.mac.bytes
        wrong[0] ^= 1
        for mac in [wrong, Array(output.mac.bytes.dropLast()), output.mac.bytes + [0]] {
            await expectError(.kmsInvalidMac, "\(mac.count) bytes") {
                try await h.perform(VerifyMac.self, .init(keyId: key, message: message, macAlgorithm: algorithm.rawValue, mac: mac))
            }
        }
        await expectError(.kmsInvalidMac, "other message") {
            try await h.perform(VerifyMac.self, .init(keyId: key, message: message + [0], macAlgorithm: algorithm.rawValue, mac: output.mac.bytes))
        }
        await expectError(.validation, "empty MAC") {
            try await h.perform(VerifyMac.self, .init(keyId: key, message: message, macAlgorithm: algorithm.rawValue, mac: []))
        }
        let other = MacAlgorithm.allCases.first { $0 != algorithm }!
        await expectError(.invalidKeyUsage, "the algorithm of another spec") {
            try await h.perform(GenerateMac.self, .init(keyId: key, message: message, macAlgorithm: other.rawValue))
        }
        await expectError(.validation, "empty message") { try await h.perform(GenerateMac.self, .init(keyId: key, message: [], macAlgorithm: algorithm.rawValue)) }
        await expectError(.unsupportedOperation, "rotation") { try await h.perform(EnableKeyRotation.self, .init(keyId: key)) }
    }

    @Test(arguments: KeyPairSpec.allCases)
    func dataKeyPairsComeInTheClearAndSealed(spec: KeyPairSpec) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let output = try await h.perform(GenerateDataKeyPair.self, .init(keyId: key, keyPairSpec: spec.rawValue, encryptionContext: ["use": "tls"]))
        #expect(output.keyPairSpec == spec.rawValue && output.keyId == h.partition.keyArn(key))
        let privateKey = try AsymmetricPrivateKey(pkcs8: output.privateKeyPlaintext.bytes)
        #expect(privateKey.keyType == spec.keySpec.asymmetricType)
        #expect(try privateKey.publicKeyDER() == output.publicKey.bytes)
        // The sealed copy is an ordinary blob: Decrypt with the same context gives the same PKCS#8 bytes.
        #expect(try await h.decrypt(output.privateKeyCiphertextBlob.bytes, context: ["use": "tls"]) == output.privateKeyPlaintext.bytes.exportBytes())
        await expectError(.invalidCiphertext) { try await h.decrypt(output.privateKeyCiphertextBlob.bytes) }

        let sealed = try await h.perform(GenerateDataKeyPairWithoutPlaintext.self, .init(keyId: key, keyPairSpec: spec.rawValue))
        let opened = try AsymmetricPrivateKey(pkcs8: SecureBytes(copying: try await h.decrypt(sealed.privateKeyCiphertextBlob.bytes)))
        #expect(try opened.publicKeyDER() == sealed.publicKey.bytes)
        #expect(sealed.publicKey != output.publicKey, "every call makes a new pair")
    }

    @Test func dataKeyPairSpecsAreChecked() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        for spec in ["ECC_SECG_P256K1", "SM2"] {
            await expectError(.unsupportedOperation, "\(spec)") { try await h.perform(GenerateDataKeyPair.self, .init(keyId: key, keyPairSpec: spec)) }
        }
        await expectError(.validation) { try await h.perform(GenerateDataKeyPair.self, .init(keyId: key, keyPairSpec: "RSA_1024")) }
        _ = try await h.perform(DisableKey.self, .init(keyId: key))
        await expectError(.disabled) { try await h.perform(GenerateDataKeyPair.self, .init(keyId: key, keyPairSpec: "ECC_NIST_P256")) }
    }
}
