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

    init(_ snapshot: StoreSnapshot) {
        for key in snapshot.keys { keys[key.id] = KeyEntry(record: key, versions: [:]) }
        for version in snapshot.versions { keys[version.keyId]?.versions[version.version] = version }
        for alias in snapshot.aliases { aliases[alias.name] = alias }
        for principal in snapshot.principals { principals[principal.id] = principal }
        for accessKey in snapshot.accessKeys { accessKeys[accessKey.id] = accessKey }
        settings = snapshot.settings
        destroyedKeys = snapshot.destroyedKeys
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
        }
    }

    /// Resolves a parsed reference to a key entry.
    func entry(for reference: KeyReference) -> KeyEntry? {
        switch reference {
        case .keyId(let id): keys[id]
        case .aliasName(let name): aliases[name].flatMap { keys[$0.targetKeyId] }
        }
    }
}
