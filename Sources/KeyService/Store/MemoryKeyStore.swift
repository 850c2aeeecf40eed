import Synchronization

/// A `KeyStore` in memory, for tests and ephemeral servers.
public final class MemoryKeyStore: KeyStore {
    private let state = Mutex(StoreSnapshot())

    public init() {}

    public func load() throws -> StoreSnapshot { state.withLock { $0 } }

    public func commit(_ changes: [StoreChange]) throws {
        state.withLock { snapshot in
            var next = snapshot
            for change in changes { Self.apply(change, to: &next) }
            snapshot = next
        }
    }

    static func apply(_ change: StoreChange, to snapshot: inout StoreSnapshot) {
        switch change {
        case .putKey(let key):
            if let index = snapshot.keys.firstIndex(where: { $0.id == key.id }) {
                snapshot.keys[index] = key
            } else {
                snapshot.keys.append(key)
            }
        case .addVersion(let version):
            snapshot.versions.append(version)
        case .destroyKey(let id, _):
            snapshot.destroyedKeys.insert(id)
            snapshot.keys.removeAll { $0.id == id }
            snapshot.versions.removeAll { $0.keyId == id }
            snapshot.aliases.removeAll { $0.targetKeyId == id }
            snapshot.grants.removeAll { $0.keyId == id }
            snapshot.keyPolicies[id] = nil
            snapshot.importParameters.removeAll { $0.keyId == id }
        case .deleteVersions(let keyId):
            snapshot.versions.removeAll { $0.keyId == keyId }
        case .putImportParameters(let parameters):
            snapshot.importParameters.removeAll { $0.id == parameters.id }
            snapshot.importParameters.append(parameters)
        case .deleteImportParameters(let id):
            snapshot.importParameters.removeAll { $0.id == id }
        case .putAlias(let alias):
            snapshot.aliases.removeAll { $0.name == alias.name }
            snapshot.aliases.append(alias)
        case .deleteAlias(let name):
            snapshot.aliases.removeAll { $0.name == name }
        case .putPrincipal(let principal):
            snapshot.principals.removeAll { $0.id == principal.id }
            snapshot.principals.append(principal)
        case .putAccessKey(let accessKey):
            snapshot.accessKeys.removeAll { $0.id == accessKey.id }
            snapshot.accessKeys.append(accessKey)
        case .putSetting(let name, let value):
            snapshot.settings[name] = value
        case .deletePrincipal(let id):
            snapshot.principals.removeAll { $0.id == id }
            snapshot.accessKeys.removeAll { $0.principalId == id }
            snapshot.bindings.removeAll { $0.principalId == id }
        case .deleteAccessKey(let id):
            snapshot.accessKeys.removeAll { $0.id == id }
        case .putRole(let role):
            snapshot.roles.removeAll { $0.name == role.name }
            snapshot.roles.append(role)
        case .deleteRole(let name):
            snapshot.roles.removeAll { $0.name == name }
        case .putBinding(let binding):
            snapshot.bindings.removeAll { $0.id == binding.id }
            snapshot.bindings.append(binding)
        case .deleteBinding(let id):
            snapshot.bindings.removeAll { $0.id == id }
        case .putGrant(let grant):
            snapshot.grants.removeAll { $0.id == grant.id }
            snapshot.grants.append(grant)
        case .deleteGrant(let id):
            snapshot.grants.removeAll { $0.id == id }
        case .putKeyPolicy(let keyId, let policy):
            snapshot.keyPolicies[keyId] = policy
        case .recordAccessKeyUse(let id, let at):
            snapshot.accessKeyLastUsed[id] = at
        }
    }
}

/// A store that fails on demand, to prove that a failed write changes nothing.
public final class FailingKeyStore: KeyStore {
    public let base: any KeyStore
    private let failing = Mutex(false)

    public init(base: any KeyStore) { self.base = base }

    public func setFailing(_ value: Bool) { failing.withLock { $0 = value } }

    public func load() throws -> StoreSnapshot { try base.load() }

    public func commit(_ changes: [StoreChange]) throws {
        if failing.withLock({ $0 }) { throw SQLiteError(code: 10, message: "injected I/O failure") }
        try base.commit(changes)
    }
}
