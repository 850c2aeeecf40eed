/// A key with its versions, as held in memory.
public struct KeyEntry: Sendable {
    public var record: KeyRecord
    public var versions: [Int: KeyVersionRecord]
}

/// The in-memory image of the store, so the hot path never reads the disk.
/// Only changed by applying the same `StoreChange`s the store committed.
struct ServiceState: Sendable {
    var keys: [String: KeyEntry] = [:]
    var aliases: [String: AliasRecord] = [:]
    var principals: [String: PrincipalRecord] = [:]
    var accessKeys: [String: AccessKeyRecord] = [:]
    var settings: [String: String] = [:]
    var destroyedKeys: Set<String> = []
    var roles: [String: RoleRecord] = [:]
    var bindings: [String: BindingRecord] = [:]
    var grants: [String: GrantRecord] = [:]
    var keyPolicies: [String: String] = [:]
    /// The Deny statements of each stored key policy, parsed once.
    var policyDenials: [String: [KeyPolicy.Statement]] = [:]
    var accessKeyLastUsed: [String: Timestamp] = [:]
    /// Outstanding import parameters by token id.
    var importParameters: [String: ImportParametersRecord] = [:]

    init(_ snapshot: StoreSnapshot) {
        keys.reserveCapacity(snapshot.keys.count)
        for key in snapshot.keys { keys[key.id] = KeyEntry(record: key, versions: [:]) }
        for version in snapshot.versions { keys[version.keyId]?.versions[version.version] = version }
        for alias in snapshot.aliases { aliases[alias.name] = alias }
        for principal in snapshot.principals { principals[principal.id] = principal }
        for accessKey in snapshot.accessKeys { accessKeys[accessKey.id] = accessKey }
        settings = snapshot.settings
        destroyedKeys = snapshot.destroyedKeys
        for role in RoleRecord.builtIns { roles[role.name] = role }
        for role in snapshot.roles where roles[role.name] == nil { roles[role.name] = role }
        for binding in snapshot.bindings { bindings[binding.id] = binding }
        for grant in snapshot.grants { grants[grant.id] = grant }
        keyPolicies = snapshot.keyPolicies
        accessKeyLastUsed = snapshot.accessKeyLastUsed
        for parameters in snapshot.importParameters { importParameters[parameters.id] = parameters }
        for (keyId, policy) in keyPolicies { policyDenials[keyId] = KeyPolicy.denyStatements(policy) }
    }

    mutating func apply(_ change: StoreChange) {
        switch change {
        case .putKey(let record):
            if keys[record.id] == nil {
                keys[record.id] = KeyEntry(record: record, versions: [:])
            } else {
                keys[record.id]!.record = record
            }
        case .addVersion(let version):
            keys[version.keyId]?.versions[version.version] = version
        case .destroyKey(let id, _):
            keys[id] = nil
            destroyedKeys.insert(id)
            for (name, alias) in aliases where alias.targetKeyId == id { aliases[name] = nil }
            for (grantId, grant) in grants where grant.keyId == id { grants[grantId] = nil }
            keyPolicies[id] = nil
            policyDenials[id] = nil
            for (tokenId, parameters) in importParameters where parameters.keyId == id { importParameters[tokenId] = nil }
        case .deleteVersions(let keyId):
            keys[keyId]?.versions = [:]
        case .putImportParameters(let parameters):
            importParameters[parameters.id] = parameters
        case .deleteImportParameters(let id):
            importParameters[id] = nil
        case .putAlias(let alias):
            aliases[alias.name] = alias
        case .deleteAlias(let name):
            aliases[name] = nil
        case .putPrincipal(let principal):
            principals[principal.id] = principal
        case .putAccessKey(let accessKey):
            accessKeys[accessKey.id] = accessKey
        case .putSetting(let name, let value):
            settings[name] = value
        case .deletePrincipal(let id):
            principals[id] = nil
            for (keyId, key) in accessKeys where key.principalId == id { accessKeys[keyId] = nil }
            for (bindingId, binding) in bindings where binding.principalId == id { bindings[bindingId] = nil }
        case .deleteAccessKey(let id):
            accessKeys[id] = nil
            accessKeyLastUsed[id] = nil
        case .putRole(let role):
            roles[role.name] = role
        case .deleteRole(let name):
            roles[name] = nil
        case .putBinding(let binding):
            bindings[binding.id] = binding
        case .deleteBinding(let id):
            bindings[id] = nil
        case .putGrant(let grant):
            grants[grant.id] = grant
        case .deleteGrant(let id):
            grants[id] = nil
        case .putKeyPolicy(let keyId, let policy):
            keyPolicies[keyId] = policy
            policyDenials[keyId] = KeyPolicy.denyStatements(policy)
        case .recordAccessKeyUse(let id, let at):
            accessKeyLastUsed[id] = max(accessKeyLastUsed[id] ?? at, at)
        }
    }

    /// The alias names that point at a key.
    func aliasNames(of keyId: String) -> [String] {
        aliases.values.filter { $0.targetKeyId == keyId }.map(\.name)
    }

    /// Principals that hold an unconditional admin binding on all keys, are enabled
    /// and are not denied anything: who could recover the service.
    func effectiveAdministrators() -> Set<String> {
        var result = Set<String>()
        for binding in bindings.values where binding.effect == .allow && binding.role == "admin"
            && binding.scope == .allKeys && binding.conditions.isEmpty {
            guard let principal = principals[binding.principalId], principal.enabled else { continue }
            let denied = bindings.values.contains { $0.principalId == principal.id && $0.effect == .deny }
            let hasActiveKey = accessKeys.values.contains { $0.principalId == principal.id && $0.status == .active }
            if !denied && hasActiveKey { result.insert(principal.id) }
        }
        return result
    }

    /// Resolves a parsed reference to a key entry.
    func entry(for reference: KeyReference) -> KeyEntry? {
        switch reference {
        case .keyId(let id): keys[id]
        case .aliasName(let name): aliases[name].flatMap { keys[$0.targetKeyId] }
        }
    }
}
