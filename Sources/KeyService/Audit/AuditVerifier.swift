import Foundation
import KeyCrypto

/// The result of checking an audit log.
public struct AuditVerification: Sendable, Codable, Equatable {
    public var ok: Bool
    public var recordsChecked: Int
    public var checkpointsChecked: Int
    public var firstSequence: Int64?
    public var lastSequence: Int64?
    /// The first sequence number at which something is wrong.
    public var firstBadSequence: Int64?
    public var problem: String?
}

/// Checks every record's hash against the chain, every checkpoint's signature and
/// hash, and (given an anchor saved elsewhere) that the log still reaches it.
///
/// Detects an edited record (its hash, or a later checkpoint, no longer matches),
/// a deleted one (a gap in the sequence), two swapped (hashes), a forged
/// checkpoint (signature), records removed from the start without a signed prune
/// statement, a field edited to a value that cannot be read, and, with an anchor,
/// a truncated tail.
public enum AuditVerifier {
    public static func verify(databasePath path: String, publicKey: AsymmetricPublicKey, anchor: AuditCheckpoint? = nil) throws -> AuditVerification {
        let db = try SQLiteConnection(path: path, readOnly: true)
        return try verify(db, publicKey: publicKey, anchor: anchor)
    }

    static func verify(_ db: SQLiteConnection, publicKey: AsymmetricPublicKey, anchor: AuditCheckpoint?) throws -> AuditVerification {
        var report = AuditVerification(ok: true, recordsChecked: 0, checkpointsChecked: 0)
        func fail(_ sequence: Int64?, _ problem: String) -> AuditVerification {
            report.ok = false
            report.firstBadSequence = sequence
            report.problem = problem
            return report
        }
        func signatureValid(_ checkpoint: AuditCheckpoint) -> Bool {
            guard let hash = Hex.decode(checkpoint.chainHash), let signature = Base64.decode(checkpoint.signature) else { return false }
            let message = AuditCheckpoint.signedBytes(sequence: checkpoint.sequence, chainHash: hash, time: checkpoint.time)
            return (try? publicKey.isValidSignature(signature, message: message, digest: .sha256)) ?? false
        }

        var checkpoints = try AuditSchema.checkpoints(db)
        for checkpoint in checkpoints where !signatureValid(checkpoint) {
            return fail(checkpoint.sequence, "checkpoint at \(checkpoint.sequence) has an invalid signature")
        }
        var previous = AuditRecord.genesisHash
        var expected: Int64 = 1
        if let pruned = try AuditSchema.pruneAnchor(db) {
            guard signatureValid(pruned), let hash = Hex.decode(pruned.chainHash) else {
                return fail(pruned.sequence, "the pruning anchor has an invalid signature")
            }
            guard let statement = try AuditSchema.pruneStatement(db).flatMap(Base64.decode),
                  (try? publicKey.isValidSignature(statement, message: pruned.pruneStatementBytes, digest: .sha256)) == true else {
                return fail(1, "records 1…\(pruned.sequence) are missing and no signed prune statement vouches for their removal")
            }
            previous = hash
            expected = pruned.sequence + 1
        }
        // Checkpoints up to the pruning anchor vouch for records that are gone (the anchor itself was checked above).
        checkpoints.removeAll { $0.sequence < expected }
        var checkpointIndex = 0
        let rows = try db.prepare("SELECT \(AuditSchema.recordColumns) FROM records ORDER BY seq")
        while try rows.step() {
            let readable = try? AuditSchema.readRecord(rows)
            guard let (record, stored) = readable else {
                let sequence = rows.int64(0)
                return fail(sequence, "record \(sequence) cannot be read: a field holds a value the service never writes")
            }
            if report.firstSequence == nil { report.firstSequence = record.sequence }
            guard record.sequence == expected else {
                return fail(expected, record.sequence > expected ? "records \(expected)…\(record.sequence - 1) are missing" : "record \(record.sequence) is out of order")
            }
            let hash = record.chainHash(previous: previous)
            guard constantTimeEquals(hash, stored) else { return fail(record.sequence, "record \(record.sequence) does not match its hash") }
            while checkpointIndex < checkpoints.count && checkpoints[checkpointIndex].sequence <= record.sequence {
                let checkpoint = checkpoints[checkpointIndex]
                if checkpoint.sequence == record.sequence {
                    guard Hex.encode(hash) == checkpoint.chainHash else {
                        return fail(record.sequence, "the chain at \(record.sequence) does not match its signed checkpoint")
                    }
                    report.checkpointsChecked += 1
                }
                checkpointIndex += 1
            }
            previous = hash
            expected += 1
            report.recordsChecked += 1
            report.lastSequence = record.sequence
        }
        if checkpointIndex < checkpoints.count {
            return fail(expected, "signed checkpoint \(checkpoints[checkpointIndex].sequence) is beyond the last record: records were removed from the end")
        }
        if let anchor {
            guard signatureValid(anchor) else { return fail(anchor.sequence, "the anchor's signature is not valid for this log's key") }
            let last = report.lastSequence ?? (expected - 1)
            guard last >= anchor.sequence else {
                return fail(last + 1, "the log ends at \(last) but the anchor vouches for \(anchor.sequence): the tail was truncated")
            }
            let at = try db.prepare("SELECT hash FROM records WHERE seq = ?").bind([.int(anchor.sequence)])
            if try at.step() {
                guard Hex.encode(at.blob(0)) == anchor.chainHash else {
                    return fail(anchor.sequence, "the chain at \(anchor.sequence) differs from the anchor")
                }
            }
        }
        return report
    }
}
