import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Sign, Verify and GetPublicKey with every asymmetric spec and algorithm, and
/// interoperability with `openssl`.
@Suite struct SignVerifyTests {
    static let specs: [KeySpec] = [.rsa2048, .rsa3072, .rsa4096, .eccNistP256, .eccNistP384, .eccNistP521, .eccNistEdwards25519]

    @Test(arguments: specs)
    func everyAlgorithmOfEverySpecSignsAndVerifies(spec: KeySpec) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: spec.rawValue, usage: "SIGN_VERIFY")
        let metadata = try await h.describe(key)
        #expect(metadata.keySpec == spec.rawValue && metadata.keyUsage == "SIGN_VERIFY" && metadata.keyState == "Enabled")
        #expect(metadata.signingAlgorithms == spec.signingAlgorithms.map(\.rawValue))
        #expect(metadata.encryptionAlgorithms == nil && metadata.macAlgorithms == nil)
        let info = try await h.perform(GetPublicKey.self, .init(keyId: key))
        #expect(info.keySpec == spec.rawValue && info.keyUsage == "SIGN_VERIFY" && info.encryptionAlgorithms == nil)
        #expect(info.signingAlgorithms == spec.signingAlgorithms.map(\.rawValue))
        let publicKey = try AsymmetricPublicKey(spki: info.publicKey.bytes)
        #expect(publicKey.keyType == spec.asymmetricType)

        let message = utf8("artifact-\(spec.rawValue).tar.gz")
        for algorithm in spec.signingAlgorithms {
            let signature = try await h.sign(key, message, algorithm)
            #expect(try await h.verify(key, message, signature, algorithm))
            #expect(try publicKey.isValidSignature(signature, message: message, digest: algorithm.messageDigest, padding: algorithm.padding),
                    "\(algorithm) verifies offline")
            await expectError(.kmsInvalidSignature, "\(algorithm) other message") { try await h.verify(key, message + [0], signature, algorithm) }
            guard algorithm.acceptsDigest else { continue }
            let digest = try Digest.hash(algorithm.digest, message)
            let overDigest = try await h.sign(key, digest, algorithm, type: "DIGEST")
            #expect(try await h.verify(key, message, overDigest, algorithm), "\(algorithm): a DIGEST signature verifies as RAW")
            #expect(try await h.verify(key, digest, signature, algorithm, type: "DIGEST"), "\(algorithm): a RAW signature verifies as DIGEST")
        }
    }

    @Test func signaturesVerifyWithTheOpenSSLCommandLine() async throws {
        guard OpenSSLTool.isAvailable else { return }
        let h = try await ServiceHarness.make()
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let message = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let messagePath = directory.path + "/artifact.bin"
        try Data(message).write(to: URL(fileURLWithPath: messagePath))
        let cases: [(KeySpec, SigningAlgorithm, [String])] = [
            (.rsa2048, .rsassaPssSha256, ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]),
            (.rsa2048, .rsassaPkcs1V15Sha512, ["-sha512"]),
            (.eccNistP256, .ecdsaSha256, ["-sha256"]),
            (.eccNistP384, .ecdsaSha384, ["-sha384"]),
            (.eccNistP521, .ecdsaSha512, ["-sha512"]),
        ]
        for (spec, algorithm, options) in cases {
            let key = try await h.createKey(spec: spec.rawValue, usage: "SIGN_VERIFY")
            let pem = directory.path + "/\(spec.rawValue).pem"
            try await h.publicKey(key).pemRepresentation().write(toFile: pem, atomically: true, encoding: .utf8)
            // Over 4096 bytes: hashed here and signed as DIGEST, as `kms sign` does.
            let signature = try await h.sign(key, try Digest.hash(algorithm.digest, message), algorithm, type: "DIGEST")
            let signaturePath = directory.path + "/\(algorithm.rawValue).sig"
            try Data(signature).write(to: URL(fileURLWithPath: signaturePath))
            let result = try OpenSSLTool.run(["dgst"] + options + ["-verify", pem, "-signature", signaturePath, messagePath])
            #expect(result.status == 0 && result.output.contains("Verified OK"), "\(algorithm): \(result.output)")
            var forged = signature
            forged[forged.count / 2] ^= 1
            try Data(forged).write(to: URL(fileURLWithPath: signaturePath))
            #expect(try OpenSSLTool.run(["dgst"] + options + ["-verify", pem, "-signature", signaturePath, messagePath]).status != 0)
        }
        // Ed25519 signs the message itself (at most 4096 bytes); openssl checks it with pkeyutl -rawin.
        let key = try await h.createKey(spec: "ECC_NIST_EDWARDS25519", usage: "SIGN_VERIFY")
        let pem = directory.path + "/ed25519.pem"
        try await h.publicKey(key).pemRepresentation().write(toFile: pem, atomically: true, encoding: .utf8)
        let short = Array(message.prefix(4096))
        try Data(short).write(to: URL(fileURLWithPath: messagePath))
        try Data(try await h.sign(key, short, .ed25519Sha512)).write(to: URL(fileURLWithPath: directory.path + "/ed.sig"))
        let result = try OpenSSLTool.run(["pkeyutl", "-verify", "-pubin", "-inkey", pem, "-rawin", "-in", messagePath, "-sigfile", directory.path + "/ed.sig"])
        #expect(result.status == 0 && result.output.contains("Signature Verified Successfully"), "\(result.output)")
    }

    @Test func signRefusesWhatAWSRefuses() async throws {
        let h = try await ServiceHarness.make()
        let ecc = try await h.createKey(spec: "ECC_NIST_P256", usage: "SIGN_VERIFY")
        let ed = try await h.createKey(spec: "ECC_NIST_EDWARDS25519")
        let rsaEncryption = try await h.createKey(spec: "RSA_2048", usage: "ENCRYPT_DECRYPT")
        let symmetric = try await h.createKey()
        await expectError(.invalidKeyUsage, "another curve's algorithm") { try await h.sign(ecc, [1], .ecdsaSha384) }
        await expectError(.invalidKeyUsage, "an RSA algorithm") { try await h.sign(ecc, [1], .rsassaPssSha256) }
        await expectError(.invalidKeyUsage, "an encryption key") { try await h.sign(rsaEncryption, [1], .rsassaPssSha256) }
        await expectError(.invalidKeyUsage, "a symmetric key") { try await h.sign(symmetric, [1], .ecdsaSha256) }
        await expectError(.validation, "empty message") { try await h.sign(ecc, [], .ecdsaSha256) }
        await expectError(.validation, "4097 bytes") { try await h.sign(ecc, [UInt8](repeating: 1, count: 4097), .ecdsaSha256) }
        await expectError(.validation, "a 31-byte digest") { try await h.sign(ecc, [UInt8](repeating: 1, count: 31), .ecdsaSha256, type: "DIGEST") }
        await expectError(.validation, "Ed25519 DIGEST") { try await h.sign(ed, [UInt8](repeating: 1, count: 64), .ed25519Sha512, type: "DIGEST") }
        await expectError(.validation, "EXTERNAL_MU") { try await h.sign(ecc, [1], .ecdsaSha256, type: "EXTERNAL_MU") }
        await expectError(.validation, "unknown algorithm") {
            try await h.perform(Sign.self, .init(keyId: ecc, message: [1], signingAlgorithm: "ECDSA_SHA_1"))
        }
        _ = try await h.perform(DisableKey.self, .init(keyId: ecc))
        await expectError(.disabled) { try await h.sign(ecc, [1], .ecdsaSha256) }
        await expectError(.disabled) { try await h.perform(GetPublicKey.self, .init(keyId: ecc)) }
    }

    @Test func verifyNeverCrashesOnMalformedSignatures() async throws {
        let h = try await ServiceHarness.make()
        for spec in ["RSA_2048", "ECC_NIST_P384", "ECC_NIST_EDWARDS25519"] {
            let key = try await h.createKey(spec: spec, usage: "SIGN_VERIFY")
            let algorithm = try #require(KeySpec(rawValue: spec)?.signingAlgorithms.first)
            let good = try await h.sign(key, [1, 2, 3], algorithm)
            let bad: [[UInt8]] = [Array(good.dropLast()), good + [0], [0x30, 0x00], [0x30, 0x81, 0xff] + good, Array(repeating: 0xff, count: 600)]
            for signature in bad {
                await expectError(.kmsInvalidSignature, "\(spec) \(signature.count) bytes") { try await h.verify(key, [1, 2, 3], signature, algorithm) }
            }
            await expectError(.validation, "\(spec) empty signature") { try await h.verify(key, [1, 2, 3], [], algorithm) }
            await expectError(.validation, "\(spec) over 6144 bytes") {
                try await h.verify(key, [1, 2, 3], [UInt8](repeating: 1, count: 6145), algorithm)
            }
        }
    }

    @Test func publicKeysAreOnlyForAsymmetricKeys() async throws {
        let h = try await ServiceHarness.make()
        let rsa = try await h.createKey(spec: "RSA_3072", usage: "ENCRYPT_DECRYPT")
        let info = try await h.perform(GetPublicKey.self, .init(keyId: rsa))
        #expect(info.encryptionAlgorithms == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] && info.signingAlgorithms == nil)
        #expect(info.keyId == h.partition.keyArn(rsa) && info.customerMasterKeySpec == "RSA_3072")
        try await h.createAlias("alias/rsa", target: rsa)
        #expect(try await h.perform(GetPublicKey.self, .init(keyId: "alias/rsa")).publicKey == info.publicKey)
        let symmetric = try await h.createKey()
        let hmac = try await h.createKey(spec: "HMAC_256")
        await expectError(.unsupportedOperation) { try await h.perform(GetPublicKey.self, .init(keyId: symmetric)) }
        await expectError(.unsupportedOperation) { try await h.perform(GetPublicKey.self, .init(keyId: hmac)) }
    }
}
