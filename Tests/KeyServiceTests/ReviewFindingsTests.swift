import Foundation
import KeyCrypto
import Synchronization
import Testing
@testable import KeyService

/// Behaviour an independent check of the finished issues found missing, each
/// through `KeyService.perform` as both front doors reach it.
@Suite struct ReviewFindingsTests {
    typealias A = AuthorizationServiceTests

    /// Only an administrator hands out power over identities or changes those who
    /// hold it: a principal with iam:CreateBinding cannot bind itself admin, and
    /// one with iam:CreateAccessKey cannot mint a key for the administrator.
    @Test func identityAdministrationCannotEscalate() async throws {
        let h = try await ServiceHarness.make()
        let s = h.service
        _ = try await h.perform(CreateRole.self, .init(name: "binder", actions: ["iam:CreateBinding", "iam:DeleteBinding"]))
        _ = try await h.perform(CreateRole.self, .init(name: "key-minter", actions: ["iam:CreateAccessKey"]))
        _ = try await h.perform(CreateRole.self, .init(name: "role-editor", actions: ["iam:CreateRole", "iam:UpdateRole"]))
        let (binder, _) = try await A.principal("binder", in: h)
        let (minter, _) = try await A.principal("minter", in: h)
        let (editor, _) = try await A.principal("editor", in: h)
        _ = try await A.principal("alice", in: h)
        _ = try await A.bind("binder", "binder", in: h)
        _ = try await A.bind("minter", "key-minter", in: h)
        _ = try await A.bind("editor", "role-editor", in: h)

        await expectError(.accessDenied, "binding itself admin") {
            _ = try await s.perform(CreateBinding.self, .init(principal: "binder", role: "admin", allKeys: true), context: binder)
        }
        await expectError(.accessDenied, "binding a role that administers identities") {
            _ = try await s.perform(CreateBinding.self, .init(principal: "alice", role: "binder", allKeys: true), context: binder)
        }
        let adminBinding = try #require(try await h.perform(ListBindings.self, .init(principal: "admin")).bindings.first)
        await expectError(.accessDenied, "removing an administrator's binding") {
            _ = try await s.perform(DeleteBinding.self, .init(bindingId: adminBinding.bindingId), context: binder)
        }
        // What the role is for still works: data roles for principals without power.
        _ = try await s.perform(CreateBinding.self, .init(principal: "alice", role: "key-user", allKeys: true), context: binder)

        await expectError(.accessDenied, "a key for the administrator") {
            _ = try await s.perform(CreateAccessKey.self, .init(principal: "admin"), context: minter)
        }
        await expectError(.accessDenied, "a key for another holder of power") {
            _ = try await s.perform(CreateAccessKey.self, .init(principal: "binder"), context: minter)
        }
        _ = try await s.perform(CreateAccessKey.self, .init(principal: "alice"), context: minter)

        await expectError(.accessDenied, "a role with identity actions") {
            _ = try await s.perform(CreateRole.self, .init(name: "sneaky", actions: ["iam:CreateBinding"]), context: editor)
        }
        await expectError(.accessDenied, "adding identity actions to a role") {
            _ = try await s.perform(UpdateRole.self, .init(name: "key-minter", actions: ["iam:CreateBinding"]), context: editor)
        }
        _ = try await s.perform(CreateRole.self, .init(name: "readers", actions: ["kms:DescribeKey"]), context: editor)
        // The administrator may do all of it.
        _ = try await A.bind("alice", "binder", in: h)
        _ = try await h.perform(CreateAccessKey.self, .init(principal: "binder"))
    }

    /// A key administrator cannot lock every administrator out of a key with its
    /// policy, even with BypassPolicyLockoutSafetyCheck; an administrator's own
    /// bypass still stores such a policy (as AWS).
    @Test func aKeyPolicyCannotLockOutEveryAdministrator() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let (keyAdmin, _) = try await A.principal("kadmin", in: h)
        _ = try await A.bind("kadmin", "key-admin", in: h)
        func policy(_ actions: String) -> String {
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/admin"},"Action":\#(actions),"Resource":"*"}]}"#
        }
        var input = PutKeyPolicy.Input(keyId: key, policy: policy(#""kms:*""#))
        await expectError(.malformedPolicyDocument) { _ = try await h.service.perform(PutKeyPolicy.self, input, context: keyAdmin) }
        input.bypassPolicyLockoutSafetyCheck = true
        await expectError(.malformedPolicyDocument, "not bypassable") { _ = try await h.service.perform(PutKeyPolicy.self, input, context: keyAdmin) }
        await expectError(.malformedPolicyDocument, "nor at creation") {
            var create = CreateKey.Input()
            create.policy = policy(#"["kms:PutKeyPolicy"]"#)
            _ = try await h.service.perform(CreateKey.self, create, context: keyAdmin)
        }
        // Denying the administrator something else is the key administrator's call.
        _ = try await h.service.perform(PutKeyPolicy.self, .init(keyId: key, policy: policy(#"["kms:Encrypt"]"#)), context: keyAdmin)
        // The administrator, knowingly: without the bypass its own safety check refuses, with it the policy is stored.
        var own = PutKeyPolicy.Input(keyId: key, policy: policy(#""kms:*""#))
        await expectError(.malformedPolicyDocument) { _ = try await h.perform(PutKeyPolicy.self, own) }
        own.bypassPolicyLockoutSafetyCheck = true
        _ = try await h.perform(PutKeyPolicy.self, own)
    }

    /// Look-alike names: a custom role or principal that differs from an existing one only in case is refused.
    @Test func namesDifferingOnlyInCaseAreRefused() async throws {
        let h = try await ServiceHarness.make()
        await expectError(.alreadyExists) { _ = try await h.perform(CreateRole.self, .init(name: "Admin", actions: ["kms:Encrypt"])) }
        await expectError(.alreadyExists) { _ = try await h.perform(CreateRole.self, .init(name: "KEY-USER", actions: ["kms:Encrypt"])) }
        _ = try await h.perform(CreatePrincipal.self, .init(name: "deploy"))
        await expectError(.alreadyExists) { _ = try await h.perform(CreatePrincipal.self, .init(name: "Deploy")) }
        await expectError(.alreadyExists) { _ = try await h.perform(CreatePrincipal.self, .init(name: "ADMIN")) }
    }

    /// CreateGrant refuses operations the key cannot perform (as AWS: ValidationException).
    @Test func grantsOnlyForOperationsTheKeySupports() async throws {
        let h = try await ServiceHarness.make()
        _ = try await A.principal("grantee", in: h)
        let symmetric = try await h.createKey()
        let signing = try await h.createKey(spec: "ECC_NIST_P256", usage: "SIGN_VERIFY")
        let mac = try await h.createKey(spec: "HMAC_256", usage: "GENERATE_VERIFY_MAC")
        let rsa = try await h.createKey(spec: "RSA_2048", usage: "ENCRYPT_DECRYPT")
        func grant(_ key: String, _ operations: [String]) async throws {
            _ = try await h.perform(CreateGrant.self, .init(keyId: key, granteePrincipal: "grantee", operations: operations))
        }
        for (key, operations) in [(symmetric, ["Sign"]), (symmetric, ["GenerateMac"]), (symmetric, ["GetPublicKey"]),
                                  (signing, ["GenerateDataKey"]), (signing, ["Encrypt"]), (mac, ["Sign"]),
                                  (rsa, ["GenerateDataKey"]), (rsa, ["Encrypt", "Sign"])] {
            await expectError(.validation, "\(operations)") { try await grant(key, operations) }
        }
        // Encryption context constraints only where operations take a context: symmetric encryption keys.
        for key in [signing, mac, rsa] {
            await expectError(.validation, "constraints on \(key)") {
                _ = try await h.perform(CreateGrant.self, .init(keyId: key, granteePrincipal: "grantee", operations: ["DescribeKey"],
                                                                constraints: GrantConstraints(encryptionContextEquals: ["a": "b"])))
            }
        }
        _ = try await h.perform(CreateGrant.self, .init(keyId: symmetric, granteePrincipal: "grantee", operations: ["Decrypt"],
                                                        constraints: GrantConstraints(encryptionContextSubset: ["a": "b"])))
        try await grant(symmetric, ["Encrypt", "GenerateDataKey", "DescribeKey"])
        try await grant(signing, ["Sign", "Verify", "GetPublicKey"])
        try await grant(mac, ["GenerateMac", "VerifyMac"])
        try await grant(rsa, ["Encrypt", "Decrypt", "GetPublicKey"])
    }

    /// A malformed grant id is InvalidGrantId; a well-formed unknown one is NotFound.
    @Test func malformedGrantIdsAreInvalidGrantId() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        func list(_ grantId: String) async throws -> ListGrants.Output {
            var input = ListGrants.Input(keyId: key)
            input.grantId = grantId
            return try await h.perform(ListGrants.self, input)
        }
        await expectError(.invalidGrantId) { _ = try await list("zz") }
        await expectError(.invalidGrantId) { _ = try await h.perform(RevokeGrant.self, .init(keyId: key, grantId: "zz")) }
        await expectError(.invalidGrantId) { _ = try await h.perform(RetireGrant.self, .init(keyId: key, grantId: String(repeating: "A", count: 64))) }
        let unknown = String(repeating: "ab", count: 32)
        await expectError(.notFound) { _ = try await h.perform(RevokeGrant.self, .init(keyId: key, grantId: unknown)) }
        #expect(try await list(unknown).grants.isEmpty)
        #expect(KMSError.Code.invalidGrantId.awsType == "InvalidGrantIdException" && KMSError.Code.invalidGrantId.httpStatus == 400)
    }

    /// Once imported material is past its ValidTo, DescribeKey says PendingImport at
    /// once, as the errors of cryptographic calls already did, and EnableKey is refused.
    @Test func expiredMaterialReadsAsPendingImportBeforeMaintenance() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(spec: "SYMMETRIC_DEFAULT", origin: "EXTERNAL")
        try await h.importMaterial(key, SecureBytes(copying: [UInt8](repeating: 7, count: 32)), validTo: h.clock.read().adding(days: 1))
        #expect(try await h.describe(key).keyState == "Enabled")
        _ = try await h.perform(DisableKey.self, .init(keyId: key))
        h.clock.advance(days: 2)
        let metadata = try await h.describe(key)
        #expect(metadata.keyState == "PendingImport" && !metadata.enabled)
        await expectError(.invalidState) { _ = try await h.perform(EnableKey.self, .init(keyId: key)) }
        await expectError(.invalidState) { _ = try await h.encrypt(key, utf8("x")) }
    }

    /// Text with U+0000 is stored and read back whole (a C-string bind cut it there).
    @Test func storedTextKeepsAnEmbeddedNul() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path + "/kms.db"
        let clock = TestClock()
        let first = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), clock: clock)
        let key = try await first.createKey(description: "pre\u{0}post", tags: [WireTag(tagKey: "k", tagValue: "a\u{0}b")])
        let second = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), clock: clock)
        #expect(try await second.describe(key).description == "pre\u{0}post")
        #expect(try await second.perform(ListResourceTags.self, .init(keyId: key)).tags == [WireTag(tagKey: "k", tagValue: "a\u{0}b")])
    }

    /// A store that counts its readiness writes.
    final class CountingStore: KeyStore, @unchecked Sendable {
        let inner = MemoryKeyStore()
        let probes = Mutex(0)
        func load() throws -> StoreSnapshot { try inner.load() }
        func commit(_ changes: [StoreChange]) throws { try inner.commit(changes) }
        func isWritable() -> Bool {
            probes.withLock { $0 += 1 }
            return true
        }
    }

    /// The unauthenticated readiness probe writes at most about once a second,
    /// however often it is asked.
    @Test func readinessWritesAreShared() async throws {
        let store = CountingStore()
        let h = try await ServiceHarness.make(store: store)
        for _ in 0..<100 { #expect(h.service.storeWritable()) }
        #expect(store.probes.withLock { $0 } == 1)
    }

    /// Input limits of the AWS model answered as AWS does: ValidationException.
    @Test func modelLimitsAreValidationErrors() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.validation) { _ = try await h.perform(ListKeys.self, .init(limit: 10, marker: String(repeating: "A", count: 1025))) }
        await expectError(.invalidMarker) { _ = try await h.perform(ListKeys.self, .init(limit: 10, marker: "AAAA")) }
        await expectError(.validation) { _ = try await h.perform(GetKeyPolicy.self, .init(keyId: key, policyName: String(repeating: "p", count: 129))) }
        await expectError(.validation) { _ = try await h.perform(GetKeyPolicy.self, .init(keyId: key, policyName: "no-dashes")) }
        await expectError(.notFound) { _ = try await h.perform(GetKeyPolicy.self, .init(keyId: key, policyName: "other")) }
        let rsa = try await h.createKey(spec: "RSA_2048", usage: "ENCRYPT_DECRYPT")
        do {
            _ = try await h.perform(RotateKeyOnDemand.self, .init(keyId: rsa))
            Issue.record("an RSA key rotated")
        } catch {
            #expect(error.code == .unsupportedOperation && error.message.contains("on demand"), "\(error)")
        }
    }

    /// Guessing a known principal's secret raises RepeatedDenials like denials do.
    @Test func refusedSignaturesOfAKnownPrincipalRaiseRepeatedDenials() {
        let configuration = WebhookConfiguration(url: "http://127.0.0.1:1/", secret: SecureBytes(copying: [UInt8](repeating: 7, count: 16)), actions: [])
        let hooks = AuditWebhooks(configuration: configuration, logger: quietLogger)
        func refused(_ n: Int, principal: String?) -> AuditRecord {
            AuditRecord(sequence: Int64(n), time: 0, requestId: "r\(n)", principalId: principal, accessKeyId: "AKIAEXAMPLEEXAMPLE00",
                        api: "AWS", action: "Decrypt", outcome: .error, errorCode: "InvalidSignatureException", reason: "signature refused")
        }
        for n in 1..<configuration.denialThreshold { hooks.observe(refused(n, principal: "p-bob")) }
        #expect(hooks.counters.queued == 0)
        hooks.observe(refused(configuration.denialThreshold, principal: "p-bob"))
        #expect(hooks.counters.queued == 1)
        // Unknown key ids belong to no principal: nothing to count them against.
        for n in 0..<10 { hooks.observe(refused(100 + n, principal: nil)) }
        #expect(hooks.counters.queued == 1)
    }

    /// Settings that would silently do nothing are refused at start.
    @Test func silentlyIneffectiveSettingsAreRefused() throws {
        var configuration = ServerConfiguration()
        try configuration.validate()
        for (rate, burst) in [(Double.infinity, 10.0), (1e400, 1), (10, .infinity), (2_000_000, 10), (10, 0.5)] {
            configuration.rateLimit = (rate, burst)
            #expect(throws: ConfigurationError.self, "\(rate)/\(burst)") { try configuration.validate() }
        }
        configuration.rateLimit = (200, 400)
        try configuration.validate()
        configuration.webhook = WebhookConfiguration(url: "http://127.0.0.1:1/", secret: SecureBytes(copying: [UInt8](repeating: 7, count: 16)),
                                                     actions: ["DisableKey", "NoSuchAction"])
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.webhook?.actions = WebhookConfiguration.defaultActions.union(["RepeatedDenials", "Encrypt", "GenerateDataKey"])
        try configuration.validate()
    }
}

