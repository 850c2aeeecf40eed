import Foundation
import Testing
@testable import KeyCrypto

/// Project Wycheproof vectors through `KeyCrypto`: RSA-OAEP decryption, RSA-PSS,
/// ECDSA (DER) and Ed25519 verification, and AES key wrap with padding. Valid
/// vectors must decrypt or verify, invalid ones must be refused; "acceptable"
/// ones may go either way but must not crash.
struct WycheproofAsymmetricTests {
    @Test(arguments: [("wycheproof/rsa_oaep_2048_sha256_mgf1sha256_test.json", DigestAlgorithm.sha256, 37),
                      ("wycheproof/rsa_oaep_2048_sha1_mgf1sha1_test.json", .sha1, 36)])
    func rsaOAEPDecryptsValidAndRefusesInvalid(path: String, digest: DigestAlgorithm, count: Int) throws {
        let file = try WycheproofFile<WycheproofRSADecryptGroup>.load(path)
        #expect(file.numberOfTests == count)
        var checked = 0
        for group in file.testGroups {
            #expect(DigestAlgorithm(vectorName: group.sha) == digest && DigestAlgorithm(vectorName: group.mgfSha) == digest)
            let key = try AsymmetricPrivateKey(pkcs8: SecureBytes(copying: try bytes(hex: group.privateKeyPkcs8)))
            #expect(key.keyType == .rsa(bits: group.keySize))
            for test in group.tests {
                let label = try bytes(hex: test.label)
                let decrypted = try? key.decryptOAEP(try bytes(hex: test.ct), digest: digest, label: label)
                switch test.result {
                case .valid:
                    #expect(decrypted?.exportBytes() == (try bytes(hex: test.msg)), "tcId \(test.tcId) \(test.comment)")
                case .invalid:
                    #expect(decrypted == nil, "tcId \(test.tcId) \(test.comment)")
                case .acceptable: break
                }
                checked += 1
            }
        }
        #expect(checked == count)
    }

    @Test func rsaPSSVerifiesValidAndRejectsInvalid() throws {
        let file = try WycheproofFile<WycheproofSignatureGroup>.load("wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json")
        #expect(file.numberOfTests == 108)
        try checkSignatures(file, digest: .sha256, padding: .pss, expectedType: .rsa(bits: 2048))
    }

    @Test func ecdsaP256VerifiesValidAndRejectsInvalidDER() throws {
        let file = try WycheproofFile<WycheproofSignatureGroup>.load("wycheproof/ecdsa_secp256r1_sha256_test.json")
        #expect(file.numberOfTests == 484)
        try checkSignatures(file, digest: .sha256, padding: .none, expectedType: .ecP256)
    }

    @Test func ed25519VerifiesValidAndRejectsInvalid() throws {
        let file = try WycheproofFile<WycheproofSignatureGroup>.load("wycheproof/ed25519_test.json")
        #expect(file.numberOfTests == 210)
        try checkSignatures(file, digest: nil, padding: .none, expectedType: .ed25519)
    }

    /// RAW verification for every vector; for hash-based schemes also the DIGEST
    /// path (the message's hash), which must agree.
    private func checkSignatures(_ file: WycheproofFile<WycheproofSignatureGroup>, digest: DigestAlgorithm?,
                                 padding: SignaturePadding, expectedType: AsymmetricKeyType) throws {
        var counts: [WycheproofResult: Int] = [:]
        for group in file.testGroups {
            let key = try AsymmetricPublicKey(spki: try bytes(hex: group.publicKeyDer))
            #expect(key.keyType == expectedType)
            for test in group.tests {
                let message = try bytes(hex: test.msg)
                let signature = try bytes(hex: test.sig)
                let raw = try key.isValidSignature(signature, message: message, digest: digest, padding: padding)
                switch test.result {
                case .valid: #expect(raw, "tcId \(test.tcId) \(test.comment)")
                case .invalid: #expect(!raw, "tcId \(test.tcId) \(test.comment)")
                case .acceptable: break
                }
                if let digest {
                    let hashed = try key.isValidSignature(signature, digest: try Digest.hash(digest, message), algorithm: digest, padding: padding)
                    #expect(hashed == raw, "tcId \(test.tcId): DIGEST and RAW disagree")
                }
                counts[test.result, default: 0] += 1
            }
        }
        #expect(counts.values.reduce(0, +) == file.numberOfTests)
        #expect((counts[.valid] ?? 0) > 0 && (counts[.invalid] ?? 0) > 0)
    }

    @Test func aesKeyWrapWithPaddingMatchesWycheproof() throws {
        let file = try WycheproofFile<WycheproofKeyWrapGroup>.load("wycheproof/aes_kwp_test.json")
        #expect(file.numberOfTests == 254)
        var valid = 0, invalid = 0
        for group in file.testGroups {
            for test in group.tests {
                let key = SecureBytes(copying: try bytes(hex: test.key))
                let message = try bytes(hex: test.msg)
                let ciphertext = try bytes(hex: test.ct)
                let unwrapped = try? AESKeyWrap.unwrapWithPadding(key: key, ciphertext: ciphertext)
                switch test.result {
                case .valid:
                    #expect(unwrapped?.exportBytes() == message, "tcId \(test.tcId) \(test.comment)")
                    #expect(try AESKeyWrap.wrapWithPadding(key: key, plaintext: SecureBytes(copying: message)) == ciphertext,
                            "tcId \(test.tcId) wrap")
                    valid += 1
                case .invalid:
                    #expect(unwrapped == nil, "tcId \(test.tcId) \(test.comment)")
                    invalid += 1
                case .acceptable: break
                }
            }
        }
        #expect(valid == 77 && invalid == 177)
    }
}

/// `rsaes_oaep_decrypt_schema_v1.json`.
struct WycheproofRSADecryptGroup: Decodable {
    struct Test: Decodable {
        var tcId: Int
        var comment: String
        var msg: String
        var ct: String
        var label: String
        var result: WycheproofResult
    }
    var keySize: Int
    var sha: String
    var mgfSha: String
    var privateKeyPkcs8: String
    var tests: [Test]
}

/// `rsassa_pss_verify_schema_v1.json`, `ecdsa_verify_schema_v1.json`, `eddsa_verify_schema_v1.json`.
struct WycheproofSignatureGroup: Decodable {
    struct Test: Decodable {
        var tcId: Int
        var comment: String
        var msg: String
        var sig: String
        var result: WycheproofResult
    }
    var publicKeyDer: String
    var tests: [Test]
}

/// `keywrap_test_schema_v1.json`.
struct WycheproofKeyWrapGroup: Decodable {
    struct Test: Decodable {
        var tcId: Int
        var comment: String
        var key: String
        var msg: String
        var ct: String
        var result: WycheproofResult
    }
    var keySize: Int
    var tests: [Test]
}
