/// Everything the service persists, as loaded at start-up.
public struct StoreSnapshot: Sendable {
    public var keys: [KeyRecord] = []
    public var versions: [KeyVersionRecord] = []
    public var aliases: [AliasRecord] = []
    public var principals: [PrincipalRecord] = []
    public var accessKeys: [AccessKeyRecord] = []
    public var settings: [String: String] = [:]
    /// Ids of keys whose material was destroyed (tombstones, so a late blob says NotFound).
    public var destroyedKeys: Set<String> = []
    public var roles: [RoleRecord] = []
    public var bindings: [BindingRecord] = []
    public var grants: [GrantRecord] = []
    /// Key policy documents by key id (the policy named "default").
    public var keyPolicies: [String: String] = [:]
    /// When each access key was last used, as last persisted.
    public var accessKeyLastUsed: [String: Timestamp] = [:]
    /// Outstanding import parameters (one-time RSA wrapping keys).
    public var importParameters: [ImportParametersRecord] = []
    public init() {}
}

/// One change to persisted state. A mutation is a list of these, applied atomically.
public enum StoreChange: Sendable {
    /// Insert or replace a key's metadata and tags.
    case putKey(KeyRecord)
    /// Add a version of a key's material (never replaced).
    case addVersion(KeyVersionRecord)
    /// Destroy a key: metadata, every version's material, tags and aliases.
    case destroyKey(id: String, at: Timestamp)
    /// Delete every version of a key's material, keeping the key (imported material
    /// deleted or expired; the same material may be imported again).
    case deleteVersions(keyId: String)
    /// Store one set of import parameters.
    case putImportParameters(ImportParametersRecord)
    /// Delete one set of import parameters (used or expired).
    case deleteImportParameters(id: String)
    case putAlias(AliasRecord)
    case deleteAlias(name: String)
    case putPrincipal(PrincipalRecord)
    case putAccessKey(AccessKeyRecord)
    case putSetting(name: String, value: String)
    case deletePrincipal(id: String)
    case deleteAccessKey(id: String)
    case putRole(RoleRecord)
    case deleteRole(name: String)
    case putBinding(BindingRecord)
    case deleteBinding(id: String)
    case putGrant(GrantRecord)
    case deleteGrant(id: String)
    case putKeyPolicy(keyId: String, policy: String)
    case recordAccessKeyUse(id: String, at: Timestamp)
}

/// Persistence for keys, aliases and credentials.
///
/// `commit` applies every change or none, and returns only once the changes are
/// durable. Implementations: `SQLiteKeyStore` (the default) and `MemoryKeyStore`.
public protocol KeyStore: Sendable {
    func load() throws -> StoreSnapshot
    func commit(_ changes: [StoreChange]) throws
    /// Whether a write could be committed now (readiness).
    func isWritable() -> Bool
}

extension KeyStore {
    public func isWritable() -> Bool { (try? commit([])) != nil }
}
