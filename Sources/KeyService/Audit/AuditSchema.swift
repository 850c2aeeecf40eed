import Foundation
import KeyCrypto

/// The audit database: records, checkpoints and the pruning anchor.
enum AuditSchema {
    static let migrations: [String] = [
        """
        CREATE TABLE records (
            seq INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            request_id TEXT NOT NULL,
            principal_id TEXT,
            principal_name TEXT,
            access_key_id TEXT,
            source_address TEXT,
            user_agent TEXT,
            api TEXT NOT NULL,
            action TEXT NOT NULL,
            key_id TEXT,
            key_version INTEGER,
            key_reference TEXT,
            encryption_context TEXT,
            grant_id TEXT,
            outcome TEXT NOT NULL,
            error_code TEXT,
            reason TEXT,
            hash BLOB NOT NULL
        );
        CREATE INDEX records_by_time ON records(time);
        CREATE INDEX records_by_principal ON records(principal_name, seq);
        CREATE INDEX records_by_key ON records(key_id, seq);
        CREATE TABLE checkpoints (
            seq INTEGER PRIMARY KEY,
            chain_hash TEXT NOT NULL,
            time INTEGER NOT NULL,
            signature TEXT NOT NULL
        );
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ]

    static func migrate(_ db: SQLiteConnection) throws {
        let current = try db.userVersion
        guard current <= migrations.count else {
            throw SQLiteError(code: 1, message: "audit schema \(current) is newer than this build (\(migrations.count))")
        }
        for (index, sql) in migrations.enumerated() where index >= current {
            try db.transaction {
                try db.execute(sql)
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    /// The newest record's sequence and hash, and the newest checkpoint's sequence
    /// (after pruning, the anchor stands in for the records before it).
    static func tail(_ db: SQLiteConnection) throws -> (sequence: Int64, hash: [UInt8], checkpointSequence: Int64) {
        let last = try db.prepare("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1")
        var sequence: Int64 = 0
        var hash = AuditRecord.genesisHash
        if try last.step() {
            sequence = last.int64(0)
            hash = last.blob(1)
        } else if let anchor = try pruneAnchor(db) {
            sequence = anchor.sequence
            hash = Hex.decode(anchor.chainHash) ?? AuditRecord.genesisHash
        }
        let checkpoint = try db.prepare("SELECT MAX(seq) FROM checkpoints")
        _ = try checkpoint.step()
        return (sequence, hash, checkpoint.optionalInt64(0) ?? 0)
    }

    /// The record insert (the writer prepares it once and keeps it).
    static func prepareInsert(_ db: SQLiteConnection) throws -> SQLiteStatement {
        try db.prepare("""
            INSERT INTO records (seq, time, request_id, principal_id, principal_name, access_key_id, source_address,
                user_agent, api, action, key_id, key_version, key_reference, encryption_context, grant_id, outcome,
                error_code, reason, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    static func insert(_ record: AuditRecord, hash: [UInt8], _ db: SQLiteConnection) throws {
        try insert(record, hash: hash, using: prepareInsert(db))
    }

    static func insert(_ record: AuditRecord, hash: [UInt8], using statement: SQLiteStatement) throws {
        func text(_ value: String?) -> SQLiteStatement.Value { value.map { .text($0) } ?? .null }
        try statement.run([
                .int(record.sequence), .int(record.time), .text(record.requestId), text(record.principalId),
                text(record.principalName), text(record.accessKeyId), text(record.sourceAddress), text(record.userAgent),
                .text(record.api), .text(record.action), text(record.keyId), record.keyVersion.map { .int(Int64($0)) } ?? .null,
                text(record.keyReference), record.encryptionContext.map { .text(JSONWriter.sortedObject($0)) } ?? .null,
                text(record.grantId), .text(record.outcome.rawValue), text(record.errorCode), text(record.reason), .blob(hash),
            ])
    }

    static func insert(_ checkpoint: AuditCheckpoint, _ db: SQLiteConnection) throws {
        try db.prepare("INSERT OR REPLACE INTO checkpoints (seq, chain_hash, time, signature) VALUES (?, ?, ?, ?)")
            .run([.int(checkpoint.sequence), .text(checkpoint.chainHash), .int(checkpoint.time), .text(checkpoint.signature)])
    }

    static let recordColumns = """
        seq, time, request_id, principal_id, principal_name, access_key_id, source_address, user_agent, api, action,
        key_id, key_version, key_reference, encryption_context, grant_id, outcome, error_code, reason, hash
        """

    static func readRecord(_ row: SQLiteStatement) throws -> (AuditRecord, [UInt8]) {
        guard let outcome = AuditOutcome(rawValue: row.text(15)) else { throw SQLiteError(code: 11, message: "unreadable audit outcome") }
        let record = AuditRecord(
            sequence: row.int64(0), time: row.int64(1), requestId: row.text(2), principalId: row.optionalText(3),
            principalName: row.optionalText(4), accessKeyId: row.optionalText(5), sourceAddress: row.optionalText(6),
            userAgent: row.optionalText(7), api: row.text(8), action: row.text(9), keyId: row.optionalText(10),
            keyVersion: row.optionalInt64(11).map { Int($0) }, keyReference: row.optionalText(12),
            encryptionContext: try row.optionalText(13).map { try JSONColumn.decode([String: String].self, $0) },
            grantId: row.optionalText(14), outcome: outcome, errorCode: row.optionalText(16), reason: row.optionalText(17))
        return (record, row.blob(18))
    }

    static func checkpoints(_ db: SQLiteConnection) throws -> [AuditCheckpoint] {
        let rows = try db.prepare("SELECT seq, chain_hash, time, signature FROM checkpoints ORDER BY seq")
        var out: [AuditCheckpoint] = []
        while try rows.step() {
            out.append(AuditCheckpoint(sequence: rows.int64(0), chainHash: rows.text(1), time: rows.int64(2), signature: rows.text(3)))
        }
        return out
    }

    /// After pruning: the signature of the prune statement (base64), which vouches for the anchor.
    static func pruneStatement(_ db: SQLiteConnection) throws -> String? {
        let row = try db.prepare("SELECT value FROM meta WHERE name = 'prune_statement'")
        guard try row.step() else { return nil }
        return row.text(0)
    }

    /// After pruning: the checkpoint the remaining chain starts from.
    static func pruneAnchor(_ db: SQLiteConnection) throws -> AuditCheckpoint? {
        let row = try db.prepare("SELECT value FROM meta WHERE name = 'prune_anchor'")
        guard try row.step() else { return nil }
        return try JSONColumn.decode(AuditCheckpoint.self, row.text(0))
    }
}
