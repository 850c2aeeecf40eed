import Foundation

/// Numbered schema migrations. Each runs once, in order, in its own transaction;
/// `PRAGMA user_version` records how far a database has come. Never edit a
/// released migration: add the next one.
enum Migrations {
    static let all: [String] = [
        // 1: keys, versions, tags, aliases, principals, access keys, settings.
        """
        CREATE TABLE keys (
            id TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            description TEXT NOT NULL,
            state TEXT NOT NULL,
            usage TEXT NOT NULL,
            spec TEXT NOT NULL,
            origin TEXT NOT NULL,
            rotation_enabled INTEGER NOT NULL,
            rotation_period_days INTEGER,
            next_rotation_at INTEGER,
            deletion_at INTEGER,
            latest_version INTEGER NOT NULL
        );
        CREATE TABLE key_versions (
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            rotation_type TEXT NOT NULL,
            wrapped_material BLOB NOT NULL,
            PRIMARY KEY (key_id, version)
        );
        CREATE TABLE key_tags (
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            tag_key TEXT NOT NULL,
            tag_value TEXT NOT NULL,
            PRIMARY KEY (key_id, tag_key)
        );
        CREATE TABLE aliases (
            name TEXT PRIMARY KEY,
            target_key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX aliases_by_target ON aliases(target_key_id);
        CREATE TABLE principals (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE access_keys (
            id TEXT PRIMARY KEY,
            principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
            wrapped_secret BLOB NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE destroyed_keys (id TEXT PRIMARY KEY, destroyed_at INTEGER NOT NULL);
        """,
        // 2: roles, bindings, grants, key policies, last use of access keys.
        """
        CREATE TABLE roles (name TEXT PRIMARY KEY, description TEXT NOT NULL, actions TEXT NOT NULL);
        CREATE TABLE bindings (
            id TEXT PRIMARY KEY,
            principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            scope TEXT NOT NULL,
            conditions TEXT NOT NULL,
            effect TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX bindings_by_principal ON bindings(principal_id);
        CREATE TABLE grants (
            id TEXT PRIMARY KEY,
            token TEXT NOT NULL UNIQUE,
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            name TEXT,
            grantee_principal_id TEXT NOT NULL,
            retiring_principal_id TEXT,
            issuing_principal_id TEXT NOT NULL,
            operations TEXT NOT NULL,
            context_equals TEXT,
            context_subset TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX grants_by_key ON grants(key_id);
        CREATE TABLE key_policies (
            key_id TEXT PRIMARY KEY REFERENCES keys(id) ON DELETE CASCADE,
            policy TEXT NOT NULL
        );
        ALTER TABLE access_keys ADD COLUMN last_used_at INTEGER;
        """,
        // 3: imported key material (expiration, the keyed fingerprint that binds a key
        // to its material for life) and the one-time import parameters, whose RSA
        // wrapping private keys are stored only wrapped under the root key.
        """
        ALTER TABLE keys ADD COLUMN expiration_model TEXT;
        ALTER TABLE keys ADD COLUMN valid_to INTEGER;
        ALTER TABLE keys ADD COLUMN material_fingerprint BLOB;
        CREATE TABLE import_parameters (
            id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            wrapping_algorithm TEXT NOT NULL,
            wrapping_key_spec TEXT NOT NULL,
            wrapped_private_key BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX import_parameters_by_key ON import_parameters(key_id);
        """,
        // 4: a client certificate bound to a principal (mTLS as a second factor):
        // the SHA-256 of the certificate's DER as 64 lowercase hex digits, or NULL.
        """
        ALTER TABLE principals ADD COLUMN client_certificate_sha256 TEXT
            CHECK (client_certificate_sha256 IS NULL
                   OR (length(client_certificate_sha256) = 64 AND client_certificate_sha256 NOT GLOB '*[^0-9a-f]*'));
        """,
    ]

    static func migrate(_ db: SQLiteConnection) throws {
        // Overwrite deleted content (destroyed key material) instead of leaving it in free pages.
        try db.execute("PRAGMA secure_delete=ON")
        let current = try db.userVersion
        guard current <= all.count else {
            throw SQLiteError(code: 1, message: "database schema \(current) is newer than this build (\(all.count))")
        }
        for (index, sql) in all.enumerated() where index >= current {
            try db.transaction {
                try db.execute(sql)
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}

/// JSON-encoded columns for small structured values (scopes, conditions, action sets).
enum JSONColumn {
    private static let encoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()

    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw SQLiteError(code: 11, message: "unreadable JSON column for \(type)")
        }
    }
}
