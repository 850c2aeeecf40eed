import Dispatch
import Foundation
import KeyCrypto
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The tamper-evident audit log: an append-only SQLite table of records, each
/// chained to the previous by SHA-256, with checkpoints signed by the audit key
/// (ECDSA P-256) every `checkpointEvery` records or `checkpointInterval`.
///
/// `append` returns only once the record is durable (committed with
/// `synchronous=FULL`). Records from concurrent requests are committed together
/// by one writer (group commit), so durability costs one fsync per batch, not per
/// request. If a commit fails the log turns unhealthy, the front doors refuse new
/// requests (fail closed) and the writer retries the unwritten records, in order,
/// until the disk takes them again.
public final class AuditLog: Sendable {
    struct Pending {
        var record: AuditRecord
        var continuation: CheckedContinuation<Void, any Error>?
        /// Where the waiting request runs; it is resumed there (see `append`).
        var eventLoop: (any EventLoop)? = nil
    }

    struct WriterState {
        var pending: [Pending] = []
        var writing = false
        var healthy = true
        var lastSequence: Int64 = 0
        var lastHash: [UInt8] = AuditRecord.genesisHash
        var sinceCheckpoint = 0
        var lastCheckpointTime: Int64 = 0
        var checkpointRequested = false
        /// Records `enqueue` could not keep (the queue was full), written down as a count.
        var lost = 0
        /// Records of the batch being written: still held, so they count against `maxPending`.
        var inFlight = 0
        /// Records held and not yet durable.
        var held: Int { pending.count + inFlight }
    }

    /// How many records the log holds before they are durable (the pending queue and the
    /// batch being written). Beyond it `append` fails and `enqueue` counts the record as lost.
    let maxPending: Int

    let connection: AuditDatabase
    /// Reads (queries, the latest checkpoint, online verification) use a connection
    /// of their own, so a long read never holds up the writer: under WAL a reader
    /// sees a snapshot while commits go on. nil for an in-memory log (tests),
    /// which reads through the writer's connection.
    let reader: AuditDatabase?
    private let writer = Mutex(WriterState())
    private let queue = DispatchQueue(label: "kms.audit-writer")
    let signingKey: AsymmetricPrivateKey
    public let publicKeyPEM: String
    let checkpointEvery: Int
    let checkpointInterval: Duration
    let clock: @Sendable () -> Timestamp
    let logger: Logger
    /// Called with every record once it is durable (webhooks).
    let observer: (@Sendable (AuditRecord) -> Void)?

    /// Opens (creating if needed) the audit database at `path` (`:memory:` for tests).
    public init(path: String, signingKey: AsymmetricPrivateKey, checkpointEvery: Int = 10_000,
                checkpointInterval: Duration = .seconds(60), clock: @escaping @Sendable () -> Timestamp = { .now() },
                logger: Logger = Logger(label: "kms.audit"), observer: (@Sendable (AuditRecord) -> Void)? = nil,
                maxPending: Int = 100_000) throws {
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=FULL")
        try AuditSchema.migrate(db)
        self.signingKey = signingKey
        self.publicKeyPEM = try signingKey.publicKey.pemRepresentation()
        self.checkpointEvery = max(1, checkpointEvery)
        self.checkpointInterval = checkpointInterval
        self.clock = clock
        self.logger = logger
        self.observer = observer
        self.maxPending = max(1, maxPending)
        let tail = try AuditSchema.tail(db)
        self.connection = AuditDatabase(db)
        if path == ":memory:" {
            reader = nil
        } else {
            let readConnection = try SQLiteConnection(path: path)
            try readConnection.execute("PRAGMA query_only=1")
            reader = AuditDatabase(readConnection)
        }
        writer.withLock { state in
            state.lastSequence = tail.sequence
            state.lastHash = tail.hash
            state.sinceCheckpoint = Int(tail.sequence - tail.checkpointSequence)
            state.lastCheckpointTime = clock().microseconds
        }
    }

    /// Whether the last write succeeded. Front doors refuse requests while it is false.
    public var isHealthy: Bool { writer.withLock { $0.healthy } }

    /// Records not yet durable (for metrics).
    public var queueDepth: Int { writer.withLock { $0.held } }

    /// Records of the batch being written now (tests).
    var inFlight: Int { writer.withLock { $0.inFlight } }

    /// The newest sequence number written.
    public var lastSequence: Int64 { writer.withLock { $0.lastSequence } }

    /// Appends a record (its sequence is assigned here) and returns once it is durable.
    ///
    /// Given the event loop of the request's connection, the writer resumes the
    /// caller there, all the batch's callers of one loop in one hop: the response
    /// is then written from the loop that owns the connection, instead of each
    /// request waking some other thread and its write hopping back.
    public func append(_ record: AuditRecord, resumingOn eventLoop: (any EventLoop)? = nil) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = writer.withLock { state -> Bool? in
                guard state.held < maxPending else { return nil }
                state.pending.append(Pending(record: record, continuation: continuation, eventLoop: eventLoop))
                if state.writing { return false }
                state.writing = true
                return true
            }
            switch start {
            case nil: continuation.resume(throwing: KMSError(.auditUnavailable, "The audit log is not accepting records."))
            case true?: queue.async { self.drain() }
            case false?: break
            }
        }
    }

    /// Queues the record of a request that was refused without doing anything and
    /// whose answer does not wait for it (requests refused while the log cannot be
    /// written). It is written with the next batch, or when the disk takes records
    /// again. If the queue is full the record is lost, and the next batch written
    /// holds a record saying how many were.
    public func enqueue(_ record: AuditRecord) {
        let start = writer.withLock { state -> Bool in
            guard state.held < maxPending else {
                state.lost += 1
                return false
            }
            state.pending.append(Pending(record: record, continuation: nil))
            // While unhealthy the retry timer drains; starting the writer here would hammer the disk.
            guard !state.writing, state.healthy else { return false }
            state.writing = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    /// Asks the writer to write a checkpoint now if any record came since the last.
    public func checkpointNow() async {
        writer.withLock { $0.checkpointRequested = true }
        try? await append(nil)
    }

    /// The writer loop: commits whatever is pending as one batch until nothing is.
    private func drain() {
        while true {
            let batch = writer.withLock { state -> [Pending]? in
                if state.pending.isEmpty && !state.checkpointRequested {
                    state.writing = false
                    return nil
                }
                defer {
                    state.inFlight = state.pending.count
                    state.pending.removeAll(keepingCapacity: true)
                    state.lost = 0
                }
                guard state.lost > 0 else { return state.pending }
                return [Pending(record: AuditRecord.lost(state.lost, bound: maxPending, time: clock().microseconds), continuation: nil)] + state.pending
            }
            guard let batch else { return }
            do {
                let written = try write(batch)
                writer.withLock { state in
                    state.healthy = true
                    state.inFlight = 0
                }
                Self.resume(batch, with: .success(()))
                if let observer { for record in written { observer(record) } }
            } catch {
                let wasHealthy = writer.withLock { state -> Bool in
                    let was = state.healthy
                    state.healthy = false
                    // Keep the records, in order, ahead of newer ones; their callers get the error now,
                    // so the records, written later, say that is how the requests ended.
                    state.pending.insert(contentsOf: batch.map { pending in
                        Pending(record: pending.continuation == nil ? pending.record : pending.record.unanswered(), continuation: nil)
                    }, at: 0)
                    state.inFlight = 0
                    state.writing = false
                    return was
                }
                if wasHealthy { logger.critical("audit log write failed; refusing requests until it recovers", metadata: ["error": "\(error)"]) }
                let failure = KMSError(.auditUnavailable, "The audit log cannot be written; the request was not completed.")
                Self.resume(batch, with: .failure(failure))
                queue.asyncAfter(deadline: .now() + .seconds(1)) { self.retry() }
                return
            }
        }
    }

    /// Resumes the batch's waiters: those with an event loop on it (one task per loop),
    /// the others here. The loops are the server's, which outlive every request (a loop
    /// that had shut down would drop the task, and its waiters would never resume).
    private static func resume(_ batch: [Pending], with result: Result<Void, KMSError>) {
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, waiters: [CheckedContinuation<Void, any Error>])] = [:]
        for index in batch.indices {
            // Fields, not the element: copying a Pending copies its record.
            guard let continuation = batch[index].continuation else { continue }
            guard let loop = batch[index].eventLoop else {
                continuation.resume(with: result.mapError { $0 as any Error })
                continue
            }
            byLoop[ObjectIdentifier(loop), default: (loop, [])].waiters.append(continuation)
        }
        for (_, group) in byLoop {
            let waiters = group.waiters
            group.loop.execute {
                for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
            }
        }
    }

    private func retry() {
        let start = writer.withLock { state -> Bool in
            guard !state.writing, !state.pending.isEmpty || state.checkpointRequested else { return false }
            state.writing = true
            return true
        }
        if start { drain() }
    }

    /// One transaction: the batch's records, chained, and a checkpoint if due.
    private func write(_ batch: [Pending]) throws -> [AuditRecord] {
        let (startSequence, startHash, sinceCheckpoint, lastCheckpointTime, requested) = writer.withLock {
            ($0.lastSequence, $0.lastHash, $0.sinceCheckpoint, $0.lastCheckpointTime, $0.checkpointRequested)
        }
        var sequence = startSequence
        var hash = startHash
        var written: [AuditRecord] = []
        var hashes: [[UInt8]] = []
        written.reserveCapacity(batch.count)
        hashes.reserveCapacity(batch.count)
        for index in batch.indices where batch[index].record.requestId != "" {
            written.append(batch[index].record)
            sequence += 1
            written[written.count - 1].sequence = sequence
            hash = written[written.count - 1].chainHash(previous: hash)
            hashes.append(hash)
        }
        let now = clock().microseconds
        let count = sinceCheckpoint + written.count
        let due = count >= checkpointEvery
            || (count > 0 && (requested || Duration.microseconds(now - lastCheckpointTime) >= checkpointInterval))
        var checkpoint: AuditCheckpoint?
        if due {
            let signature = try signingKey.sign(
                message: AuditCheckpoint.signedBytes(sequence: sequence, chainHash: hash, time: now), digest: .sha256)
            checkpoint = AuditCheckpoint(sequence: sequence, chainHash: Hex.encode(hash), time: now, signature: Base64.encode(signature))
        }
        if !written.isEmpty || checkpoint != nil {
            try connection.withLock { database in
                let db = database.sqlite
                try db.transaction {
                    let insert = try database.preparedInsert()
                    for index in written.indices {
                        try AuditSchema.insert(written[index], hash: hashes[index], using: insert)
                    }
                    if let checkpoint { try AuditSchema.insert(checkpoint, db) }
                }
            }
        }
        writer.withLock { state in
            state.lastSequence = sequence
            state.lastHash = hash
            state.checkpointRequested = false
            if checkpoint != nil {
                state.sinceCheckpoint = 0
                state.lastCheckpointTime = now
            } else {
                state.sinceCheckpoint = count
            }
        }
        return written
    }
}

extension AuditRecord {
    /// Says that `count` records of refused requests were not kept (the queue was full).
    fileprivate static func lost(_ count: Int, bound: Int, time: Int64) -> AuditRecord {
        AuditRecord(
            sequence: 0, time: time, requestId: UUIDString.random(), api: "internal", action: "AuditRecordsLost",
            outcome: .error, errorCode: KMSError.Code.auditUnavailable.awsType,
            reason: "\(count) requests refused while the audit log could not be written have no record: the queue of \(bound) was full")
    }

    /// The record of a request whose caller got AuditUnavailable because this record could
    /// not be written in time: the request ended in that error, whatever it did before.
    fileprivate func unanswered() -> AuditRecord {
        var record = self
        let before = outcome.rawValue + (errorCode.map { " (\($0))" } ?? "") + (reason.map { ": \($0)" } ?? "")
        record.outcome = .error
        record.errorCode = KMSError.Code.auditUnavailable.awsType
        record.reason = "answered \(record.errorCode!) because the audit log could not be written; the request was \(before)"
        return record
    }
}

extension AuditLog {
    /// An empty record used only to wake the writer (it is never written).
    fileprivate func append(_ nothing: AuditRecord?) async throws {
        try await append(AuditRecord(sequence: 0, time: 0, requestId: "", api: "", action: "", outcome: .allowed))
    }
}

/// Writes a checkpoint every `interval` while records arrive, and a last one at shutdown.
public struct AuditCheckpointService: Service {
    let audit: AuditLog
    let interval: Duration

    public init(audit: AuditLog, interval: Duration) {
        self.audit = audit
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await audit.checkpointNow()
        }
    }
}

/// Filters for reading the log.
public struct AuditQuery: Sendable {
    public var from: Int64?
    public var to: Int64?
    public var principal: String?
    public var action: String?
    public var keyId: String?
    public var outcome: AuditOutcome?
    public var afterSequence: Int64?
    public var limit: Int = 100
    public init() {}
}

extension AuditLog {
    /// Records matching `query`, oldest first, with their chain hashes.
    public func records(_ query: AuditQuery) throws -> [(record: AuditRecord, hash: [UInt8])] {
        var clauses: [String] = []
        var values: [SQLiteStatement.Value] = []
        if let from = query.from { clauses.append("time >= ?"); values.append(.int(from)) }
        if let to = query.to { clauses.append("time < ?"); values.append(.int(to)) }
        if let principal = query.principal { clauses.append("(principal_name = ? OR principal_id = ?)"); values += [.text(principal), .text(principal)] }
        if let action = query.action { clauses.append("action = ?"); values.append(.text(action)) }
        if let keyId = query.keyId { clauses.append("key_id = ?"); values.append(.text(keyId)) }
        if let outcome = query.outcome { clauses.append("outcome = ?"); values.append(.text(outcome.rawValue)) }
        if let after = query.afterSequence { clauses.append("seq > ?"); values.append(.int(after)) }
        let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        values.append(.int(Int64(query.limit)))
        return try read { db in
            let rows = try db.prepare("SELECT \(AuditSchema.recordColumns) FROM records \(condition) ORDER BY seq LIMIT ?").bind(values)
            var out: [(AuditRecord, [UInt8])] = []
            while try rows.step() { out.append(try AuditSchema.readRecord(rows)) }
            return out
        }
    }

    /// Runs `body` in one read transaction (one snapshot of the log) on the reader connection.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        func inSnapshot(_ db: SQLiteConnection) throws -> T {
            try db.execute("BEGIN")
            defer { try? db.execute("COMMIT") }
            return try body(db)
        }
        return try (reader ?? connection).withLock { database in try inSnapshot(database.sqlite) }
    }

    /// The newest signed checkpoint.
    public func latestCheckpoint() throws -> AuditCheckpoint? {
        try read { db in try AuditSchema.checkpoints(db).last ?? AuditSchema.pruneAnchor(db) }
    }

    /// Checks the whole log as it is now.
    public func verify(anchor: AuditCheckpoint? = nil) throws -> AuditVerification {
        let publicKey = try AsymmetricPublicKey(pem: publicKeyPEM)
        return try read { db in try AuditVerifier.verify(db, publicKey: publicKey, anchor: anchor) }
    }

    /// Deletes the records up to the newest checkpoint before `sequence`; that
    /// checkpoint becomes the anchor the rest of the chain is verified from, and a
    /// signed prune statement vouches that the records before it were removed on
    /// purpose (a copied checkpoint with the records before it deleted is not a prune).
    /// Returns the number of records deleted.
    public func prune(before sequence: Int64) throws -> (deleted: Int, anchor: AuditCheckpoint?) {
        try connection.withLock { database in
            let db = database.sqlite
            guard let anchor = try AuditSchema.checkpoints(db).last(where: { $0.sequence < sequence }) else { return (0, nil) }
            let count = try db.prepare("SELECT COUNT(*) FROM records WHERE seq <= ?").bind([.int(anchor.sequence)])
            _ = try count.step()
            let deleted = count.int(0)
            let statement = Base64.encode(try signingKey.sign(message: anchor.pruneStatementBytes, digest: .sha256))
            try db.transaction {
                try db.prepare("DELETE FROM records WHERE seq <= ?").run([.int(anchor.sequence)])
                try db.prepare("DELETE FROM checkpoints WHERE seq < ?").run([.int(anchor.sequence)])
                try db.prepare("INSERT INTO meta (name, value) VALUES ('prune_anchor', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
                    .run([.text(try JSONColumn.encode(anchor))])
                try db.prepare("INSERT INTO meta (name, value) VALUES ('prune_statement', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
                    .run([.text(statement)])
            }
            return (deleted, anchor)
        }
    }
}

/// One connection to the audit database, used under its own lock, and (for the
/// writer's) the insert it keeps prepared.
final class AuditDatabase: @unchecked Sendable {
    // @unchecked: every use of `sqlite` and `insert` is under `lock`.
    private let lock = NSLock()
    let sqlite: SQLiteConnection
    private var insert: SQLiteStatement?

    init(_ sqlite: SQLiteConnection) { self.sqlite = sqlite }

    func withLock<T>(_ body: (AuditDatabase) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(self)
    }

    /// The record insert, prepared on first use (call under the lock).
    func preparedInsert() throws -> SQLiteStatement {
        if let insert { return insert }
        let statement = try AuditSchema.prepareInsert(sqlite)
        insert = statement
        return statement
    }
}
