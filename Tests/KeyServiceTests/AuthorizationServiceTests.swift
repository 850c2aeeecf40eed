import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Authorization through `KeyService.perform`: grants without escalation, retiring,
/// lockout protection, credentials that stop working, secrets shown once, DryRun.
@Suite struct AuthorizationServiceTests {
    /// A new principal (with one access key) and a call context for it.
    static func principal(_ name: String, in h: ServiceHarness) async throws -> (context: CallContext, created: CreatePrincipal.Output) {
        let created = try await h.perform(CreatePrincipal.self, .init(name: name))
        return (ServiceHarness.callContext(principalId: created.principal.principalId, name: name), created)
    }

    static func bind(_ name: String, _ role: String, keyId: String? = nil, conditions: [BindingInfo.Condition]? = nil,
                     effect: String? = nil, in h: ServiceHarness) async throws -> String {
        try await h.perform(CreateBinding.self, .init(principal: name, role: role, allKeys: keyId == nil ? true : nil, keyId: keyId,
                                                      conditions: conditions, effect: effect)).binding.bindingId
    }

    static func encrypt(_ key: String, as context: CallContext, _ h: ServiceHarness, encryptionContext: [String: String]? = nil) async throws {
        _ = try await h.service.perform(Encrypt.self, .init(keyId: key, plaintext: secret([1, 2, 3]), encryptionContext: encryptionContext),
                                        context: context)
    }

    @Test func createGrantCannotHandOutWhatTheGrantorDoesNotHold() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let other = try await h.createKey()
        let (granter, _) = try await Self.principal("granter", in: h)
        let (grantee, _) = try await Self.principal("grantee", in: h)
        _ = try await h.perform(CreateRole.self, .init(name: "granting", actions: ["kms:CreateGrant"]))
        _ = try await Self.bind("granter", "granting", keyId: key, in: h)
        _ = try await Self.bind("granter", "encrypt-only", keyId: key, in: h)
        let s = h.service
        func grant(_ operations: [String], on keyId: String = key, constraints: GrantConstraints? = nil) async throws -> CreateGrant.Output {
            try await s.perform(CreateGrant.self, .init(keyId: keyId, granteePrincipal: "grantee", operations: operations,
                                                        constraints: constraints), context: granter)
        }
        await expectError(.accessDenied, "Decrypt is not the granter's") { try await grant(["Decrypt"]) }
        await expectError(.accessDenied, "one operation too many") { try await grant(["Encrypt", "Decrypt"]) }
        await expectError(.accessDenied, "GenerateDataKey on another key") { try await grant(["GenerateDataKey"], on: other) }
        #expect(try await h.perform(ListGrants.self, .init(keyId: key)).grants.isEmpty, "a refused grant leaves nothing behind")
        await expectError(.accessDenied) { try await Self.encrypt(key, as: grantee, h) }

        _ = try await grant(["Encrypt", "GenerateDataKey"])
        try await Self.encrypt(key, as: grantee, h)
        await expectError(.accessDenied) { try await Self.encrypt(other, as: grantee, h) }
        let blob = try await h.encrypt(key, utf8("secret"))
        await expectError(.accessDenied) { try await s.perform(Decrypt.self, .init(ciphertextBlob: Blob(blob)), context: grantee) }
    }

    @Test func grantorHoldingAnOperationOnlyUnderAConditionMustConstrainTheGrant() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let (granter, _) = try await Self.principal("granter", in: h)
        let (grantee, _) = try await Self.principal("grantee", in: h)
        _ = try await h.perform(CreateRole.self, .init(name: "granting", actions: ["kms:CreateGrant"]))
        _ = try await Self.bind("granter", "granting", keyId: key, in: h)
        _ = try await Self.bind("granter", "encrypt-only", keyId: key, conditions: [.init(key: "env", equals: "prod")], in: h)
        func grant(_ constraints: GrantConstraints?) async throws {
            _ = try await h.service.perform(CreateGrant.self, .init(keyId: key, granteePrincipal: "grantee", operations: ["Encrypt"],
                                                                    constraints: constraints), context: granter)
        }
        await expectError(.accessDenied, "an unconstrained grant would escalate") { try await grant(nil) }
        await expectError(.accessDenied) { try await grant(GrantConstraints(encryptionContextSubset: ["env": "dev"])) }
        try await grant(GrantConstraints(encryptionContextSubset: ["env": "prod"]))
        try await Self.encrypt(key, as: grantee, h, encryptionContext: ["env": "prod", "app": "web"])
        await expectError(.accessDenied) { try await Self.encrypt(key, as: grantee, h, encryptionContext: ["env": "dev"]) }
        await expectError(.accessDenied) { try await Self.encrypt(key, as: grantee, h) }
    }

    @Test func retiringPrincipalWithoutBindingsRetiresAndRevokedGrantsStopAllowing() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let (grantee, _) = try await Self.principal("grantee", in: h)
        let (retirer, _) = try await Self.principal("retirer", in: h)
        let (stranger, _) = try await Self.principal("stranger", in: h)
        let first = try await h.perform(CreateGrant.self, .init(keyId: key, granteePrincipal: "grantee", operations: ["Encrypt"],
                                                                retiringPrincipal: "retirer"))
        try await Self.encrypt(key, as: grantee, h)
        await expectError(.accessDenied, "neither retiring principal nor grantee nor bound") {
            try await h.service.perform(RetireGrant.self, .init(grantToken: first.grantToken), context: stranger)
        }
        try await Self.encrypt(key, as: grantee, h)
        _ = try await h.service.perform(RetireGrant.self, .init(grantToken: first.grantToken), context: retirer)
        await expectError(.accessDenied, "the retired grant") { try await Self.encrypt(key, as: grantee, h) }

        let second = try await h.perform(CreateGrant.self, .init(keyId: key, granteePrincipal: "grantee", operations: ["Encrypt"]))
        try await Self.encrypt(key, as: grantee, h)
        _ = try await h.perform(RevokeGrant.self, .init(keyId: key, grantId: second.grantId))
        await expectError(.accessDenied, "the revoked grant") { try await Self.encrypt(key, as: grantee, h) }
        #expect(try await h.perform(ListGrants.self, .init(keyId: key)).grants.isEmpty)
    }

    /// The changes that would lock the only administrator out.
    enum LockoutChange: String, CaseIterable, Sendable {
        case disable, delete, deactivateAccessKey, deleteAccessKey, deleteAdminBinding, addDenyBinding
    }

    @Test(arguments: LockoutChange.allCases)
    func changesThatLockOutTheLastAdministratorAreRefused(change: LockoutChange) async throws {
        let h = try await ServiceHarness.make()
        let adminId = try #require(h.service.administratorId)
        let accessKeyId = try #require(h.service.read { s in s.accessKeys.values.first { $0.principalId == adminId }?.id })
        let bindingId = try #require(try await h.perform(ListBindings.self, .init(principal: "admin")).bindings.first?.bindingId)
        _ = try await h.perform(CreateRole.self, .init(name: "no-random", actions: ["kms:GenerateRandom"]))
        func apply() async throws {
            switch change {
            case .disable: _ = try await h.perform(UpdatePrincipal.self, .init(principal: "admin", enabled: false))
            case .delete: _ = try await h.perform(DeletePrincipal.self, .init(principal: "admin"))
            case .deactivateAccessKey:
                _ = try await h.perform(UpdateAccessKey.self, .init(principal: "admin", accessKeyId: accessKeyId, status: "Inactive"))
            case .deleteAccessKey: _ = try await h.perform(DeleteAccessKey.self, .init(principal: "admin", accessKeyId: accessKeyId))
            case .deleteAdminBinding: _ = try await h.perform(DeleteBinding.self, .init(bindingId: bindingId))
            case .addDenyBinding: _ = try await Self.bind("admin", "no-random", effect: "Deny", in: h)
            }
        }
        let before = h.service.read { s in (s.principals, s.accessKeys, s.bindings) }
        await expectError(.invalidState, "\(change)") { try await apply() }
        let after = h.service.read { s in (s.principals, s.accessKeys, s.bindings) }
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2, "a refused change changes nothing")
        #expect(h.service.credential(accessKeyId: accessKeyId) != nil)
        _ = try await h.perform(ListKeys.self, .init())

        // A second administrator who could sign in only with an inactive key does not count.
        let second = try await h.perform(CreatePrincipal.self, .init(name: "admin2"))
        _ = try await Self.bind("admin2", "admin", in: h)
        _ = try await h.perform(UpdateAccessKey.self, .init(principal: "admin2", accessKeyId: second.accessKey.accessKeyId, status: "Inactive"))
        await expectError(.invalidState, "\(change) with an inactive second administrator") { try await apply() }
        // An active second administrator makes the change allowed.
        _ = try await h.perform(UpdateAccessKey.self, .init(principal: "admin2", accessKeyId: second.accessKey.accessKeyId, status: "Active"))
        try await apply()
        #expect(h.service.read { $0.effectiveAdministrators() } == [second.principal.principalId])
    }

    @Test func disabledPrincipalsAndRetiredAccessKeysNoLongerAuthenticate() async throws {
        let h = try await ServiceHarness.make()
        let created = try await h.perform(CreatePrincipal.self, .init(name: "app"))
        let first = created.accessKey.accessKeyId
        let second = try await h.perform(CreateAccessKey.self, .init(principal: "app")).accessKey.accessKeyId
        #expect(h.service.credential(accessKeyId: first)?.caller.principalName == "app")
        #expect(h.service.credential(accessKeyId: second)?.caller.principalName == "app")

        _ = try await h.perform(UpdateAccessKey.self, .init(principal: "app", accessKeyId: first, status: "Inactive"))
        #expect(h.service.credential(accessKeyId: first) == nil)
        #expect(h.service.credential(accessKeyId: second) != nil)
        _ = try await h.perform(DeleteAccessKey.self, .init(principal: "app", accessKeyId: second))
        #expect(h.service.credential(accessKeyId: second) == nil)
        _ = try await h.perform(UpdateAccessKey.self, .init(principal: "app", accessKeyId: first, status: "Active"))
        #expect(h.service.credential(accessKeyId: first) != nil)

        _ = try await h.perform(UpdatePrincipal.self, .init(principal: "app", enabled: false))
        #expect(h.service.credential(accessKeyId: first) == nil, "a disabled principal's active key")
        _ = try await h.perform(UpdatePrincipal.self, .init(principal: "app", enabled: true))
        #expect(h.service.credential(accessKeyId: first) != nil)
        _ = try await h.perform(DeletePrincipal.self, .init(principal: "app"))
        #expect(h.service.credential(accessKeyId: first) == nil)
    }

    @Test func accessKeySecretsAppearOnlyInTheResponseThatCreatesThem() async throws {
        let h = try await ServiceHarness.make()
        func json(_ value: some Encodable) throws -> String { String(decoding: try WireCoding.restEncoder.encode(value), as: UTF8.self) }
        let created = try await h.perform(CreatePrincipal.self, .init(name: "app"))
        let firstSecret = String(decoding: created.accessKey.secretAccessKey.bytes.exportBytes(), as: UTF8.self)
        #expect(firstSecret.count == 40)
        #expect(try json(created).contains(firstSecret))
        #expect(!"\(created.accessKey.secretAccessKey)".contains(firstSecret), "description is redacted")
        let added = try await h.perform(CreateAccessKey.self, .init(principal: "app"))
        let secondSecret = String(decoding: added.accessKey.secretAccessKey.bytes.exportBytes(), as: UTF8.self)
        #expect(try json(added).contains(secondSecret))

        let described = try json(try await h.perform(DescribePrincipal.self, .init(principal: "app")))
        let listed = try json(try await h.perform(ListPrincipals.self, .init()))
        #expect(described.contains(created.accessKey.accessKeyId) && described.contains(added.accessKey.accessKeyId))
        #expect(listed.contains("\"app\""))
        let bindings = try json(try await h.perform(ListBindings.self, .init()))
        for secret in [firstSecret, secondSecret] {
            #expect(!described.contains(secret))
            #expect(!listed.contains(secret))
            #expect(!bindings.contains(secret))
        }
    }

    @Test func dryRunEncryptAnswersDryRunWhenAllowedAndAccessDeniedWhenNot() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let (producer, _) = try await Self.principal("producer", in: h)
        let (stranger, _) = try await Self.principal("stranger", in: h)
        _ = try await Self.bind("producer", "encrypt-only", keyId: key, in: h)
        var input = Encrypt.Input(keyId: key, plaintext: secret(utf8("dry")))
        input.dryRun = true
        await expectError(.dryRunOperation) { try await h.perform(Encrypt.self, input) }
        await expectError(.dryRunOperation) { try await h.service.perform(Encrypt.self, input, context: producer) }
        await expectError(.accessDenied) { try await h.service.perform(Encrypt.self, input, context: stranger) }
        let other = try await h.createKey()
        input.keyId = other
        await expectError(.accessDenied, "out of the producer's scope") { try await h.service.perform(Encrypt.self, input, context: producer) }
    }

    @Test func updateAliasNeedsRightsOnTheKeyTheAliasPointsAtNow() async throws {
        let h = try await ServiceHarness.make()
        let victim = try await h.createKey()
        let own = try await h.createKey()
        try await h.createAlias("alias/prod", target: victim)
        let (owner, _) = try await Self.principal("owner", in: h)
        _ = try await Self.bind("owner", "key-admin", keyId: own, in: h)
        _ = try await Self.bind("owner", "key-user", keyId: own, in: h)
        // Re-pointing someone else's alias at one's own key would divert what others encrypt under it.
        await expectError(.accessDenied) {
            try await h.service.perform(UpdateAlias.self, .init(aliasName: "alias/prod", targetKeyId: own), context: owner)
        }
        #expect(try await h.aliases()["alias/prod"] == victim)
        await expectError(.accessDenied) {
            try await h.service.perform(DeleteAlias.self, .init(aliasName: "alias/prod"), context: owner)
        }
        // Within its own keys the owner may re-point freely.
        let spare = try await h.createKey()
        _ = try await Self.bind("owner", "key-admin", keyId: spare, in: h)
        _ = try await h.service.perform(CreateAlias.self, .init(aliasName: "alias/mine", targetKeyId: own), context: owner)
        _ = try await h.service.perform(UpdateAlias.self, .init(aliasName: "alias/mine", targetKeyId: spare), context: owner)
        #expect(try await h.aliases()["alias/mine"] == spare)
    }
}
