import KeyCrypto

/// Reading and writing import parameters (migration 3's `import_parameters`).
extension SQLiteKeyStore {
    static func loadImportParameters(_ db: SQLiteConnection) throws -> [ImportParametersRecord] {
        var records: [ImportParametersRecord] = []
        let rows = try db.prepare("""
            SELECT id, key_id, wrapping_algorithm, wrapping_key_spec, wrapped_private_key, created_at, expires_at
            FROM import_parameters ORDER BY id
            """)
        while try rows.step() {
            guard let algorithm = ImportWrappingAlgorithm(rawValue: rows.text(2)), let spec = KeySpec(rawValue: rows.text(3)) else {
                throw SQLiteError(code: 11, message: "unreadable import parameters row")
            }
            records.append(ImportParametersRecord(
                id: rows.text(0), keyId: rows.text(1), wrappingAlgorithm: algorithm, wrappingKeySpec: spec,
                wrappedPrivateKey: rows.blob(4), createdAt: Timestamp(microseconds: rows.int64(5)),
                expiresAt: Timestamp(microseconds: rows.int64(6))))
        }
        return records
    }

    static func insertImportParameters(_ parameters: ImportParametersRecord, _ db: SQLiteConnection) throws {
        try db.prepare("""
            INSERT INTO import_parameters (id, key_id, wrapping_algorithm, wrapping_key_spec, wrapped_private_key, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).run([
                .text(parameters.id), .text(parameters.keyId), .text(parameters.wrappingAlgorithm.rawValue),
                .text(parameters.wrappingKeySpec.rawValue), .blob(parameters.wrappedPrivateKey),
                .int(parameters.createdAt.microseconds), .int(parameters.expiresAt.microseconds),
            ])
    }
}
