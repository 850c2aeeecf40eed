import Foundation
import Testing
@testable import KeyCrypto

/// Asymmetric keys beyond the known-answer vectors: PKCS#8 round trips, type
/// inspection, DIGEST signing equal to RAW signing, RSA-OAEP limits, and
/// malformed input that must be refused without a crash.
struct AsymmetricKeyTests {
    static let types: [AsymmetricKeyType] = [.rsa(bits: 2048), .ecP256, .ecP384, .ecP521, .ed25519]

    @Test(arguments: types)
    func pkcs8RoundTripsAndReportsItsType(type: AsymmetricKeyType) throws {
        let key = try AsymmetricPrivateKey.generate(type)
        #expect(key.keyType == type)
        let der = try key.pkcs8Representation()
        let loaded = try AsymmetricPrivateKey(pkcs8: der)
        #expect(loaded.keyType == type)
        #expect(loaded.isConsistent())
        #expect(try loaded.publicKeyDER() == key.publicKeyDER())
        #expect(try AsymmetricPublicKey(spki: key.publicKeyDER()).keyType == type)
        // Trailing bytes and truncations are not a PKCS#8 key.
        #expect(thrownKind { try AsymmetricPrivateKey(pkcs8: SecureBytes(copying: der.exportBytes() + [0])) } == .invalidArgument)
        #expect(thrownKind { try AsymmetricPrivateKey(pkcs8: der.slice(0..<(der.count - 1))) } == .invalidArgument)
    }

    @Test func garbageIsNeitherAPrivateNorAPublicKey() {
        for garbage: [UInt8] in [[], [0x30], [0x30, 0x03, 0x02, 0x01, 0x00], Array(repeating: 0xff, count: 300)] {
            #expect(thrownKind { try AsymmetricPrivateKey(pkcs8: SecureBytes(copying: garbage)) } == .invalidArgument)
            #expect(thrownKind { try AsymmetricPublicKey(spki: garbage) } == .invalidArgument)
        }
    }

    @Test(arguments: [(AsymmetricKeyType.rsa(bits: 2048), SignaturePadding.pss), (.rsa(bits: 2048), .pkcs1v15),
                      (.ecP256, .none), (.ecP384, .none), (.ecP521, .none)])
    func digestSignaturesVerifyAsMessageSignatures(type: AsymmetricKeyType, padding: SignaturePadding) throws {
        let key = try AsymmetricPrivateKey.generate(type)
        let publicKey = try key.publicKey
        let message = Array("release-1.2.3.tar.gz".utf8)
        for digest in [DigestAlgorithm.sha256, .sha384, .sha512] {
            let hash = try Digest.hash(digest, message)
            let overDigest = try key.sign(digest: hash, algorithm: digest, padding: padding)
            let overMessage = try key.sign(message: message, digest: digest, padding: padding)
            #expect(try publicKey.isValidSignature(overDigest, message: message, digest: digest, padding: padding))
            #expect(try publicKey.isValidSignature(overMessage, digest: hash, algorithm: digest, padding: padding))
            #expect(try !publicKey.isValidSignature(overDigest, message: message + [0], digest: digest, padding: padding))
            // A digest of the wrong length is refused for signing and simply invalid for verifying.
            #expect(thrownKind { try key.sign(digest: Array(hash.dropLast()), algorithm: digest, padding: padding) } == .invalidArgument)
            #expect(try !publicKey.isValidSignature(overDigest, digest: Array(hash.dropLast()), algorithm: digest, padding: padding))
            #expect(try !publicKey.isValidSignature(Array(overDigest.dropLast()), digest: hash, algorithm: digest, padding: padding))
            #expect(try !publicKey.isValidSignature([], digest: hash, algorithm: digest, padding: padding))
        }
    }

    @Test func ed25519SignsMessagesNotDigests() throws {
        let key = try AsymmetricPrivateKey.generate(.ed25519)
        let signature = try key.sign(message: [1, 2, 3], digest: nil)
        #expect(signature.count == 64)
        #expect(try key.publicKey.isValidSignature(signature, message: [1, 2, 3], digest: nil))
        #expect(thrownKind { try key.sign(digest: [UInt8](repeating: 0, count: 64), algorithm: .sha512) } == .invalidArgument)
    }

    @Test(arguments: [DigestAlgorithm.sha1, .sha256])
    func rsaOAEPRoundTripsUpToItsLimit(digest: DigestAlgorithm) throws {
        let key = try AsymmetricPrivateKey.generate(.rsa(bits: 2048))
        let publicKey = try key.publicKey
        let limit = RSAOAEP.maximumPlaintextSize(modulusBytes: 256, digest: digest)
        #expect(limit == (digest == .sha1 ? 214 : 190))
        for size in [1, 32, limit] {
            let plaintext = try SecureBytes.random(count: size)
            let ciphertext = try publicKey.encryptOAEP(plaintext, digest: digest)
            #expect(ciphertext.count == 256)
            #expect(try key.decryptOAEP(ciphertext, digest: digest) == plaintext)
            // The other digest does not open it; nor does a flipped bit or a short block.
            let other: DigestAlgorithm = digest == .sha1 ? .sha256 : .sha1
            #expect(thrownKind { try key.decryptOAEP(ciphertext, digest: other) } == .authenticationFailure)
            var flipped = ciphertext
            flipped[100] ^= 1
            #expect(thrownKind { try key.decryptOAEP(flipped, digest: digest) } == .authenticationFailure)
            #expect(thrownKind { try key.decryptOAEP(Array(ciphertext.dropLast()), digest: digest) } == .authenticationFailure)
        }
        #expect(thrownKind { try publicKey.encryptOAEP(SecureBytes(count: limit + 1) { _ in }, digest: digest) } == .invalidArgument)
        let ec = try AsymmetricPrivateKey.generate(.ecP256)
        #expect(thrownKind { try ec.publicKey.encryptOAEP(SecureBytes(copying: [1]), digest: digest) } == .invalidArgument)
    }

    @Test func aesKeyWrapRefusesBadSizesAndTampering() throws {
        let key = try SecureBytes.random(count: 32)
        let material = try SecureBytes.random(count: 45)
        let wrapped = try AESKeyWrap.wrapWithPadding(key: key, plaintext: material)
        #expect(wrapped.count == 56)
        #expect(try AESKeyWrap.unwrapWithPadding(key: key, ciphertext: wrapped) == material)
        var tampered = wrapped
        tampered[3] ^= 0x80
        #expect(thrownKind { try AESKeyWrap.unwrapWithPadding(key: key, ciphertext: tampered) } == .authenticationFailure)
        #expect(thrownKind { try AESKeyWrap.unwrapWithPadding(key: key, ciphertext: Array(wrapped.dropLast(8))) } == .authenticationFailure)
        #expect(thrownKind { try AESKeyWrap.unwrapWithPadding(key: key, ciphertext: Array(wrapped.dropLast())) } == .authenticationFailure)
        #expect(thrownKind { try AESKeyWrap.unwrapWithPadding(key: key, ciphertext: []) } == .authenticationFailure)
        #expect(thrownKind { try AESKeyWrap.unwrapWithPadding(key: try SecureBytes.random(count: 32), ciphertext: wrapped) } == .authenticationFailure)
        #expect(thrownKind { try AESKeyWrap.wrapWithPadding(key: key, plaintext: SecureBytes(copying: [UInt8]())) } == .invalidArgument)
        #expect(thrownKind { try AESKeyWrap.wrapWithPadding(key: SecureBytes(copying: [1, 2, 3]), plaintext: material) } == .invalidArgument)
    }
}
