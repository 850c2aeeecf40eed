import Foundation
import Testing
@testable import KeyService

/// The authorization matrix at the `Authorizer.decide` level: every action × every
/// built-in role × every kind of scope, in and out of scope, with and without
/// matching context conditions. Each cell asserts exactly allow or deny.
@Suite struct AuthorizationMatrixTests {
    static let k1 = "11111111-1111-4111-8111-111111111111"
    static let k2 = "22222222-2222-4222-8222-222222222222"
    static let principalId = "0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a"

    static let admin = "admin", keyAdmin = "key-admin", keyUser = "key-user"
    static let encryptOnly = "encrypt-only", decryptOnly = "decrypt-only", auditor = "auditor"
    static let roleNames: Set<String> = [admin, keyAdmin, keyUser, encryptOnly, decryptOnly, auditor]

    /// Which built-in roles allow each action. Written out by hand, not derived from
    /// `RoleRecord.builtIns`: a change to a role, or a new `Action`, must be made here too.
    static let expected: [Action: Set<String>] = {
        let manage: Set<String> = [admin, keyAdmin]
        let adminOnly: Set<String> = [admin]
        return [
            .createKey: manage, .describeKey: [admin, keyAdmin, keyUser, decryptOnly, auditor], .listKeys: [admin, keyAdmin, auditor],
            .updateKeyDescription: manage, .enableKey: manage, .disableKey: manage,
            .scheduleKeyDeletion: manage, .cancelKeyDeletion: manage,
            .tagResource: manage, .untagResource: manage, .listResourceTags: manage,
            .createAlias: manage, .updateAlias: manage, .deleteAlias: manage, .listAliases: manage,
            .enableKeyRotation: manage, .disableKeyRotation: manage, .getKeyRotationStatus: manage,
            .rotateKeyOnDemand: manage, .listKeyRotations: manage,
            .encrypt: [admin, keyUser, encryptOnly], .decrypt: [admin, keyUser, decryptOnly],
            .reEncryptFrom: [admin, keyUser], .reEncryptTo: [admin, keyUser],
            .generateDataKey: [admin, keyUser, encryptOnly], .generateDataKeyWithoutPlaintext: [admin, keyUser, encryptOnly],
            .generateRandom: adminOnly,
            .createGrant: adminOnly, .listGrants: manage, .listRetirableGrants: adminOnly, .retireGrant: adminOnly, .revokeGrant: manage,
            .getKeyPolicy: manage, .putKeyPolicy: manage, .listKeyPolicies: manage,
            .createPrincipal: adminOnly, .listPrincipals: adminOnly, .describePrincipal: adminOnly, .updatePrincipal: adminOnly,
            .deletePrincipal: adminOnly, .createAccessKey: adminOnly, .updateAccessKey: adminOnly, .deleteAccessKey: adminOnly,
            .createRole: adminOnly, .listRoles: adminOnly, .describeRole: adminOnly, .updateRole: adminOnly, .deleteRole: adminOnly,
            .createBinding: adminOnly, .listBindings: adminOnly, .deleteBinding: adminOnly,
            .readAuditLog: [admin, auditor], .pruneAuditLog: adminOnly,
            .sign: [admin, keyUser], .verify: [admin, keyUser, decryptOnly],
            .getPublicKey: [admin, keyAdmin, keyUser, encryptOnly, decryptOnly],
            .generateMac: [admin, keyUser], .verifyMac: [admin, keyUser, decryptOnly],
            .generateDataKeyPair: [admin, keyUser, encryptOnly], .generateDataKeyPairWithoutPlaintext: [admin, keyUser, encryptOnly],
            .getParametersForImport: manage, .importKeyMaterial: manage, .deleteImportedKeyMaterial: manage,
        ]
    }()

    /// Actions on no key: only an all-keys binding can allow them.
    static let keyless: Set<Action> = [
        .createKey, .listKeys, .generateRandom, .listRetirableGrants, .readAuditLog, .pruneAuditLog,
        .createPrincipal, .listPrincipals, .describePrincipal, .updatePrincipal, .deletePrincipal,
        .createAccessKey, .updateAccessKey, .deleteAccessKey, .createRole, .listRoles, .describeRole,
        .updateRole, .deleteRole, .createBinding, .listBindings, .deleteBinding,
    ]

    /// Actions whose requests carry an encryption context (so context conditions can hold).
    static let carriesContext: Set<Action> = [
        .encrypt, .decrypt, .reEncryptFrom, .reEncryptTo, .generateDataKey, .generateDataKeyWithoutPlaintext,
        .generateDataKeyPair, .generateDataKeyPairWithoutPlaintext,
    ]

    /// Actions that use key material without an encryption context.
    static let cryptographicWithoutContext: Set<Action> = [.sign, .verify, .generateMac, .verifyMac, .importKeyMaterial]

    /// A key tagged team=`team` (`Tag` would be ambiguous with Testing's here).
    static func key(_ id: String, team: String) -> KeyRecord {
        var record = KeyRecord(id: id, createdAt: TestClock.start, description: "", state: .enabled, usage: .encryptDecrypt,
                               spec: .symmetricDefault, origin: .awsKMS, rotationEnabled: false, rotationPeriodDays: nil,
                               nextRotationAt: nil, deletionAt: nil, latestVersion: 1, tags: [])
        record.tags = [.init(key: "team", value: team)]
        return record
    }

    static let keyOne = key(k1, team: "a")
    static let keyTwo = key(k2, team: "b")
    static let principal = PrincipalRecord(id: principalId, name: "alice", kind: .user, enabled: true, createdAt: TestClock.start)

    static func binding(_ role: String, _ scope: BindingScope, conditions: [ContextCondition] = [],
                        effect: BindingRecord.Effect = .allow, id: String = UUID().uuidString) -> BindingRecord {
        BindingRecord(id: id, principalId: principalId, role: role, scope: scope, conditions: conditions, effect: effect,
                      createdAt: TestClock.start)
    }

    /// Two keys, each with an alias and a tag, one principal, and the given bindings, grants and key policies.
    static func state(_ bindings: [BindingRecord], grants: [GrantRecord] = [], policies: [String: String] = [:],
                      principal: PrincipalRecord = principal) -> ServiceState {
        var snapshot = StoreSnapshot()
        snapshot.keys = [keyOne, keyTwo]
        snapshot.aliases = [
            AliasRecord(name: "alias/team-a/one", targetKeyId: k1, createdAt: TestClock.start, updatedAt: TestClock.start),
            AliasRecord(name: "alias/team-b/two", targetKeyId: k2, createdAt: TestClock.start, updatedAt: TestClock.start),
        ]
        snapshot.principals = [principal]
        snapshot.bindings = bindings
        snapshot.grants = grants
        snapshot.keyPolicies = policies
        return ServiceState(snapshot)
    }

    static func decide(_ action: Action, key: KeyRecord?, context: [String: String]? = nil, in state: ServiceState,
                       principal: PrincipalRecord? = principal) -> AuthorizationDecision {
        Authorizer.decide(AuthorizationRequest(action: action, principal: principal, key: key, encryptionContext: context), state: state)
    }

    @Test func tableCoversEveryActionAndEveryBuiltInRole() {
        #expect(Set(Self.expected.keys) == Set(Action.allCases), "every Action needs an entry in the matrix")
        #expect(Set(RoleRecord.builtIns.map(\.name)) == Self.roleNames, "every built-in role needs a column in the matrix")
        #expect(Self.expected.values.allSatisfy { $0.isSubset(of: Self.roleNames) })
        #expect(Set(Action.allCases.filter { !$0.isKeyScoped }) == Self.keyless)
        #expect(Set(Action.allCases.filter(\.isCryptographic)) == Self.carriesContext.union(Self.cryptographicWithoutContext))
    }

    @Test(arguments: Action.allCases)
    func everyRoleIsAllowedExactlyItsActions(action: Action) throws {
        let allowing = try #require(Self.expected[action], "no matrix entry for \(action.rawValue)")
        let keyScoped = !Self.keyless.contains(action)
        for role in Self.roleNames.sorted() {
            let has = allowing.contains(role)
            let cell = "\(role) × \(action.rawValue)"
            func check(_ scope: BindingScope, key: KeyRecord?, _ allowed: Bool, _ what: String, context: [String: String]? = nil,
                       conditions: [ContextCondition] = []) {
                let decision = Self.decide(action, key: key, context: context, in: Self.state([Self.binding(role, scope, conditions: conditions)]))
                #expect(decision.allowed == allowed, "\(cell), \(what): \(decision.reason)")
                #expect(decision.grantId == nil, "\(cell), \(what)")
            }
            // (a) All keys: every key, and no key at all.
            check(.allKeys, key: Self.keyOne, has, "all keys, K1")
            check(.allKeys, key: Self.keyTwo, has, "all keys, K2")
            check(.allKeys, key: nil, has, "all keys, no key")
            // (b) One key: only that key; never a key-less action.
            check(.key(Self.k1), key: Self.keyOne, has && keyScoped, "key K1, K1 (in scope)")
            check(.key(Self.k1), key: Self.keyTwo, false, "key K1, K2 (out of scope)")
            check(.key(Self.k1), key: nil, false, "key K1, no key")
            // (c) An alias prefix and a tag.
            check(.aliasPrefix("alias/team-a/"), key: Self.keyOne, has && keyScoped, "alias/team-a/*, K1")
            check(.aliasPrefix("alias/team-a/"), key: Self.keyTwo, false, "alias/team-a/*, K2")
            check(.aliasPrefix("alias/team-a/"), key: nil, false, "alias/team-a/*, no key")
            check(.tag(key: "team", value: "a"), key: Self.keyOne, has && keyScoped, "tag team=a, K1")
            check(.tag(key: "team", value: "a"), key: Self.keyTwo, false, "tag team=a, K2")
            check(.tag(key: "team", value: "a"), key: nil, false, "tag team=a, no key")
            // (d) A condition env=prod: only a request carrying env=prod satisfies it.
            let prod: [ContextCondition] = [.equals(key: "env", value: "prod")]
            let key = keyScoped ? Self.keyOne : nil
            if Self.carriesContext.contains(action) {
                check(.allKeys, key: key, has, "env=prod condition, context env=prod", context: ["env": "prod", "app": "x"], conditions: prod)
                check(.allKeys, key: key, false, "env=prod condition, context env=dev", context: ["env": "dev"], conditions: prod)
                check(.allKeys, key: key, false, "env=prod condition, empty context", context: [:], conditions: prod)
            }
            check(.allKeys, key: key, false, "env=prod condition, no context", context: nil, conditions: prod)
        }
    }

    @Test func denyBindingWinsOverEveryAllow() {
        let state = Self.state([
            Self.binding("admin", .allKeys),
            Self.binding("key-user", .key(Self.k1), effect: .deny),
            Self.binding("auditor", .allKeys, conditions: [.equals(key: "env", value: "prod")], effect: .deny),
        ])
        #expect(!Self.decide(.encrypt, key: Self.keyOne, context: [:], in: state).allowed)
        #expect(Self.decide(.encrypt, key: Self.keyOne, context: [:], in: state).reason.contains("explicit deny"))
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: [:], in: state).allowed)
        #expect(!Self.decide(.describeKey, key: Self.keyOne, in: state).allowed, "DescribeKey is in key-user and so denied on K1")
        #expect(Self.decide(.encrypt, key: Self.keyTwo, context: [:], in: state).allowed, "the deny covers K1 only")
        #expect(Self.decide(.scheduleKeyDeletion, key: Self.keyOne, in: state).allowed, "not in the denied role")
        // The conditional deny applies only when its condition holds.
        #expect(Self.decide(.describeKey, key: Self.keyTwo, in: state).allowed)
        #expect(!Self.decide(.listKeys, key: nil, context: ["env": "prod"], in: state).allowed)
        #expect(Self.decide(.listKeys, key: nil, in: state).allowed)
        #expect(Self.decide(.createPrincipal, key: nil, in: state).allowed)
    }

    @Test func disabledAndUnknownPrincipalsAreDeniedEverything() {
        var disabled = Self.principal
        disabled.enabled = false
        let state = Self.state([Self.binding("admin", .allKeys)], principal: disabled)
        let enabledState = Self.state([Self.binding("admin", .allKeys)])
        for action in Action.allCases {
            let key = Self.keyless.contains(action) ? nil : Self.keyOne
            #expect(Self.decide(action, key: key, context: [:], in: enabledState).allowed, "\(action.rawValue) for the enabled admin")
            #expect(!Self.decide(action, key: key, context: [:], in: state, principal: disabled).allowed, "\(action.rawValue) disabled")
            #expect(!Self.decide(action, key: key, context: [:], in: enabledState, principal: nil).allowed, "\(action.rawValue) unknown")
        }
    }

    static func policy(deny actions: [String], principal: String = #""*""#) -> String {
        let list = actions.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:*", "Resource": "*"},
              {"Sid": "no-decrypt", "Effect": "Deny", "Principal": \(principal), "Action": [\(list)], "Resource": "*"}
            ]}
            """
    }

    @Test func keyPolicyDenyStatementWinsOverBindingsAndGrants() {
        let grant = GrantRecord(id: "g1", token: "t1", keyId: Self.k1, name: nil, granteePrincipalId: Self.principalId,
                                retiringPrincipalId: nil, issuingPrincipalId: "x", operations: [.decrypt, .encrypt],
                                contextEquals: nil, contextSubset: nil, createdAt: TestClock.start)
        for deny in [Self.policy(deny: ["kms:Decrypt"]), Self.policy(deny: ["kms:Decrypt"], principal: #"{"AWS": "arn:aws:iam::000000000000:user/alice"}"#),
                     Self.policy(deny: ["kms:Decr*"]), Self.policy(deny: ["kms:decrypt"]) /* IAM action names ignore case */] {
            let bound = Self.state([Self.binding("admin", .allKeys)], policies: [Self.k1: deny])
            let decision = Self.decide(.decrypt, key: Self.keyOne, context: [:], in: bound)
            #expect(!decision.allowed)
            #expect(decision.reason.contains("no-decrypt"), "\(decision.reason)")
            #expect(Self.decide(.decrypt, key: Self.keyTwo, context: [:], in: bound).allowed, "the policy is K1's only")
            #expect(Self.decide(.encrypt, key: Self.keyOne, context: [:], in: bound).allowed, "Encrypt is not denied")
            let granted = Self.state([], grants: [grant], policies: [Self.k1: deny])
            #expect(!Self.decide(.decrypt, key: Self.keyOne, context: [:], in: granted).allowed)
            #expect(Self.decide(.encrypt, key: Self.keyOne, context: [:], in: granted).allowed)
        }
        // A Deny naming someone else leaves alice alone.
        let other = Self.state([Self.binding("admin", .allKeys)],
                               policies: [Self.k1: Self.policy(deny: ["kms:Decrypt"], principal: #"{"AWS": "arn:aws:iam::000000000000:user/bob"}"#)])
        #expect(Self.decide(.decrypt, key: Self.keyOne, context: [:], in: other).allowed)
    }

    static func grant(_ operations: Set<Action>, equals: [String: String]? = nil, subset: [String: String]? = nil,
                      key: String = k1) -> GrantRecord {
        GrantRecord(id: "grant-\(operations.count)-\(key.prefix(1))", token: "token", keyId: key, name: nil,
                    granteePrincipalId: principalId, retiringPrincipalId: nil, issuingPrincipalId: "issuer",
                    operations: operations, contextEquals: equals, contextSubset: subset, createdAt: TestClock.start)
    }

    @Test func grantsAllowOnlyTheirOperationsOnTheirKey() {
        let state = Self.state([], grants: [Self.grant([.encrypt, .describeKey])])
        for action in Action.allCases {
            let decision = Self.decide(action, key: Self.keyOne, context: [:], in: state)
            #expect(decision.allowed == [.encrypt, .describeKey].contains(action), "\(action.rawValue) on K1: \(decision.reason)")
            #expect(decision.grantId == (decision.allowed ? "grant-2-1" : nil))
            #expect(!Self.decide(action, key: Self.keyTwo, context: [:], in: state).allowed, "\(action.rawValue) on K2")
            #expect(!Self.decide(action, key: nil, context: [:], in: state).allowed, "\(action.rawValue) on no key")
        }
    }

    @Test func grantsNeverAllowNonGrantableActions() {
        // A grant naming every action (the API refuses to create one; the authorizer must not trust that).
        let state = Self.state([], grants: [Self.grant(Set(Action.allCases))])
        let grantable: Set<Action> = [.encrypt, .decrypt, .reEncryptFrom, .reEncryptTo, .generateDataKey,
                                      .generateDataKeyWithoutPlaintext, .describeKey, .createGrant, .retireGrant,
                                      .sign, .verify, .getPublicKey, .generateMac, .verifyMac,
                                      .generateDataKeyPair, .generateDataKeyPairWithoutPlaintext]
        #expect(Set(Action.allCases.filter(\.isGrantable)) == grantable)
        for action in Action.allCases {
            let decision = Self.decide(action, key: Self.keyOne, context: [:], in: state)
            #expect(decision.allowed == grantable.contains(action), "\(action.rawValue): \(decision.reason)")
        }
    }

    @Test func grantConstraintsAreHonoured() {
        let equals = Self.state([], grants: [Self.grant([.decrypt], equals: ["env": "prod"])])
        #expect(Self.decide(.decrypt, key: Self.keyOne, context: ["env": "prod"], in: equals).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: ["env": "prod", "app": "x"], in: equals).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: ["env": "dev"], in: equals).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: [:], in: equals).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: nil, in: equals).allowed)
        #expect(Self.decide(.decrypt, key: Self.keyOne, context: ["env": "dev"], in: equals).reason.contains("constraint"))

        let subset = Self.state([], grants: [Self.grant([.decrypt], subset: ["env": "prod"])])
        #expect(Self.decide(.decrypt, key: Self.keyOne, context: ["env": "prod"], in: subset).allowed)
        #expect(Self.decide(.decrypt, key: Self.keyOne, context: ["env": "prod", "app": "x"], in: subset).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: ["env": "dev", "app": "x"], in: subset).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: ["app": "x"], in: subset).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: nil, in: subset).allowed)
    }

    @Test func removedGrantNoLongerAllows() {
        let grant = Self.grant([.encrypt])
        var state = Self.state([], grants: [grant])
        #expect(Self.decide(.encrypt, key: Self.keyOne, context: [:], in: state).allowed)
        state.apply(.deleteGrant(id: grant.id))
        #expect(!Self.decide(.encrypt, key: Self.keyOne, context: [:], in: state).allowed)
    }

    @Test func conditionsOfEveryKindMustAllHold() {
        let conditions: [ContextCondition] = [.hasKey("app"), .matches(key: "env", pattern: "prod-*")]
        let state = Self.state([Self.binding("key-user", .allKeys, conditions: conditions)])
        #expect(Self.decide(.decrypt, key: Self.keyOne, context: ["app": "", "env": "prod-eu"], in: state).allowed)
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: ["env": "prod-eu"], in: state).allowed, "hasKey app fails")
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: ["app": "x", "env": "staging"], in: state).allowed, "glob fails")
        #expect(!Self.decide(.decrypt, key: Self.keyOne, context: ["app": "x", "env": "xprod-eu"], in: state).allowed, "glob is anchored")
    }
}
