import Foundation
import KeyCrypto
import Testing

/// The primitives the envelope format adds to KeyCrypto: ECDSA P-384 with
/// compressed points, and the reusable AES-GCM context.
@Suite struct PrimitiveTests {
    @Test func p384SignaturesVerifyThroughTheCompressedPoint() throws {
        let key = try P384SigningKey()
        let point = try key.compressedPublicKey()
        #expect(point.count == 49 && (point[0] == 2 || point[0] == 3))
        let digest = try Digest.hash(.sha384, Array("message".utf8))
        let signature = try key.signature(forDigest: digest)
        #expect(signature.first == 0x30 && (100...104).contains(signature.count))
        let publicKey = try P384PublicKey(compressed: point)
        #expect(try publicKey.isValidSignature(signature, forDigest: digest))
        var other = digest
        other[0] ^= 1
        #expect(try !publicKey.isValidSignature(signature, forDigest: other))
        var bent = signature
        bent[bent.count - 1] ^= 1
        #expect(try !publicKey.isValidSignature(bent, forDigest: digest))
        #expect(try !publicKey.isValidSignature(Array(signature.dropLast()), forDigest: digest))
        #expect(try !P384PublicKey(compressed: try P384SigningKey().compressedPublicKey()).isValidSignature(signature, forDigest: digest))
    }

    @Test func referenceVectorPublicKeyDecodes() throws {
        let point = try #require(Base64.decode("A7kkkh25/HGCwNvg7yQLlmHmVPu/25RB/A9Rj+02Pi+JWz6+XwNvS0ZDI4gHmxBUnw=="))
        _ = try P384PublicKey(compressed: point)
    }

    @Test func invalidPointsAreRefused() throws {
        #expect(throws: CryptoError.self) { _ = try P384PublicKey(compressed: [0x04] + [UInt8](repeating: 1, count: 48)) }
        #expect(throws: CryptoError.self) { _ = try P384PublicKey(compressed: [0x02] + [UInt8](repeating: 0xff, count: 48)) }
        #expect(throws: CryptoError.self) { _ = try P384PublicKey(compressed: [0x02] + [UInt8](repeating: 1, count: 47)) }
    }

    @Test func reusableContextMatchesOneShotAESGCM() throws {
        let key = try SecureBytes.random(count: 32)
        let sealer = try AESGCMContext(key: key, direction: .seal)
        let opener = try AESGCMContext(key: key, direction: .open)
        for size in [0, 1, 16, 1000, 65536] {
            let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            let nonce = try SecureRandom.bytes(12), aad = Array("aad \(size)".utf8)
            let expected = try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad)
            var ciphertext = [UInt8](repeating: 0, count: size), tag = [UInt8](repeating: 0, count: 16)
            try ciphertext.withUnsafeMutableBytes { out in
                try tag.withUnsafeMutableBytes { tagOut in
                    try plaintext.withUnsafeBytes { input in
                        try aad.withUnsafeBytes { try sealer.seal(nonce: nonce, aad: $0, plaintext: input, ciphertext: out.baseAddress!, tag: tagOut.baseAddress!) }
                    }
                }
            }
            #expect(ciphertext == expected.ciphertext && tag == expected.tag)
            var opened = [UInt8](repeating: 0, count: size)
            try opened.withUnsafeMutableBytes { out in
                try ciphertext.withUnsafeBytes { input in
                    try aad.withUnsafeBytes { try opener.open(nonce: nonce, aad: $0, ciphertext: input, tag: tag, plaintext: out.baseAddress!) }
                }
            }
            #expect(opened == plaintext)
            tag[0] ^= 1
            #expect(throws: CryptoError.self) {
                try opened.withUnsafeMutableBytes { out in
                    try ciphertext.withUnsafeBytes { input in
                        try aad.withUnsafeBytes { try opener.open(nonce: nonce, aad: $0, ciphertext: input, tag: tag, plaintext: out.baseAddress!) }
                    }
                }
            }
        }
    }

    @Test func contextSerializationMatchesTheReferenceExample() throws {
        let context = MessageContext(["purpose": "reference-vector", "b-key": "value-é"])
        #expect(Hex.encode(try context.serialized()) ==
            "0002" + "0005622d6b6579" + "000876616c75652dc3a9" + "0007707572706f7365" + "00107265666572656e63652d766563746f72")
        #expect(try MessageContext().serialized().isEmpty)
    }
}
