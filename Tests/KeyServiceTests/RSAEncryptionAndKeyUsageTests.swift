import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Encrypt and Decrypt with RSA keys, and key usage enforced across operations.
@Suite struct RSAEncryptionAndKeyUsageTests {
    @Test(arguments: [("RSA_2048", 214, 190), ("RSA_3072", 342, 318), ("RSA_4096", 470, 446)])
    func rsaKeysEncryptUpToTheAWSLimits(spec: String, sha1Limit: Int, sha256Limit: Int) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: spec, usage: "ENCRYPT_DECRYPT")
        let metadata = try await h.describe(key)
        #expect(metadata.encryptionAlgorithms == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] && metadata.signingAlgorithms == nil)
        let publicKey = try await h.publicKey(key)
        for (algorithm, limit) in [("RSAES_OAEP_SHA_1", sha1Limit), ("RSAES_OAEP_SHA_256", sha256Limit)] {
            let plaintext = (0..<limit).map { UInt8(truncatingIfNeeded: $0) }
            let output = try await h.perform(Encrypt.self, .init(keyId: key, plaintext: secret(plaintext), encryptionAlgorithm: algorithm))
            #expect(output.encryptionAlgorithm == algorithm && output.keyId == h.partition.keyArn(key))
            #expect(output.ciphertextBlob.bytes.count == Int(spec.dropFirst(4))! / 8)
            let decrypted = try await h.perform(Decrypt.self, .init(ciphertextBlob: output.ciphertextBlob, keyId: key, encryptionAlgorithm: algorithm))
            #expect(decrypted.plaintext.bytes.exportBytes() == plaintext && decrypted.encryptionAlgorithm == algorithm)
            await expectError(.validation, "\(algorithm) over the limit") {
                try await h.perform(Encrypt.self, .init(keyId: key, plaintext: secret(plaintext + [0]), encryptionAlgorithm: algorithm))
            }
            // What anyone encrypts offline with the public key, the key decrypts.
            let digest: DigestAlgorithm = algorithm.hasSuffix("_1") ? .sha1 : .sha256
            let offline = try publicKey.encryptOAEP(SecureBytes(copying: utf8("offline")), digest: digest)
            let opened = try await h.perform(Decrypt.self, .init(ciphertextBlob: Blob(offline), keyId: key, encryptionAlgorithm: algorithm))
            #expect(opened.plaintext.bytes.exportBytes() == utf8("offline"))
        }
    }

    @Test func rsaEncryptionRefusesContextsAndWrongAlgorithms() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "RSA_2048", usage: "ENCRYPT_DECRYPT")
        let ciphertext = try await h.perform(Encrypt.self, .init(keyId: key, plaintext: secret([1, 2]), encryptionAlgorithm: "RSAES_OAEP_SHA_256")).ciphertextBlob
        await expectError(.validation, "an encryption context") {
            try await h.perform(Encrypt.self, .init(keyId: key, plaintext: secret([1]), encryptionContext: ["a": "b"], encryptionAlgorithm: "RSAES_OAEP_SHA_1"))
        }
        await expectError(.validation, "no algorithm") { try await h.perform(Encrypt.self, .init(keyId: key, plaintext: secret([1]))) }
        await expectError(.invalidKeyUsage, "SYMMETRIC_DEFAULT") {
            try await h.perform(Encrypt.self, .init(keyId: key, plaintext: secret([1]), encryptionAlgorithm: "SYMMETRIC_DEFAULT"))
        }
        await expectError(.validation, "Decrypt without KeyId") {
            try await h.perform(Decrypt.self, .init(ciphertextBlob: ciphertext, encryptionAlgorithm: "RSAES_OAEP_SHA_256"))
        }
        await expectError(.invalidKeyUsage, "Decrypt without the algorithm") { try await h.perform(Decrypt.self, .init(ciphertextBlob: ciphertext, keyId: key)) }
        await expectError(.validation, "Decrypt with a context") {
            try await h.perform(Decrypt.self, .init(ciphertextBlob: ciphertext, encryptionContext: ["a": "b"], keyId: key, encryptionAlgorithm: "RSAES_OAEP_SHA_256"))
        }
        await expectError(.invalidCiphertext, "the other OAEP digest") {
            try await h.perform(Decrypt.self, .init(ciphertextBlob: ciphertext, keyId: key, encryptionAlgorithm: "RSAES_OAEP_SHA_1"))
        }
        for garbage in [[UInt8](repeating: 0, count: 256), [1, 2, 3], [UInt8](repeating: 0xff, count: 512)] {
            await expectError(.invalidCiphertext, "\(garbage.count) garbage bytes") {
                try await h.perform(Decrypt.self, .init(ciphertextBlob: Blob(garbage), keyId: key, encryptionAlgorithm: "RSAES_OAEP_SHA_256"))
            }
        }
        let symmetric = try await h.createKey()
        await expectError(.invalidKeyUsage, "an RSA algorithm with a symmetric key") {
            try await h.perform(Decrypt.self, .init(ciphertextBlob: ciphertext, keyId: symmetric, encryptionAlgorithm: "RSAES_OAEP_SHA_256"))
        }
        await expectError(.unsupportedOperation, "ReEncrypt with RSA") {
            var input = ReEncrypt.Input(ciphertextBlob: ciphertext, destinationKeyId: symmetric)
            input.sourceEncryptionAlgorithm = "RSAES_OAEP_SHA_256"
            return try await h.perform(ReEncrypt.self, input)
        }
    }

    @Test func keyUsageIsEnforcedEverywhere() async throws {
        let h = try await ServiceHarness.make()
        let signing = try await h.createKey(spec: "ECC_NIST_P256")
        let rsaSigning = try await h.createKey(spec: "RSA_2048", usage: "SIGN_VERIFY")
        let rsaEncryption = try await h.createKey(spec: "RSA_2048")
        let hmac = try await h.createKey(spec: "HMAC_384")
        let symmetric = try await h.createKey()
        #expect(try await h.describe(rsaEncryption).keyUsage == "ENCRYPT_DECRYPT", "RSA keys default to ENCRYPT_DECRYPT")
        #expect(try await h.describe(signing).keyUsage == "SIGN_VERIFY")
        #expect(try await h.describe(hmac).keyUsage == "GENERATE_VERIFY_MAC")
        for key in [signing, rsaSigning, hmac] {
            await expectError(.invalidKeyUsage, "Encrypt") { try await h.encrypt(key, [1]) }
        }
        for key in [signing, rsaSigning, rsaEncryption, hmac] {
            await expectError(.invalidKeyUsage, "GenerateDataKey") { try await h.perform(GenerateDataKey.self, .init(keyId: key, numberOfBytes: 32)) }
            await expectError(.invalidKeyUsage, "GenerateDataKeyPair") {
                try await h.perform(GenerateDataKeyPair.self, .init(keyId: key, keyPairSpec: "ECC_NIST_P256"))
            }
        }
        for key in [signing, rsaEncryption, symmetric] {
            await expectError(.invalidKeyUsage, "GenerateMac") {
                try await h.perform(GenerateMac.self, .init(keyId: key, message: [1], macAlgorithm: "HMAC_SHA_256"))
            }
        }
        await expectError(.invalidKeyUsage, "Sign with an HMAC key") { try await h.sign(hmac, [1], .ecdsaSha256) }
        await expectError(.validation, "a context with a symmetric data key request is fine, but not with Encrypt on RSA") {
            try await h.perform(Encrypt.self, .init(keyId: rsaEncryption, plaintext: secret([1]), encryptionContext: ["k": "v"], encryptionAlgorithm: "RSAES_OAEP_SHA_256"))
        }
        // Specs and usages that do not go together, and specs this service does not offer.
        for (spec, usage) in [("ECC_NIST_P256", "ENCRYPT_DECRYPT"), ("HMAC_256", "SIGN_VERIFY"), ("SYMMETRIC_DEFAULT", "SIGN_VERIFY"),
                              ("RSA_2048", "GENERATE_VERIFY_MAC")] {
            await expectError(.validation, "\(spec) \(usage)") { try await h.createKey(spec: spec, usage: usage) }
        }
        for spec in ["ECC_SECG_P256K1", "SM2", "ML_DSA_44"] {
            await expectError(.unsupportedOperation, "\(spec)") { try await h.createKey(spec: spec) }
        }
    }
}
