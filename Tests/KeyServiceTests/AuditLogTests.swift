import Foundation
import KeyCrypto
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import KeyService

/// The audit log on a real SQLite file: sequence numbers, the hash chain, signed
/// checkpoints, offline verification against each kind of tampering, pruning,
/// group commit under concurrency, and failing closed.
@Suite(.timeLimit(.minutes(2))) struct AuditLogTests {
    /// A temporary audit database and its signing key.
    struct Fixture {
        let directory: TemporaryDirectory
        let signingKey: AsymmetricPrivateKey
        let clock = TestClock()
        var path: String { directory.path + "/audit.sqlite" }

        init() throws {
            directory = try TemporaryDirectory()
            signingKey = try AsymmetricPrivateKey.generate(.ecP256)
        }

        func open(every: Int = 10, interval: Duration = .seconds(3600),
                  observer: (@Sendable (AuditRecord) -> Void)? = nil, maxPending: Int = 100_000) throws -> AuditLog {
            try AuditLog(path: path, signingKey: signingKey, checkpointEvery: every, checkpointInterval: interval,
                         clock: clock.read, logger: quietLogger, observer: observer, maxPending: maxPending)
        }

        func verify(anchor: AuditCheckpoint? = nil) throws -> AuditVerification {
            try AuditVerifier.verify(databasePath: path, publicKey: try signingKey.publicKey, anchor: anchor)
        }

        /// Runs SQL on the database through a connection of the test's own.
        func tamper(_ sql: String, _ values: [SQLiteStatement.Value] = []) throws {
            let db = try SQLiteConnection(path: path)
            try db.prepare(sql).run(values)
        }

        func records() throws -> [(record: AuditRecord, hash: [UInt8])] {
            let db = try SQLiteConnection(path: path, readOnly: true)
            let rows = try db.prepare("SELECT \(AuditSchema.recordColumns) FROM records ORDER BY seq")
            var out: [(AuditRecord, [UInt8])] = []
            while try rows.step() { out.append(try AuditSchema.readRecord(rows)) }
            return out
        }

        func checkpoints() throws -> [AuditCheckpoint] { try AuditSchema.checkpoints(try SQLiteConnection(path: path, readOnly: true)) }

        func cleanup() { directory.cleanup() }
    }

    static func record(_ n: Int) -> AuditRecord {
        AuditRecord(sequence: 0, time: TestClock.start.microseconds + Int64(n), requestId: "request-\(n)",
                    principalId: "p-\(n % 3)", principalName: "user\(n % 3)", accessKeyId: "AKIA\(n)", sourceAddress: "127.0.0.1",
                    userAgent: "test", api: "REST", action: n % 2 == 0 ? "Encrypt" : "Decrypt", keyId: "key-\(n % 4)", keyVersion: 1,
                    keyReference: "alias/k\(n % 4)", encryptionContext: ["n": String(n)], grantId: nil,
                    outcome: n % 5 == 0 ? .denied : .allowed, errorCode: n % 5 == 0 ? "AccessDeniedException" : nil,
                    reason: n % 5 == 0 ? "no binding" : nil)
    }

    static func append(_ range: ClosedRange<Int>, to log: AuditLog) async throws {
        for n in range { try await log.append(record(n)) }
    }

    /// The chain's input is a fixed byte layout: the record's canonical form hashes to the
    /// value computed independently (Python, from the layout in AuditRecord.canonicalBytes:
    /// "kms-audit-record-v1", then per field 0 for none or 1, u32 big-endian length, UTF-8;
    /// the context as its count and then its pairs sorted by key bytes).
    @Test func canonicalFormAndChainHashAreKnownAnswers() throws {
        let record = AuditRecord(
            sequence: 7, time: 1_700_000_000_123_456, requestId: "req-1", principalId: "p-1", principalName: "alice",
            accessKeyId: "AKIAEXAMPLE", sourceAddress: "127.0.0.1", userAgent: "curl/8", api: "rest", action: "GenerateDataKey",
            keyId: "k-1", keyVersion: 2, keyReference: "alias/app", encryptionContext: ["b": "2", "a": "1", "é": "x"],
            grantId: nil, outcome: .allowed, errorCode: nil, reason: nil)
        #expect(Hex.encode(try Digest.hash(.sha256, record.canonicalBytes))
            == "d3be8f27372251dedc7e4d78681b5e21814f1d66d8e0cc67951f59ccb6fc976b")
        #expect(Hex.encode(record.chainHash(previous: (0..<32).map { UInt8($0) }))
            == "64b68b6fb97568d1543f5e618c2fff486e72163ae6968031b966c3a22633de7b")
    }

    /// Given the request's event loop, a waiter is resumed through that loop (so the response
    /// is written from the connection's own thread): while the loop is busy the append, though
    /// durable, does not return; once the loop is free it does. Without a loop it returns at once.
    @Test func appendResumesTheWaiterOnItsEventLoop() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let gate = DispatchSemaphore(value: 0)
        loop.execute { gate.wait() }  // the loop is busy until the gate opens
        final class Flag: Sendable { let raised = Mutex(false) }
        let returned = Flag()
        let waiter = Task {
            try await log.append(Self.record(1), resumingOn: loop)
            returned.raised.withLock { $0 = true }
        }
        // The record becomes durable while the loop is still busy...
        for _ in 0..<500 where log.lastSequence < 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(log.lastSequence == 1)
        try await log.append(Self.record(2))  // no loop: returns as soon as it is durable
        try await Task.sleep(for: .milliseconds(100))
        // ...but its waiter has not been resumed, since that happens on the loop.
        #expect(!returned.raised.withLock { $0 })
        gate.signal()
        try await waiter.value
        #expect(returned.raised.withLock { $0 })
        #expect(try f.records().map(\.record.requestId) == ["request-1", "request-2"])
        try await group.shutdownGracefully()
    }

    @Test func recordsAreNumberedChainedAndCheckpointedEveryN() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        try await Self.append(1...25, to: log)
        #expect(log.lastSequence == 25)
        let stored = try f.records()
        #expect(stored.map(\.record.sequence) == Array(1...25))
        var previous = AuditRecord.genesisHash
        for (n, (record, hash)) in zip(1..., stored) {
            var expected = Self.record(n)
            expected.sequence = Int64(n)
            #expect(record == expected, "record \(n) reads back as written")
            previous = expected.chainHash(previous: previous)
            #expect(hash == previous, "record \(n) carries the chain hash")
        }
        #expect(try f.checkpoints().map(\.sequence) == [10, 20])
        let report = try f.verify()
        #expect(report.ok && report.recordsChecked == 25 && report.checkpointsChecked == 2, "\(report)")
        #expect(report.firstSequence == 1 && report.lastSequence == 25)

        // A checkpoint on request covers the tail; the log's own verify agrees with the offline one.
        await log.checkpointNow()
        #expect(try log.latestCheckpoint()?.sequence == 25)
        #expect(try log.verify().ok)

        // Reopened, the log continues the chain where it stopped.
        let reopened = try f.open(every: 10)
        #expect(reopened.lastSequence == 25)
        try await Self.append(26...35, to: reopened)
        #expect(try f.checkpoints().map(\.sequence) == [10, 20, 25, 35])
        #expect(try f.records().map(\.record.sequence) == Array(1...35))
        #expect(try f.verify().ok)
    }

    @Test func checkpointsAlsoComeAfterTheInterval() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 1000, interval: .seconds(60))
        try await Self.append(1...3, to: log)
        #expect(try f.checkpoints().isEmpty)
        f.clock.advance(seconds: 61)
        try await Self.append(4...4, to: log)
        #expect(try f.checkpoints().map(\.sequence) == [4])
        try await Self.append(5...6, to: log)
        #expect(try f.checkpoints().map(\.sequence) == [4])
        #expect(try f.verify().ok)
    }

    enum Tamper: String, CaseIterable, Sendable {
        case editRecord, deleteRecord, swapRecords, rechainAfterEdit, forgeCheckpointHash, forgeCheckpointSignature,
             truncateTailLeavingCheckpoint
    }

    /// Each tampering of a 30-record log (checkpoints at 10, 20, 30) is detected, at the right place.
    @Test(arguments: Tamper.allCases)
    func verifierDetectsTampering(tamper: Tamper) async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        try await Self.append(1...30, to: log)
        let anchor = try #require(try log.latestCheckpoint())
        #expect(anchor.sequence == 30)
        #expect(try f.verify().ok && f.verify(anchor: anchor).ok, "the untouched log passes")
        let badSequence: Int64
        switch tamper {
        case .editRecord:
            try f.tamper("UPDATE records SET principal_name = 'mallory' WHERE seq = 13")
            badSequence = 13
        case .deleteRecord:
            try f.tamper("DELETE FROM records WHERE seq = 13")
            badSequence = 13
        case .swapRecords:
            // Record 12 takes 17's contents (hash included) and 17 takes 12's.
            let columns = ["time", "request_id", "principal_id", "principal_name", "action", "key_id", "encryption_context", "outcome", "hash"]
            let sets = columns.map { "\($0) = (SELECT \($0) FROM saved WHERE saved.seq = 29 - records.seq)" }.joined(separator: ", ")
            try f.tamper("CREATE TABLE saved AS SELECT * FROM records")
            try f.tamper("UPDATE records SET \(sets) WHERE seq IN (12, 17)")
            #expect(try f.records()[11].record.requestId == "request-17")
            badSequence = 12
        case .rechainAfterEdit:
            // Without the signing key an editor can recompute every later hash, but not the checkpoints.
            try f.tamper("UPDATE records SET outcome = 'allowed', error_code = NULL, reason = NULL WHERE seq = 15")
            var previous = try f.records()[13].hash
            for (record, _) in try f.records().dropFirst(14) {
                previous = record.chainHash(previous: previous)
                try f.tamper("UPDATE records SET hash = ? WHERE seq = ?", [.blob(previous), .int(record.sequence)])
            }
            badSequence = 20
        case .forgeCheckpointHash:
            let hash19 = try f.records()[18].hash
            try f.tamper("UPDATE checkpoints SET chain_hash = ? WHERE seq = 20", [.text(Hex.encode(hash19))])
            badSequence = 20
        case .forgeCheckpointSignature:
            // A well-formed signature by another key over the right bytes.
            let checkpoint = try #require(try f.checkpoints().first { $0.sequence == 20 })
            let other = try AsymmetricPrivateKey.generate(.ecP256)
            let message = AuditCheckpoint.signedBytes(sequence: 20, chainHash: try #require(Hex.decode(checkpoint.chainHash)), time: checkpoint.time)
            let forged = Base64.encode(try other.sign(message: message, digest: .sha256))
            try f.tamper("UPDATE checkpoints SET signature = ? WHERE seq = 20", [.text(forged)])
            badSequence = 20
        case .truncateTailLeavingCheckpoint:
            try f.tamper("DELETE FROM records WHERE seq > 25")
            badSequence = 26
        }
        for report in [try f.verify(), try f.verify(anchor: anchor), try log.verify()] {
            #expect(!report.ok, "\(tamper) went unnoticed")
            #expect(report.firstBadSequence == badSequence, "\(tamper): \(report.problem ?? "")")
        }
    }

    @Test func truncatedTailIsCaughtOnlyWithAnAnchorSavedBefore() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        try await Self.append(1...30, to: log)
        let anchor = try #require(try log.latestCheckpoint())
        // The records after 25 and the checkpoint that covered them are gone: internally consistent.
        try f.tamper("DELETE FROM records WHERE seq > 25")
        try f.tamper("DELETE FROM checkpoints WHERE seq > 25")
        let alone = try f.verify()
        #expect(alone.ok && alone.lastSequence == 25, "\(alone)")
        let anchored = try f.verify(anchor: anchor)
        #expect(!anchored.ok)
        #expect(anchored.firstBadSequence == 26, "\(anchored.problem ?? "")")
        // An anchor whose signature does not cover its fields is refused.
        let foreign = try f.verify(anchor: AuditCheckpoint(sequence: 20, chainHash: anchor.chainHash, time: anchor.time, signature: anchor.signature))
        #expect(!foreign.ok)
    }

    @Test func prunedLogStaysVerifiableAndContinues() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        try await Self.append(1...30, to: log)
        let anchor = try #require(try log.latestCheckpoint())
        let (deleted, pruneAnchor) = try log.prune(before: 25)
        #expect(deleted == 20 && pruneAnchor?.sequence == 20)
        let report = try f.verify(anchor: anchor)
        #expect(report.ok && report.firstSequence == 21 && report.lastSequence == 30, "\(report)")
        try await Self.append(31...35, to: log)
        #expect(try f.records().map(\.record.sequence) == Array(21...35))
        #expect(try f.verify().ok)
        // Tampering after the anchor is still found.
        try f.tamper("UPDATE records SET key_id = 'other' WHERE seq = 22")
        #expect(try f.verify().firstBadSequence == 22)
        try f.tamper("UPDATE records SET key_id = 'key-2' WHERE seq = 22")
        #expect(try f.verify().ok)
    }

    @Test func logPrunedUpToItsLastCheckpointVerifiesAndContinues() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        try await Self.append(1...30, to: log)
        let anchor = try #require(try log.latestCheckpoint())
        #expect(try log.prune(before: 31).deleted == 30)
        let empty = try f.verify(anchor: anchor)
        #expect(empty.ok && empty.recordsChecked == 0, "\(empty)")
        let reopened = try f.open(every: 10)
        #expect(reopened.lastSequence == 30)
        try await Self.append(31...32, to: reopened)
        #expect(try f.records().map(\.record.sequence) == [31, 32])
        #expect(try f.verify(anchor: anchor).ok)
    }

    @Test func concurrentAppendsAreAllDurableWithoutGaps() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let observed = Mutex<[Int64]>([])
        let log = try f.open(every: 100) { record in observed.withLock { $0.append(record.sequence) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...1000 { group.addTask { try await log.append(Self.record(n)) } }
            try await group.waitForAll()
        }
        #expect(log.lastSequence == 1000)
        #expect(log.queueDepth == 0)
        // Read back through a connection of our own: every record is on disk, once, numbered 1…1000.
        let stored = try f.records()
        #expect(stored.map(\.record.sequence) == Array(1...1000))
        #expect(Set(stored.map(\.record.requestId)) == Set((1...1000).map { "request-\($0)" }))
        #expect(try await Self.eventually { observed.withLock { $0.count } >= 1000 })
        #expect(observed.withLock { $0 } == Array(1...1000), "the observer sees each durable record once, in order")
        let report = try f.verify()
        // Batches end wherever they end, so there is a checkpoint per 100 or more records, never more than ten.
        #expect(report.ok && report.recordsChecked == 1000 && (1...10).contains(report.checkpointsChecked), "\(report)")
    }

    /// A read (a query, an online verification of a long log) never holds up the writer:
    /// appends commit while a reader sits in its snapshot, and the reader sees them after.
    @Test func appendsCommitWhileAReaderHoldsItsSnapshot() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 1000)
        try await Self.append(1...3, to: log)
        let reader = try #require(log.reader)
        let inSnapshot = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let seenInSnapshot = Mutex<[Int64]>([])
        let thread = Thread {
            // Inside one read transaction, as `verify` and `records` run.
            try? log.read { db in
                _ = try db.prepare("SELECT COUNT(*) FROM records").step()  // the snapshot starts at the first read
                inSnapshot.signal()
                release.wait()
                let rows = try db.prepare("SELECT seq FROM records ORDER BY seq")
                while try rows.step() { let seq = rows.int64(0); seenInSnapshot.withLock { $0.append(seq) } }
            }
            _ = reader
        }
        thread.start()
        inSnapshot.wait()
        // Would wait for the reader (and the suite's time limit) if appends needed its lock.
        try await Self.append(4...6, to: log)
        #expect(log.lastSequence == 6)
        release.signal()
        #expect(try await Self.eventually { seenInSnapshot.withLock { !$0.isEmpty } })
        #expect(seenInSnapshot.withLock { $0 } == [1, 2, 3], "the reader keeps the snapshot it started with")
        #expect(try log.records(AuditQuery()).map(\.record.sequence) == Array(1...6))
        #expect(try log.verify().ok)
    }

    /// Records queued without a waiting caller (requests refused while the log cannot be
    /// written) are written once it recovers; those beyond the queue's bound are counted
    /// in a record of their own, so the log says what it lost.
    @Test func queuedRecordsAreWrittenOnRecoveryAndOverflowIsRecorded() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let bound = 2_000
        let log = try f.open(every: 1_000_000, maxPending: bound)
        try await log.append(Self.record(1))
        log.enqueue(Self.record(2))  // healthy: written by the writer soon, nobody waits
        #expect(try await Self.eventually { (try? f.records().count) == 2 })

        try Self.breakWrites(log)
        await expectError(.auditUnavailable) { try await log.append(Self.record(3)) }
        for n in 4..<(4 + bound) { log.enqueue(Self.record(n)) }  // fills the queue past its bound
        try Self.repairWrites(log)
        #expect(try await Self.eventually(.seconds(60)) { log.isHealthy && log.queueDepth == 0 })
        let records = try f.records().map(\.record)
        let lost = try #require(records.first { $0.action == "AuditRecordsLost" })
        #expect(lost.api == "internal" && lost.outcome == .error)
        // Record 3 and the enqueued ones fill the queue; the ones after do not fit.
        let kept = records.filter { $0.action != "AuditRecordsLost" }.count - 2
        #expect(kept == bound, "\(kept)")
        #expect(lost.reason?.hasPrefix("1 requests refused") == true, "\(lost.reason ?? "")")
        #expect(try f.verify().ok)
    }

    /// The bound counts the batch being written as well as the queue: while a batch is in
    /// flight (here: the writer waits for the database), only the rest of the bound is taken.
    @Test func theBatchBeingWrittenCountsAgainstTheBound() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let bound = 100
        let log = try f.open(every: 1_000_000, maxPending: bound)
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            log.connection.withLock { _ in
                holding.signal()
                release.wait()
            }
        }
        holder.start()
        holding.wait()
        log.enqueue(Self.record(1))  // the writer takes it and waits for the database
        #expect(try await Self.eventually { log.inFlight == 1 })
        for n in 2...(bound + 5) { log.enqueue(Self.record(n)) }
        #expect(log.queueDepth == bound)
        await expectError(.auditUnavailable) { try await log.append(Self.record(999)) }
        release.signal()
        #expect(try await Self.eventually { log.queueDepth == 0 })
        let records = try f.records().map(\.record)
        #expect(records.filter { $0.action != "AuditRecordsLost" }.map(\.requestId) == (1...bound).map { "request-\($0)" })
        let lost = try #require(records.first { $0.action == "AuditRecordsLost" })
        #expect(lost.reason?.hasPrefix("5 requests refused") == true, "\(lost.reason ?? "")")
        #expect(try f.verify().ok)
    }

    /// Makes every insert into the records table fail inside the log's own connection (a stand-in for a full or broken disk).
    static func breakWrites(_ log: AuditLog) throws {
        try log.connection.withLock { db in
            try db.sqlite.execute("CREATE TEMP TRIGGER refuse_records BEFORE INSERT ON main.records BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
        }
    }

    static func repairWrites(_ log: AuditLog) throws {
        try log.connection.withLock { db in try db.sqlite.execute("DROP TRIGGER temp.refuse_records") }
    }

    /// Waits until `condition` holds, up to `limit`.
    static func eventually(_ limit: Duration = .seconds(15), _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    @Test func failingWritesCloseTheLogAndTheRetryWritesThePendingRecordsInOrder() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let observed = Mutex<[String]>([])
        let log = try f.open(every: 10) { record in observed.withLock { $0.append(record.requestId) } }
        try await log.append(Self.record(1))
        #expect(log.isHealthy)
        try Self.breakWrites(log)
        await expectError(.auditUnavailable) { try await log.append(Self.record(2)) }
        #expect(!log.isHealthy)
        // While the disk refuses, retries keep failing and nothing more is written.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(!log.isHealthy)
        await expectError(.auditUnavailable) { try await log.append(Self.record(3)) }
        #expect(try f.records().map(\.record.requestId) == ["request-1"])

        try Self.repairWrites(log)
        #expect(try await Self.eventually { log.isHealthy }, "the log did not recover by itself")
        #expect(try f.records().map(\.record.requestId) == ["request-1", "request-2", "request-3"])
        #expect(try f.records().map(\.record.sequence) == [1, 2, 3])
        // Their callers were told the request failed, and the records say so.
        for (record, _) in try f.records().dropFirst() {
            #expect(record.outcome == .error && record.errorCode == "DependencyTimeoutException", "\(record)")
            #expect(record.reason?.contains("was allowed") == true, "\(record.reason ?? "")")
        }
        #expect(try f.records().first?.record.outcome == .allowed)
        try await log.append(Self.record(4))
        #expect(try f.records().map(\.record.sequence) == [1, 2, 3, 4])
        // The observer runs just after the writer releases the callers.
        #expect(try await Self.eventually { observed.withLock { $0.count } >= 4 })
        #expect(observed.withLock { $0 } == ["request-1", "request-2", "request-3", "request-4"])
        #expect(try f.verify().ok)
    }

    /// Deleting the oldest records and planting a copy of a real checkpoint as the
    /// pruning anchor is not a prune: only the signed prune statement `prune` writes
    /// vouches for records removed from the start. Found by an independent check.
    @Test func aForgedPruneAnchorIsDetected() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        try await Self.append(1...30, to: log)
        let checkpoint = try #require(try AuditSchema.checkpoints(SQLiteConnection(path: f.path, readOnly: true)).first { $0.sequence == 20 })
        try f.tamper("INSERT INTO meta (name, value) VALUES ('prune_anchor', ?)", [.text(try JSONColumn.encode(checkpoint))])
        try f.tamper("DELETE FROM records WHERE seq <= 20")
        try f.tamper("DELETE FROM checkpoints WHERE seq < 20")
        let report = try f.verify()
        #expect(!report.ok && report.firstBadSequence == 1, "\(report)")
        #expect(report.problem?.contains("no signed prune statement") == true, "\(report.problem ?? "")")
        // A real prune's statement does not vouch for a later, further deletion either.
        let g = try Fixture()
        defer { g.cleanup() }
        let pruned = try g.open(every: 10)
        try await Self.append(1...40, to: pruned)
        #expect(try pruned.prune(before: 15).deleted == 10)
        #expect(try g.verify().ok)
        let later = try #require(try AuditSchema.checkpoints(SQLiteConnection(path: g.path, readOnly: true)).first { $0.sequence == 30 })
        try g.tamper("UPDATE meta SET value = ? WHERE name = 'prune_anchor'", [.text(try JSONColumn.encode(later))])
        try g.tamper("DELETE FROM records WHERE seq <= 30")
        #expect(try !g.verify().ok)
    }

    /// A field edited to a value the service never writes is reported at its sequence
    /// number (it used to stop verification with an SQLite error).
    @Test func anUnreadableFieldIsReportedAtItsSequence() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        try await Self.append(1...12, to: log)
        try f.tamper("UPDATE records SET outcome = 'X' WHERE seq = 7")
        let report = try f.verify()
        #expect(!report.ok && report.firstBadSequence == 7, "\(report)")
        try f.tamper("UPDATE records SET outcome = 'allowed', encryption_context = '{not json' WHERE seq = 7")
        #expect(try f.verify().firstBadSequence == 7)
    }

    /// Text from a request may hold U+0000; it is stored and read back whole, so the
    /// record still matches its hash (a C-string bind used to cut it there).
    @Test func textWithAnEmbeddedNulKeepsTheChainIntact() async throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let log = try f.open(every: 10)
        var record = Self.record(1)
        record.keyReference = "alias/x\u{0}y"
        record.encryptionContext = ["a\u{0}b": "c\u{0}d"]
        try await log.append(record)
        try await Self.append(2...3, to: log)
        #expect(try f.verify().ok)
        #expect(try f.records().first?.record.keyReference == "alias/x\u{0}y")
    }
}
