import AsyncHTTPClient
import Client
import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Import, signing, MACs and key pairs through the Swift client against a live server.
@Suite(.timeLimit(.minutes(3))) struct ByokEndToEndTests {
    @Test func clientImportsSignsAndMacsOverHTTP() async throws {
        let live = try await LiveServer.build()
        let admin = try #require(live.administrator)
        try await live.run { endpoint, _ in
            let client = try LiveServer.client(endpoint, admin)

            // The whole import as `kms keys import` does it: parameters, local wrap, import.
            let external = try await client.createKey(description: "byok", origin: "EXTERNAL")
            #expect(external.keyState == "PendingImport" && external.origin == "EXTERNAL")
            let material = try SecureBytes.random(count: 32)
            let validTo = Date().addingTimeInterval(86_400 * 30)
            try await client.importKeyMaterial(keyId: external.keyId, material: material, validTo: validTo,
                                               algorithm: .rsaAesKeyWrapSha256, wrappingKeySpec: "RSA_2048")
            let imported = try await client.describeKey(external.keyId)
            #expect(imported.keyState == "Enabled" && imported.expirationModel == "KEY_MATERIAL_EXPIRES" && imported.validTo != nil)
            let blob = try await client.encrypt(keyId: external.keyId, plaintext: SecureBytes(copying: utf8("byok")), context: ["e": "2e"])
            try await client.deleteImportedKeyMaterial(keyId: external.keyId)
            #expect(try await client.describeKey(external.keyId).keyState == "PendingImport")
            try await client.importKeyMaterial(keyId: external.keyId, material: material, validTo: nil,
                                               algorithm: .rsaesOaepSha256, wrappingKeySpec: "RSA_3072")
            let opened = try await client.decrypt(ciphertextBlob: blob.ciphertextBlob, context: ["e": "2e"])
            #expect(opened.plaintext.exportBytes() == utf8("byok"))

            // Signing: the public key verifies offline, the service online; a bad signature is false.
            let signing = try await client.createKey(keySpec: "ECC_NIST_P384", keyUsage: "SIGN_VERIFY")
            let info = try await client.getPublicKey(keyId: signing.keyId)
            #expect(info.signingAlgorithms == ["ECDSA_SHA_384"] && info.keyUsage == "SIGN_VERIFY")
            let message = utf8("artifact")
            let signed = try await client.sign(keyId: signing.keyId, message: message, algorithm: "ECDSA_SHA_384")
            #expect(try AsymmetricPublicKey(spki: info.publicKey).isValidSignature(signed.signature, message: message, digest: .sha384))
            #expect(try await client.verify(keyId: signing.keyId, message: message, signature: signed.signature, algorithm: "ECDSA_SHA_384"))
            #expect(try await !client.verify(keyId: signing.keyId, message: message + [1], signature: signed.signature, algorithm: "ECDSA_SHA_384"))
            let digest = try Digest.hash(.sha384, message)
            let overDigest = try await client.sign(keyId: signing.keyId, message: digest, kind: .digest, algorithm: "ECDSA_SHA_384")
            #expect(try await client.verify(keyId: signing.keyId, message: message, signature: overDigest.signature, algorithm: "ECDSA_SHA_384"))

            let hmac = try await client.createKey(keySpec: "HMAC_224")
            let mac = try await client.generateMac(keyId: hmac.keyId, message: message, algorithm: "HMAC_SHA_224")
            #expect(mac.count == 28)
            #expect(try await client.verifyMac(keyId: hmac.keyId, message: message, mac: mac, algorithm: "HMAC_SHA_224"))
            #expect(try await !client.verifyMac(keyId: hmac.keyId, message: message + [0], mac: mac, algorithm: "HMAC_SHA_224"))

            let pair = try await client.generateDataKeyPair(keyId: external.keyId, keyPairSpec: "ECC_NIST_EDWARDS25519")
            let privateKey = try AsymmetricPrivateKey(pkcs8: try #require(pair.privateKeyPlaintext))
            #expect(try privateKey.publicKeyDER() == pair.publicKey)
            let sealed = try await client.decrypt(ciphertextBlob: pair.privateKeyCiphertextBlob)
            #expect(sealed.plaintext == pair.privateKeyPlaintext)
        }
    }
}
