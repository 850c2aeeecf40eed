import Foundation
import Synchronization

/// The default `KeyStore`: one SQLite database file, WAL mode, foreign keys on,
/// `synchronous=FULL` so that a committed change survives power loss.
public final class SQLiteKeyStore: KeyStore {
    private let connection: Mutex<SQLiteConnectionBox>

    struct SQLiteConnectionBox: ~Copyable {
        let connection: SQLiteConnection
    }

    /// Opens (creating if needed) the database at `path` and migrates it to the newest schema.
    public init(path: String) throws {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("PRAGMA synchronous=FULL")
        try connection.execute("PRAGMA foreign_keys=ON")
        try Migrations.migrate(connection)
        self.connection = Mutex(SQLiteConnectionBox(connection: connection))
    }

    /// The schema version this database is at.
    public func schemaVersion() throws -> Int {
        try connection.withLock { box throws in try box.connection.userVersion }
    }

    public func load() throws -> StoreSnapshot {
        try connection.withLock { box throws in
            let db = box.connection
            var snapshot = StoreSnapshot()
            var tags: [String: [Tag]] = [:]
            let tagRows = try db.prepare("SELECT key_id, tag_key, tag_value FROM key_tags ORDER BY key_id, tag_key")
            while try tagRows.step() {
                tags[tagRows.text(0), default: []].append(Tag(key: tagRows.text(1), value: tagRows.text(2)))
            }
            let keyRows = try db.prepare("""
                SELECT id, created_at, description, state, usage, spec, origin, rotation_enabled,
                       rotation_period_days, next_rotation_at, deletion_at, latest_version,
                       expiration_model, valid_to, material_fingerprint FROM keys ORDER BY id
                """)
            while try keyRows.step() {
                guard let state = KeyState(rawValue: keyRows.text(3)), let usage = KeyUsage(rawValue: keyRows.text(4)),
                      let spec = KeySpec(rawValue: keyRows.text(5)), let origin = KeyOrigin(rawValue: keyRows.text(6))
                else { throw SQLiteError(code: 11, message: "unreadable key row") }
                let expiration = try keyRows.optionalText(12).map { name in
                    guard let model = ExpirationModel(rawValue: name) else { throw SQLiteError(code: 11, message: "unreadable key row") }
                    return model
                }
                let id = keyRows.text(0)
                snapshot.keys.append(KeyRecord(
                    id: id, createdAt: Timestamp(microseconds: keyRows.int64(1)), description: keyRows.text(2),
                    state: state, usage: usage, spec: spec, origin: origin, rotationEnabled: keyRows.int(7) != 0,
                    rotationPeriodDays: keyRows.optionalInt64(8).map { Int($0) },
                    nextRotationAt: keyRows.optionalInt64(9).map(Timestamp.init(microseconds:)),
                    deletionAt: keyRows.optionalInt64(10).map(Timestamp.init(microseconds:)),
                    latestVersion: keyRows.int(11), tags: tags[id] ?? [], expirationModel: expiration,
                    validTo: keyRows.optionalInt64(13).map(Timestamp.init(microseconds:)),
                    materialFingerprint: keyRows.optionalBlob(14)))
            }
            let versionRows = try db.prepare(
                "SELECT key_id, version, created_at, rotation_type, wrapped_material FROM key_versions ORDER BY key_id, version")
            while try versionRows.step() {
                guard let type = RotationType(rawValue: versionRows.text(3)) else {
                    throw SQLiteError(code: 11, message: "unreadable key version row")
                }
                snapshot.versions.append(KeyVersionRecord(
                    keyId: versionRows.text(0), version: versionRows.int(1),
                    createdAt: Timestamp(microseconds: versionRows.int64(2)), rotationType: type,
                    wrappedMaterial: versionRows.blob(4)))
            }
            let aliasRows = try db.prepare("SELECT name, target_key_id, created_at, updated_at FROM aliases ORDER BY name")
            while try aliasRows.step() {
                snapshot.aliases.append(AliasRecord(
                    name: aliasRows.text(0), targetKeyId: aliasRows.text(1),
                    createdAt: Timestamp(microseconds: aliasRows.int64(2)), updatedAt: Timestamp(microseconds: aliasRows.int64(3))))
            }
            let principalRows = try db.prepare(
                "SELECT id, name, kind, enabled, created_at, client_certificate_sha256 FROM principals ORDER BY name")
            while try principalRows.step() {
                guard let kind = PrincipalRecord.Kind(rawValue: principalRows.text(2)) else {
                    throw SQLiteError(code: 11, message: "unreadable principal row")
                }
                snapshot.principals.append(PrincipalRecord(
                    id: principalRows.text(0), name: principalRows.text(1), kind: kind, enabled: principalRows.int(3) != 0,
                    createdAt: Timestamp(microseconds: principalRows.int64(4)), clientCertificateFingerprint: principalRows.optionalText(5)))
            }
            let accessKeyRows = try db.prepare("SELECT id, principal_id, wrapped_secret, status, created_at FROM access_keys ORDER BY id")
            while try accessKeyRows.step() {
                guard let status = AccessKeyRecord.Status(rawValue: accessKeyRows.text(3)) else {
                    throw SQLiteError(code: 11, message: "unreadable access key row")
                }
                snapshot.accessKeys.append(AccessKeyRecord(
                    id: accessKeyRows.text(0), principalId: accessKeyRows.text(1), wrappedSecret: accessKeyRows.blob(2),
                    status: status, createdAt: Timestamp(microseconds: accessKeyRows.int64(4))))
            }
            let settingRows = try db.prepare("SELECT name, value FROM settings")
            while try settingRows.step() { snapshot.settings[settingRows.text(0)] = settingRows.text(1) }
            let destroyedRows = try db.prepare("SELECT id FROM destroyed_keys")
            while try destroyedRows.step() { snapshot.destroyedKeys.insert(destroyedRows.text(0)) }
            let roleRows = try db.prepare("SELECT name, description, actions FROM roles ORDER BY name")
            while try roleRows.step() {
                snapshot.roles.append(RoleRecord(
                    name: roleRows.text(0), description: roleRows.text(1), actions: try JSONColumn.decode(Set<Action>.self, roleRows.text(2))))
            }
            let bindingRows = try db.prepare("SELECT id, principal_id, role, scope, conditions, effect, created_at FROM bindings ORDER BY created_at, id")
            while try bindingRows.step() {
                guard let effect = BindingRecord.Effect(rawValue: bindingRows.text(5)) else {
                    throw SQLiteError(code: 11, message: "unreadable binding row")
                }
                snapshot.bindings.append(BindingRecord(
                    id: bindingRows.text(0), principalId: bindingRows.text(1), role: bindingRows.text(2),
                    scope: try JSONColumn.decode(BindingScope.self, bindingRows.text(3)),
                    conditions: try JSONColumn.decode([ContextCondition].self, bindingRows.text(4)),
                    effect: effect, createdAt: Timestamp(microseconds: bindingRows.int64(6))))
            }
            let grantRows = try db.prepare("""
                SELECT id, token, key_id, name, grantee_principal_id, retiring_principal_id, issuing_principal_id,
                       operations, context_equals, context_subset, created_at FROM grants ORDER BY created_at, id
                """)
            while try grantRows.step() {
                snapshot.grants.append(GrantRecord(
                    id: grantRows.text(0), token: grantRows.text(1), keyId: grantRows.text(2),
                    name: grantRows.optionalText(3), granteePrincipalId: grantRows.text(4),
                    retiringPrincipalId: grantRows.optionalText(5), issuingPrincipalId: grantRows.text(6),
                    operations: try JSONColumn.decode(Set<Action>.self, grantRows.text(7)),
                    contextEquals: try grantRows.optionalText(8).map { try JSONColumn.decode([String: String].self, $0) },
                    contextSubset: try grantRows.optionalText(9).map { try JSONColumn.decode([String: String].self, $0) },
                    createdAt: Timestamp(microseconds: grantRows.int64(10))))
            }
            let policyRows = try db.prepare("SELECT key_id, policy FROM key_policies")
            while try policyRows.step() { snapshot.keyPolicies[policyRows.text(0)] = policyRows.text(1) }
            let usageRows = try db.prepare("SELECT id, last_used_at FROM access_keys WHERE last_used_at IS NOT NULL")
            while try usageRows.step() { snapshot.accessKeyLastUsed[usageRows.text(0)] = Timestamp(microseconds: usageRows.int64(1)) }
            snapshot.importParameters = try Self.loadImportParameters(db)
            return snapshot
        }
    }

    /// Commits a one-row write (readiness probes call it): fails if the database file
    /// cannot be written — a full disk included, which a rolled-back or temporary
    /// write would never notice. The probe table is scratch, outside the schema's
    /// migrations, and holds one row.
    public func isWritable() -> Bool {
        connection.withLock { box in
            (try? box.connection.execute("""
                CREATE TABLE IF NOT EXISTS readiness_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
                INSERT OR REPLACE INTO readiness_probe (id, at) VALUES (1, CAST(strftime('%s', 'now') AS INTEGER));
                """)) != nil
        }
    }

    public func commit(_ changes: [StoreChange]) throws {
        try connection.withLock { box throws in
            let db = box.connection
            try db.transaction {
                for change in changes { try Self.apply(change, db) }
            }
        }
    }

    private static func apply(_ change: StoreChange, _ db: SQLiteConnection) throws {
        func time(_ t: Timestamp?) -> SQLiteStatement.Value { t.map { .int($0.microseconds) } ?? .null }
        switch change {
        case .putKey(let key):
            try db.prepare("""
                INSERT INTO keys (id, created_at, description, state, usage, spec, origin, rotation_enabled,
                                  rotation_period_days, next_rotation_at, deletion_at, latest_version,
                                  expiration_model, valid_to, material_fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET description = excluded.description, state = excluded.state,
                    rotation_enabled = excluded.rotation_enabled, rotation_period_days = excluded.rotation_period_days,
                    next_rotation_at = excluded.next_rotation_at, deletion_at = excluded.deletion_at,
                    latest_version = excluded.latest_version, expiration_model = excluded.expiration_model,
                    valid_to = excluded.valid_to, material_fingerprint = excluded.material_fingerprint
                """).run([
                    .text(key.id), .int(key.createdAt.microseconds), .text(key.description), .text(key.state.rawValue),
                    .text(key.usage.rawValue), .text(key.spec.rawValue), .text(key.origin.rawValue),
                    .int(key.rotationEnabled ? 1 : 0), key.rotationPeriodDays.map { .int(Int64($0)) } ?? .null,
                    time(key.nextRotationAt), time(key.deletionAt), .int(Int64(key.latestVersion)),
                    key.expirationModel.map { .text($0.rawValue) } ?? .null, time(key.validTo),
                    key.materialFingerprint.map { .blob($0) } ?? .null,
                ])
            try db.prepare("DELETE FROM key_tags WHERE key_id = ?").run([.text(key.id)])
            let insertTag = try db.prepare("INSERT INTO key_tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)")
            for tag in key.tags { try insertTag.run([.text(key.id), .text(tag.key), .text(tag.value)]) }
        case .addVersion(let version):
            try db.prepare("""
                INSERT INTO key_versions (key_id, version, created_at, rotation_type, wrapped_material) VALUES (?, ?, ?, ?, ?)
                """).run([.text(version.keyId), .int(Int64(version.version)), .int(version.createdAt.microseconds),
                          .text(version.rotationType.rawValue), .blob(version.wrappedMaterial)])
        case .destroyKey(let id, let at):
            // Cascades to versions, tags and aliases. secure_delete overwrites the freed pages.
            try db.prepare("DELETE FROM keys WHERE id = ?").run([.text(id)])
            try db.prepare("INSERT OR IGNORE INTO destroyed_keys (id, destroyed_at) VALUES (?, ?)").run([.text(id), .int(at.microseconds)])
        case .deleteVersions(let keyId):
            // secure_delete overwrites the freed pages of the wrapped material.
            try db.prepare("DELETE FROM key_versions WHERE key_id = ?").run([.text(keyId)])
        case .putImportParameters(let parameters):
            try Self.insertImportParameters(parameters, db)
        case .deleteImportParameters(let id):
            try db.prepare("DELETE FROM import_parameters WHERE id = ?").run([.text(id)])
        case .putAlias(let alias):
            try db.prepare("""
                INSERT INTO aliases (name, target_key_id, created_at, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET target_key_id = excluded.target_key_id, updated_at = excluded.updated_at
                """).run([.text(alias.name), .text(alias.targetKeyId), .int(alias.createdAt.microseconds), .int(alias.updatedAt.microseconds)])
        case .deleteAlias(let name):
            try db.prepare("DELETE FROM aliases WHERE name = ?").run([.text(name)])
        case .putPrincipal(let principal):
            try db.prepare("""
                INSERT INTO principals (id, name, kind, enabled, created_at, client_certificate_sha256) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, enabled = excluded.enabled,
                    client_certificate_sha256 = excluded.client_certificate_sha256
                """).run([.text(principal.id), .text(principal.name), .text(principal.kind.rawValue),
                          .int(principal.enabled ? 1 : 0), .int(principal.createdAt.microseconds),
                          principal.clientCertificateFingerprint.map { .text($0) } ?? .null])
        case .putAccessKey(let accessKey):
            try db.prepare("""
                INSERT INTO access_keys (id, principal_id, wrapped_secret, status, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status
                """).run([.text(accessKey.id), .text(accessKey.principalId), .blob(accessKey.wrappedSecret),
                          .text(accessKey.status.rawValue), .int(accessKey.createdAt.microseconds)])
        case .putSetting(let name, let value):
            try db.prepare("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
                .run([.text(name), .text(value)])
        case .deletePrincipal(let id):
            try db.prepare("DELETE FROM principals WHERE id = ?").run([.text(id)])
        case .deleteAccessKey(let id):
            try db.prepare("DELETE FROM access_keys WHERE id = ?").run([.text(id)])
        case .putRole(let role):
            try db.prepare("""
                INSERT INTO roles (name, description, actions) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET description = excluded.description, actions = excluded.actions
                """).run([.text(role.name), .text(role.description), .text(try JSONColumn.encode(role.actions.map(\.rawValue).sorted()))])
        case .deleteRole(let name):
            try db.prepare("DELETE FROM roles WHERE name = ?").run([.text(name)])
        case .putBinding(let binding):
            try db.prepare("""
                INSERT OR REPLACE INTO bindings (id, principal_id, role, scope, conditions, effect, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).run([.text(binding.id), .text(binding.principalId), .text(binding.role), .text(try JSONColumn.encode(binding.scope)),
                          .text(try JSONColumn.encode(binding.conditions)), .text(binding.effect.rawValue), .int(binding.createdAt.microseconds)])
        case .deleteBinding(let id):
            try db.prepare("DELETE FROM bindings WHERE id = ?").run([.text(id)])
        case .putGrant(let grant):
            try db.prepare("""
                INSERT OR REPLACE INTO grants (id, token, key_id, name, grantee_principal_id, retiring_principal_id,
                    issuing_principal_id, operations, context_equals, context_subset, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([
                    .text(grant.id), .text(grant.token), .text(grant.keyId), grant.name.map { .text($0) } ?? .null,
                    .text(grant.granteePrincipalId), grant.retiringPrincipalId.map { .text($0) } ?? .null,
                    .text(grant.issuingPrincipalId), .text(try JSONColumn.encode(grant.operations.map(\.rawValue).sorted())),
                    try grant.contextEquals.map { .text(try JSONColumn.encode($0)) } ?? .null,
                    try grant.contextSubset.map { .text(try JSONColumn.encode($0)) } ?? .null,
                    .int(grant.createdAt.microseconds),
                ])
        case .deleteGrant(let id):
            try db.prepare("DELETE FROM grants WHERE id = ?").run([.text(id)])
        case .putKeyPolicy(let keyId, let policy):
            try db.prepare("INSERT INTO key_policies (key_id, policy) VALUES (?, ?) ON CONFLICT(key_id) DO UPDATE SET policy = excluded.policy")
                .run([.text(keyId), .text(policy)])
        case .recordAccessKeyUse(let id, let at):
            try db.prepare("UPDATE access_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?").run([.int(at.microseconds), .text(id)])
        }
    }
}
