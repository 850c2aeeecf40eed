import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Bring your own key: EXTERNAL keys, import parameters and tokens, import,
/// re-import, deletion and expiry of material.
@Suite struct ImportKeyMaterialTests {
    static let combinations: [(ImportWrappingAlgorithm, String)] = ImportWrappingAlgorithm.allCases.flatMap { algorithm in
        ["RSA_2048", "RSA_3072", "RSA_4096"].map { (algorithm, $0) }
    }

    @Test(arguments: combinations)
    func importWorksForEveryWrappingAlgorithmAndKeySize(algorithm: ImportWrappingAlgorithm, wrappingKeySpec: String) async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let created = try await h.describe(key)
        #expect(created.keyState == "PendingImport" && !created.enabled && created.origin == "EXTERNAL")
        #expect(created.expirationModel == nil && created.validTo == nil)
        await expectError(.invalidState) { try await h.encrypt(key, [1]) }

        let parameters = try await h.parameters(key, algorithm, wrappingKeySpec: wrappingKeySpec)
        #expect(parameters.keyId == h.partition.keyArn(key))
        #expect(parameters.parametersValidTo == h.clock.now.adding(seconds: 86_400).date)
        let wrappingKey = try AsymmetricPublicKey(spki: parameters.publicKey.bytes)
        #expect(wrappingKey.keyType == .rsa(bits: Int(wrappingKeySpec.dropFirst(4))!))

        let material = try SecureBytes.random(count: 32)
        let output = try await h.perform(ImportKeyMaterial.self, .init(
            keyId: key, importToken: parameters.importToken.bytes, encryptedKeyMaterial: try h.wrap(material, for: parameters, algorithm),
            expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"))
        #expect(output.keyId == h.partition.keyArn(key))
        #expect(output.keyMaterialId.count == 64)
        let imported = try await h.describe(key)
        #expect(imported.keyState == "Enabled" && imported.enabled)
        #expect(imported.expirationModel == "KEY_MATERIAL_DOES_NOT_EXPIRE" && imported.validTo == nil)

        // Everything from the foundation works on the imported key, with the imported material.
        let blob = try await h.encrypt(key, utf8("imported"), context: ["tenant": "a"])
        #expect(try await h.decrypt(blob, context: ["tenant": "a"]) == utf8("imported"))
        let dataKey = try await h.perform(GenerateDataKey.self, .init(keyId: key, numberOfBytes: 32))
        #expect(try await h.decrypt(dataKey.ciphertextBlob.bytes) == dataKey.plaintext.bytes.exportBytes())
        let parsed = try CiphertextBlob.parse(blob)
        let opened = try AESGCM.open(key: material, nonce: parsed.nonce, ciphertext: parsed.ciphertext, tag: parsed.tag,
                                     aad: CiphertextBlob.aad(header: parsed.header, context: EncryptionContext(["tenant": "a"])))
        #expect(opened.exportBytes() == utf8("imported"))
    }

    @Test func tokenIsSingleUseEvenWhenTheImportFails() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let material = try SecureBytes.random(count: 32)
        let parameters = try await h.parameters(key)
        let wrapped = try h.wrap(material, for: parameters)
        let input = ImportKeyMaterial.Input(keyId: key, importToken: parameters.importToken.bytes, encryptedKeyMaterial: wrapped,
                                            expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE")
        _ = try await h.perform(ImportKeyMaterial.self, input)
        await expectError(.invalidImportToken, "a used token") { try await h.perform(ImportKeyMaterial.self, input) }

        let second = try await h.parameters(key)
        var garbage = ImportKeyMaterial.Input(keyId: key, importToken: second.importToken.bytes, encryptedKeyMaterial: [UInt8](repeating: 7, count: 296),
                                              expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE")
        await expectError(.invalidCiphertext) { try await h.perform(ImportKeyMaterial.self, garbage) }
        garbage.encryptedKeyMaterial = Blob(try h.wrap(material, for: second))
        await expectError(.invalidImportToken, "spent by the failed attempt") { try await h.perform(ImportKeyMaterial.self, garbage) }
        #expect(h.service.read { $0.importParameters.isEmpty })
    }

    @Test func tokenIsBoundToItsKeyAndAuthentic() async throws {
        let h = try await ServiceHarness.make()
        let first = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let second = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let parameters = try await h.parameters(first)
        let wrapped = try h.wrap(try SecureBytes.random(count: 32), for: parameters)
        func attempt(_ key: String, _ token: [UInt8]) async throws -> ImportKeyMaterial.Output {
            try await h.perform(ImportKeyMaterial.self, .init(keyId: key, importToken: token, encryptedKeyMaterial: wrapped,
                                                              expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"))
        }
        await expectError(.invalidImportToken, "another key's token") { try await attempt(second, parameters.importToken.bytes) }
        var forged = parameters.importToken.bytes
        forged[5] ^= 1
        await expectError(.invalidImportToken, "a changed token id") { try await attempt(first, forged) }
        var extended = parameters.importToken.bytes
        extended[20] ^= 1
        await expectError(.invalidImportToken, "a changed expiry") { try await attempt(first, extended) }
        await expectError(.invalidImportToken, "a truncated token") { try await attempt(first, Array(parameters.importToken.bytes.dropLast())) }
        await expectError(.validation, "an empty token") { try await attempt(first, []) }
        // None of that spent the real token.
        _ = try await attempt(first, parameters.importToken.bytes)
        #expect(try await h.describe(first).keyState == "Enabled")
    }

    @Test func tokenExpiresAfter24HoursAndMaintenanceDropsTheWrappingKey() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let parameters = try await h.parameters(key)
        let wrapped = try h.wrap(try SecureBytes.random(count: 32), for: parameters)
        #expect(h.service.read { $0.importParameters.count } == 1)
        h.clock.advance(seconds: 86_400)
        await expectError(.expiredImportToken) {
            try await h.perform(ImportKeyMaterial.self, .init(keyId: key, importToken: parameters.importToken.bytes,
                                                              encryptedKeyMaterial: wrapped, expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"))
        }
        await h.service.runMaintenance()
        #expect(h.service.read { $0.importParameters.isEmpty })
        #expect(try h.store.load().importParameters.isEmpty)
        await expectError(.expiredImportToken, "still expired once its parameters are gone") {
            try await h.perform(ImportKeyMaterial.self, .init(keyId: key, importToken: parameters.importToken.bytes,
                                                              encryptedKeyMaterial: wrapped, expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"))
        }
    }

    @Test func reimportAcceptsOnlyTheSameMaterialAndOldCiphertextsDecryptAgain() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let material = try SecureBytes.random(count: 32)
        let first = try await h.importMaterial(key, material)
        let blob = try await h.encrypt(key, utf8("before deletion"))

        let deleted = try await h.perform(DeleteImportedKeyMaterial.self, .init(keyId: key))
        #expect(deleted.keyMaterialId == first.keyMaterialId)
        let pending = try await h.describe(key)
        #expect(pending.keyState == "PendingImport" && pending.expirationModel == nil)
        await expectError(.invalidState) { try await h.decrypt(blob) }
        #expect(try h.store.load().versions.filter { $0.keyId == key }.isEmpty, "the wrapped material is gone from the store")
        // Deleting again does nothing.
        #expect(try await h.perform(DeleteImportedKeyMaterial.self, .init(keyId: key)).keyMaterialId == nil)

        await expectError(.incorrectKeyMaterial) { try await h.importMaterial(key, try SecureBytes.random(count: 32)) }
        #expect(try await h.describe(key).keyState == "PendingImport")
        let again = try await h.importMaterial(key, material, algorithm: .rsaesOaepSha1)
        #expect(again.keyMaterialId == first.keyMaterialId)
        #expect(try await h.decrypt(blob) == utf8("before deletion"))
        // A re-import while the material is present: same material fine, other refused.
        try await h.importMaterial(key, material, validTo: h.clock.now.adding(days: 30))
        #expect(try await h.describe(key).expirationModel == "KEY_MATERIAL_EXPIRES")
        await expectError(.incorrectKeyMaterial) { try await h.importMaterial(key, try SecureBytes.random(count: 32)) }
    }

    @Test func expiredMaterialMakesTheKeyPendingImportUntilReimported() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let material = try SecureBytes.random(count: 32)
        let validTo = h.clock.now.adding(days: 10)
        try await h.importMaterial(key, material, validTo: validTo)
        let metadata = try await h.describe(key)
        #expect(metadata.expirationModel == "KEY_MATERIAL_EXPIRES" && metadata.validTo == validTo.date)
        let blob = try await h.encrypt(key, utf8("long lived"), context: ["a": "b"])

        h.clock.advance(days: 9)
        #expect(await h.service.runMaintenance().expired == 0)
        #expect(try await h.decrypt(blob, context: ["a": "b"]) == utf8("long lived"))
        h.clock.advance(days: 1)
        // Refused from ValidTo on, even before maintenance has deleted the material.
        await expectError(.invalidState) { try await h.decrypt(blob, context: ["a": "b"]) }
        #expect(await h.service.runMaintenance().expired == 1)
        let expired = try await h.describe(key)
        #expect(expired.keyState == "PendingImport" && expired.validTo == nil && expired.expirationModel == nil)
        await expectError(.invalidState) { try await h.encrypt(key, [1]) }
        await expectError(.invalidState) { try await h.decrypt(blob, context: ["a": "b"]) }

        try await h.importMaterial(key, material)
        #expect(try await h.describe(key).keyState == "Enabled")
        #expect(try await h.decrypt(blob, context: ["a": "b"]) == utf8("long lived"))
    }

    @Test func expirationSettingsAreValidated() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let parameters = try await h.parameters(key)
        let wrapped = try h.wrap(try SecureBytes.random(count: 32), for: parameters)
        let now = h.clock.now
        for (model, validTo) in [(nil, nil), ("KEY_MATERIAL_EXPIRES", nil), ("KEY_MATERIAL_DOES_NOT_EXPIRE", now.adding(days: 1)),
                                 ("KEY_MATERIAL_EXPIRES", now.adding(seconds: -1)), ("KEY_MATERIAL_EXPIRES", now.adding(days: 366)),
                                 ("SOMETIMES", now.adding(days: 1))] as [(String?, Timestamp?)] {
            await expectError(.validation, "\(model ?? "default") \(validTo.map { "\($0.microseconds)" } ?? "none")") {
                try await h.perform(ImportKeyMaterial.self, .init(
                    keyId: key, importToken: parameters.importToken.bytes, encryptedKeyMaterial: wrapped, expirationModel: model, validTo: validTo))
            }
        }
        // Validation failures do not spend the token; ValidTo defaults the model to KEY_MATERIAL_EXPIRES.
        _ = try await h.perform(ImportKeyMaterial.self, .init(
            keyId: key, importToken: parameters.importToken.bytes, encryptedKeyMaterial: wrapped, validTo: now.adding(days: 365)))
        #expect(try await h.describe(key).expirationModel == "KEY_MATERIAL_EXPIRES")
    }

    @Test func malformedEncryptedMaterialGivesTheAWSErrors() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let material = try SecureBytes.random(count: 32)
        for algorithm in ImportWrappingAlgorithm.allCases {
            let parameters = try await h.parameters(key, algorithm)
            let wrapped = try h.wrap(material, for: parameters, algorithm)
            await expectError(.invalidCiphertext, "\(algorithm) truncated") {
                try await h.perform(ImportKeyMaterial.self, .init(keyId: key, importToken: parameters.importToken.bytes,
                                                                  encryptedKeyMaterial: Array(wrapped.dropLast(3)), expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"))
            }
        }
        let parameters = try await h.parameters(key, .rsaesOaepSha256)
        await expectError(.validation, "too long") {
            try await h.perform(ImportKeyMaterial.self, .init(keyId: key, importToken: parameters.importToken.bytes,
                                                              encryptedKeyMaterial: [UInt8](repeating: 1, count: 6145), expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE"))
        }
        await expectError(.incorrectKeyMaterial, "16 bytes for a 32-byte key") {
            try await h.importMaterial(key, try SecureBytes.random(count: 16))
        }
        #expect(try await h.describe(key).keyState == "PendingImport")
    }

    @Test func importIsOnlyForExternalKeysNotPendingDeletion() async throws {
        let h = try await ServiceHarness.make()
        let managed = try await h.createKey()
        await expectError(.unsupportedOperation) { try await h.parameters(managed) }
        await expectError(.unsupportedOperation) { try await h.perform(DeleteImportedKeyMaterial.self, .init(keyId: managed)) }
        let external = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        await expectError(.unsupportedOperation) {
            try await h.perform(GetParametersForImport.self, .init(keyId: external, wrappingAlgorithm: "RSAES_PKCS1_V1_5", wrappingKeySpec: "RSA_2048"))
        }
        await expectError(.validation) {
            try await h.perform(GetParametersForImport.self, .init(keyId: external, wrappingAlgorithm: "RSAES_OAEP_SHA_256", wrappingKeySpec: "RSA_1024"))
        }
        await expectError(.notFound, "aliases are not accepted") {
            try await h.createAlias("alias/byok", target: external)
            return try await h.parameters("alias/byok")
        }
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: external))
        await expectError(.invalidState) { try await h.parameters(external) }
        // Cancelling the deletion of a key that never had material leaves it waiting for an import.
        _ = try await h.perform(CancelKeyDeletion.self, .init(keyId: external))
        #expect(try await h.describe(external).keyState == "PendingImport")
    }

    @Test func rotationIsRefusedOnImportedKeys() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        try await h.importMaterial(key, try SecureBytes.random(count: 32))
        await expectError(.unsupportedOperation) { try await h.perform(EnableKeyRotation.self, .init(keyId: key)) }
        await expectError(.unsupportedOperation) { try await h.perform(RotateKeyOnDemand.self, .init(keyId: key)) }
        await expectError(.unsupportedOperation) { try await h.perform(GetKeyRotationStatus.self, .init(keyId: key)) }
    }
}
