/// A named set of actions. Built-in roles are defined here and cannot be changed;
/// custom roles are stored.
public struct RoleRecord: Sendable, Equatable {
    public var name: String
    public var description: String
    public var actions: Set<Action>
    public var builtIn: Bool

    public init(name: String, description: String, actions: Set<Action>, builtIn: Bool = false) {
        self.name = name
        self.description = description
        self.actions = actions
        self.builtIn = builtIn
    }
}

extension RoleRecord {
    /// Actions that manage keys without using them.
    static let keyManagement: Set<Action> = [
        .createKey, .describeKey, .listKeys, .updateKeyDescription, .enableKey, .disableKey,
        .scheduleKeyDeletion, .cancelKeyDeletion, .tagResource, .untagResource, .listResourceTags,
        .createAlias, .updateAlias, .deleteAlias, .listAliases, .enableKeyRotation, .disableKeyRotation,
        .getKeyRotationStatus, .rotateKeyOnDemand, .listKeyRotations, .getKeyPolicy, .putKeyPolicy,
        .listKeyPolicies, .listGrants, .revokeGrant,
        // Bringing material in and taking it out is administration: the material
        // arrives wrapped, and nothing here uses a key.
        .getParametersForImport, .importKeyMaterial, .deleteImportedKeyMaterial, .getPublicKey,
    ]

    /// The built-in roles, which keep duties apart.
    public static let builtIns: [RoleRecord] = [
        RoleRecord(name: "admin", description: "Everything, including principals, roles, bindings and the audit log.",
                   actions: Set(Action.allCases), builtIn: true),
        RoleRecord(name: "key-admin", description: "Create and manage keys, aliases, tags, rotation, deletion, key policies and imported material; no cryptographic use.",
                   actions: keyManagement, builtIn: true),
        RoleRecord(name: "key-user",
                   description: "Use keys: encrypt, decrypt, re-encrypt, data keys and key pairs, sign and verify, MACs; describe keys.",
                   actions: [.encrypt, .decrypt, .reEncryptFrom, .reEncryptTo, .generateDataKey, .generateDataKeyWithoutPlaintext,
                             .generateDataKeyPair, .generateDataKeyPairWithoutPlaintext, .sign, .verify, .getPublicKey,
                             .generateMac, .verifyMac, .describeKey],
                   builtIn: true),
        // Producers make new secrets (data keys, key pairs) and may fetch public keys
        // to encrypt offline; they cannot decrypt, sign or MAC.
        RoleRecord(name: "encrypt-only",
                   description: "Encrypt, generate data keys and key pairs, read public keys; never decrypt: for producers such as build pipelines.",
                   actions: [.encrypt, .generateDataKey, .generateDataKeyWithoutPlaintext, .generateDataKeyPair,
                             .generateDataKeyPairWithoutPlaintext, .getPublicKey],
                   builtIn: true),
        // Deployers check what producers made: verifying a signature or MAC reveals
        // nothing secret and cannot make a new one.
        RoleRecord(name: "decrypt-only",
                   description: "Decrypt, verify signatures and MACs, read public keys, describe keys: for deployers.",
                   actions: [.decrypt, .verify, .verifyMac, .getPublicKey, .describeKey], builtIn: true),
        RoleRecord(name: "auditor", description: "Read the audit log and describe and list keys, nothing else.",
                   actions: [.readAuditLog, .describeKey, .listKeys], builtIn: true),
    ]

    /// Role names: 1–64 of letters, digits, `-` and `_`.
    static func validateName(_ name: String) throws(KMSError) {
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw KMSError.validation("Role names are 1 to 64 letters, digits, '-' or '_'.")
        }
    }
}
