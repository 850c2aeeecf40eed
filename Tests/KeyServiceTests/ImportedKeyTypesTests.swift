import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Imported material for asymmetric and HMAC keys, and imports that survive a restart.
@Suite struct ImportedKeyTypesTests {
    @Test func importedP256KeySignsWithTheImportedPrivateKey() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "ECC_NIST_P256", usage: "SIGN_VERIFY", origin: "EXTERNAL")
        await expectError(.invalidState) { try await h.sign(key, [1], .ecdsaSha256) }
        let local = try AsymmetricPrivateKey.generate(.ecP256)
        try await h.importMaterial(key, try local.pkcs8Representation(), algorithm: .rsaAesKeyWrapSha1, wrappingKeySpec: "RSA_3072")
        #expect(try await h.publicKey(key).derRepresentation() == local.publicKeyDER())
        let message = utf8("signed by an imported key")
        let signature = try await h.sign(key, message, .ecdsaSha256)
        #expect(try local.publicKey.isValidSignature(signature, message: message, digest: .sha256))
        // Only that key, and only a well-formed one of the right type, can come back.
        _ = try await h.perform(DeleteImportedKeyMaterial.self, .init(keyId: key))
        await expectError(.incorrectKeyMaterial, "another P-256 key") {
            try await h.importMaterial(key, try AsymmetricPrivateKey.generate(.ecP256).pkcs8Representation())
        }
        await expectError(.incorrectKeyMaterial, "a P-384 key") {
            try await h.importMaterial(key, try AsymmetricPrivateKey.generate(.ecP384).pkcs8Representation())
        }
        await expectError(.incorrectKeyMaterial, "not DER") { try await h.importMaterial(key, SecureBytes(copying: utf8("not a key"))) }
        try await h.importMaterial(key, try local.pkcs8Representation())
        #expect(try await h.verify(key, message, signature, .ecdsaSha256))
    }

    @Test func importedRSAKeyNeedsKeyWrapForItsSizeAndDecrypts() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "RSA_2048", usage: "ENCRYPT_DECRYPT", origin: "EXTERNAL")
        let local = try AsymmetricPrivateKey.generate(.rsa(bits: 2048))
        let pkcs8 = try local.pkcs8Representation()
        let parameters = try await h.parameters(key, .rsaesOaepSha256, wrappingKeySpec: "RSA_4096")
        #expect(throws: CryptoError.self, "a 1.2 KB private key does not fit one RSA-OAEP block") {
            try h.wrap(pkcs8, for: parameters, .rsaesOaepSha256)
        }
        try await h.importMaterial(key, pkcs8, algorithm: .rsaAesKeyWrapSha256, wrappingKeySpec: "RSA_2048")
        let ciphertext = try local.publicKey.encryptOAEP(SecureBytes(copying: utf8("to the imported key")), digest: .sha256)
        let decrypted = try await h.perform(Decrypt.self, .init(ciphertextBlob: Blob(ciphertext), keyId: key, encryptionAlgorithm: "RSAES_OAEP_SHA_256"))
        #expect(decrypted.plaintext.bytes.exportBytes() == utf8("to the imported key"))
    }

    @Test(arguments: [("HMAC_224", MacAlgorithm.hmacSha224, 28...64), ("HMAC_256", .hmacSha256, 32...64),
                      ("HMAC_384", .hmacSha384, 48...128), ("HMAC_512", .hmacSha512, 64...128)])
    func importedHMACKeyMacsWithTheImportedBytes(spec: String, algorithm: MacAlgorithm, sizes: ClosedRange<Int>) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: spec, origin: "EXTERNAL")
        await expectError(.incorrectKeyMaterial, "too short") { try await h.importMaterial(key, try SecureBytes.random(count: sizes.lowerBound - 1)) }
        await expectError(.incorrectKeyMaterial, "too long") { try await h.importMaterial(key, try SecureBytes.random(count: sizes.upperBound + 1)) }
        let material = try SecureBytes.random(count: sizes.upperBound)
        try await h.importMaterial(key, material, algorithm: .rsaesOaepSha256, wrappingKeySpec: "RSA_3072")
        let message = utf8("message")
        let mac = try await h.perform(GenerateMac.self, .init(keyId: key, message: message, macAlgorithm: algorithm.rawValue)).mac.bytes
        #expect(mac == (try HMAC.authenticate(algorithm.digest, key: material, data: message)))
    }

    @Test func outstandingParametersAndImportedMaterialSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path + "/kms.db"
        let clock = TestClock()
        let first = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), clock: clock)
        let imported = try await first.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let waiting = try await first.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let material = try SecureBytes.random(count: 32)
        try await first.importMaterial(imported, material, validTo: clock.now.adding(days: 90))
        let blob = try await first.encrypt(imported, utf8("persisted"))
        let parameters = try await first.parameters(waiting, .rsaesOaepSha1)
        let before = try await first.describe(imported)

        let second = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), clock: clock)
        #expect(try await second.describe(imported) == before)
        #expect(try await second.decrypt(blob) == utf8("persisted"))
        // The token issued before the restart works after it: its wrapping key was stored (wrapped).
        _ = try await second.perform(ImportKeyMaterial.self, .init(
            keyId: waiting, importToken: parameters.importToken.bytes,
            encryptedKeyMaterial: try second.wrap(material, for: parameters, .rsaesOaepSha1), expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"))
        #expect(try await second.describe(waiting).keyState == "Enabled")
        // The fingerprint survived too: after deletion only the same material comes back.
        _ = try await second.perform(DeleteImportedKeyMaterial.self, .init(keyId: imported))
        let third = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), clock: clock)
        await expectError(.incorrectKeyMaterial) { try await third.importMaterial(imported, try SecureBytes.random(count: 32)) }
        try await third.importMaterial(imported, material)
        #expect(try await third.decrypt(blob) == utf8("persisted"))
    }

    @Test func expiryOfImportedMaterialIsAuditedAsDeleteExpiredKeyMaterial() async throws {
        let clock = TestClock()
        let audit = try AuditLog(path: ":memory:", signingKey: try AsymmetricPrivateKey.generate(.ecP256), clock: clock.read, logger: quietLogger)
        let service = try KeyService(store: MemoryKeyStore(), rootKey: TestKeys.root, audit: audit, clock: clock.read, logger: quietLogger)
        _ = try await service.bootstrapAdministrator()
        let h = ServiceHarness(service: service, clock: clock, store: MemoryKeyStore(),
                               context: ServiceHarness.callContext(principalId: try #require(service.administratorId)))
        let key = try await h.createKey(spec: "HMAC_256", origin: "EXTERNAL")
        try await h.importMaterial(key, try SecureBytes.random(count: 32), validTo: clock.now.adding(days: 1))
        clock.advance(days: 2)
        #expect(await service.runMaintenance().expired == 1)
        var query = AuditQuery()
        query.action = "DeleteExpiredKeyMaterial"
        let records = try audit.records(query).map(\.record)
        #expect(records.count == 1)
        #expect(records.first?.keyId == key && records.first?.api == "SERVICE" && records.first?.principalId == nil)
        #expect(try await h.describe(key).keyState == "PendingImport")
    }

    @Test func anotherRootKeyCannotUseStoredWrappingKeys() async throws {
        let store = MemoryKeyStore()
        let first = try await ServiceHarness.make(store: store)
        let key = try await first.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let parameters = try await first.parameters(key)
        let wrapped = try first.wrap(try SecureBytes.random(count: 32), for: parameters)
        // The token's MAC and the wrapping key are both under the root key.
        let other = try KeyService(store: store, rootKey: TestKeys.otherRoot, clock: first.clock.read, logger: quietLogger)
        let context = first.context
        await expectError(.invalidImportToken) {
            try await other.perform(ImportKeyMaterial.self, .init(keyId: key, importToken: parameters.importToken.bytes,
                                                                  encryptedKeyMaterial: wrapped, expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"),
                                    context: context)
        }
    }
}
