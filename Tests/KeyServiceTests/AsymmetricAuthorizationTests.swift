import Foundation
import KeyCrypto
import Testing
@testable import KeyService
// KeyService's Operation, not Foundation's.
import protocol KeyService.Operation

/// The new actions through roles, grants and the audit note.
@Suite struct AsymmetricAuthorizationTests {
    /// A principal bound to `role` on all keys, and its call context.
    func principal(_ h: ServiceHarness, role: String) async throws -> CallContext {
        let created = try await h.perform(CreatePrincipal.self, .init(name: role + "-user"))
        _ = try await h.perform(CreateBinding.self, .init(principal: role + "-user", role: role, allKeys: true))
        return ServiceHarness.callContext(principalId: created.principal.principalId, name: role + "-user")
    }

    @Test func builtInRolesKeepSigningImportAndUseApart() async throws {
        let h = try await ServiceHarness.make()
        let signing = try await h.createKey(spec: "ECC_NIST_P256")
        let hmac = try await h.createKey(spec: "HMAC_256")
        let symmetric = try await h.createKey()
        let external = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        let signature = try await h.sign(signing, [1], .ecdsaSha256)
        let mac = try await h.perform(GenerateMac.self, .init(keyId: hmac, message: [1], macAlgorithm: "HMAC_SHA_256")).mac.bytes

        let sign = Sign.Input(keyId: signing, message: [1], signingAlgorithm: "ECDSA_SHA_256")
        let verify = Verify.Input(keyId: signing, message: [1], signature: signature, signingAlgorithm: "ECDSA_SHA_256")
        let macInput = GenerateMac.Input(keyId: hmac, message: [1], macAlgorithm: "HMAC_SHA_256")
        let verifyMac = VerifyMac.Input(keyId: hmac, message: [1], macAlgorithm: "HMAC_SHA_256", mac: mac)
        let pair = GenerateDataKeyPair.Input(keyId: symmetric, keyPairSpec: "ECC_NIST_P256")
        let parameters = GetParametersForImport.Input(keyId: external, wrappingAlgorithm: "RSAES_OAEP_SHA_256", wrappingKeySpec: "RSA_2048")

        func allowed<Op: Operation>(_ op: Op.Type, _ input: Op.Input, _ context: CallContext) async -> Bool {
            do throws(KMSError) {
                _ = try await h.service.perform(op, input, context: context)
                return true
            } catch {
                #expect(error.code == .accessDenied, "\(Op.self): \(error)")
                return false
            }
        }
        func check(_ role: String, allowed expected: [String: Bool]) async throws {
            let context = try await principal(h, role: role)
            var actual: [String: Bool] = [:]
            for name in expected.keys {
                switch name {
                case "Sign": actual[name] = await allowed(Sign.self, sign, context)
                case "Verify": actual[name] = await allowed(Verify.self, verify, context)
                case "GenerateMac": actual[name] = await allowed(GenerateMac.self, macInput, context)
                case "VerifyMac": actual[name] = await allowed(VerifyMac.self, verifyMac, context)
                case "GenerateDataKeyPair": actual[name] = await allowed(GenerateDataKeyPair.self, pair, context)
                case "GenerateDataKeyPairWithoutPlaintext": actual[name] = await allowed(GenerateDataKeyPairWithoutPlaintext.self, pair, context)
                case "GetPublicKey": actual[name] = await allowed(GetPublicKey.self, .init(keyId: signing), context)
                case "GetParametersForImport": actual[name] = await allowed(GetParametersForImport.self, parameters, context)
                case "DeleteImportedKeyMaterial": actual[name] = await allowed(DeleteImportedKeyMaterial.self, .init(keyId: external), context)
                default: Issue.record("unknown operation \(name)")
                }
            }
            #expect(actual == expected, "\(role)")
        }
        try await check("key-user", allowed: [
            "Sign": true, "Verify": true, "GenerateMac": true, "VerifyMac": true, "GenerateDataKeyPair": true,
            "GenerateDataKeyPairWithoutPlaintext": true, "GetPublicKey": true, "GetParametersForImport": false,
            "DeleteImportedKeyMaterial": false,
        ])
        try await check("key-admin", allowed: [
            "Sign": false, "Verify": false, "GenerateMac": false, "VerifyMac": false, "GenerateDataKeyPair": false,
            "GetPublicKey": true, "GetParametersForImport": true, "DeleteImportedKeyMaterial": true,
        ])
        try await check("encrypt-only", allowed: [
            "Sign": false, "Verify": false, "GenerateMac": false, "VerifyMac": false, "GenerateDataKeyPair": true,
            "GenerateDataKeyPairWithoutPlaintext": true, "GetPublicKey": true, "GetParametersForImport": false,
        ])
        try await check("decrypt-only", allowed: [
            "Sign": false, "Verify": true, "GenerateMac": false, "VerifyMac": true, "GenerateDataKeyPair": false,
            "GetPublicKey": true, "GetParametersForImport": false,
        ])
        try await check("auditor", allowed: ["Sign": false, "Verify": false, "GetPublicKey": false, "GetParametersForImport": false])
    }

    @Test func aGrantAllowsSigningOnOneKey() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "ECC_NIST_P384")
        let other = try await h.createKey(spec: "ECC_NIST_P384")
        let created = try await h.perform(CreatePrincipal.self, .init(name: "pipeline"))
        let context = ServiceHarness.callContext(principalId: created.principal.principalId, name: "pipeline")
        let sign = Sign.Input(keyId: key, message: [1], signingAlgorithm: "ECDSA_SHA_384")
        await expectError(.accessDenied) { try await h.service.perform(Sign.self, sign, context: context) }
        _ = try await h.perform(CreateGrant.self, .init(keyId: key, granteePrincipal: "pipeline", operations: ["Sign", "GetPublicKey"]))
        let signed = try await h.service.perform(Sign.self, sign, context: context)
        #expect(signed.keyId == h.partition.keyArn(key))
        #expect(context.note.snapshot.keyId == key && context.note.snapshot.keyVersion == 1, "the audit record names the key and version")
        await expectError(.accessDenied) {
            try await h.service.perform(Sign.self, .init(keyId: other, message: [1], signingAlgorithm: "ECDSA_SHA_384"), context: context)
        }
        await expectError(.validation, "import cannot be granted") {
            try await h.perform(CreateGrant.self, .init(keyId: key, granteePrincipal: "pipeline", operations: ["ImportKeyMaterial"]))
        }
    }

    @Test func newActionsAreKeyScopedAndNamedLikeAWS() {
        let added: [Action] = [.sign, .verify, .getPublicKey, .generateMac, .verifyMac, .generateDataKeyPair,
                               .generateDataKeyPairWithoutPlaintext, .getParametersForImport, .importKeyMaterial, .deleteImportedKeyMaterial]
        for action in added {
            #expect(action.isKeyScoped, "\(action)")
            #expect(action.rawValue == "kms:" + action.operationName)
        }
        #expect(!Action.importKeyMaterial.isGrantable && !Action.getParametersForImport.isGrantable && !Action.deleteImportedKeyMaterial.isGrantable)
        #expect(Action.sign.isGrantable && Action.verifyMac.isGrantable && Action.generateDataKeyPair.isGrantable)
        let admin = RoleRecord.builtIns.first { $0.name == "key-admin" }!
        #expect(admin.actions.isDisjoint(with: [.sign, .generateMac, .encrypt, .decrypt, .generateDataKeyPair]))
    }
}
