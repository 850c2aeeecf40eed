import Foundation
import KeyCrypto
import Logging

/// An audit record as the API shows it, with its chain hash.
public struct AuditRecordView: Encodable, Sendable {
    public var sequence: Int64
    public var time: Date
    public var requestId: String
    public var principalId: String?
    public var principalName: String?
    public var accessKeyId: String?
    public var sourceAddress: String?
    public var userAgent: String?
    public var api: String
    public var action: String
    public var keyId: String?
    public var keyArn: String?
    public var keyVersion: Int?
    public var keyReference: String?
    public var encryptionContext: [String: String]?
    public var grantId: String?
    public var outcome: String
    public var errorCode: String?
    public var reason: String?
    public var hash: String

    init(_ record: AuditRecord, hash: [UInt8], partition: Partition) {
        keyArn = record.keyId.map(partition.keyArn)
        sequence = record.sequence
        time = Timestamp(microseconds: record.time).date
        requestId = record.requestId
        principalId = record.principalId
        principalName = record.principalName
        accessKeyId = record.accessKeyId
        sourceAddress = record.sourceAddress
        userAgent = record.userAgent
        api = record.api
        action = record.action
        keyId = record.keyId
        keyVersion = record.keyVersion
        keyReference = record.keyReference
        encryptionContext = record.encryptionContext
        grantId = record.grantId
        outcome = record.outcome.rawValue
        errorCode = record.errorCode
        reason = record.reason
        self.hash = Hex.encode(hash)
    }
}

extension KeyService {
    func requireAudit() throws(KMSError) -> AuditLog {
        guard let audit else { throw KMSError(.unsupportedOperation, "This server has no audit log.") }
        return audit
    }

    /// Parses RFC 3339 (`2026-11-29T05:00:00Z`, optional fraction) or epoch seconds into microseconds.
    /// A time no timestamp can hold (`1e300`, `nan`, `inf`) is a ValidationError like any other bad value.
    static func parseTime(_ text: String, field: String) throws(KMSError) -> Int64 {
        let invalid = KMSError.validation("\(field) must be an RFC 3339 time or epoch seconds.")
        if let seconds = Double(text) {
            guard let timestamp = Timestamp(epochSeconds: seconds) else { throw invalid }
            return timestamp.microseconds
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) ?? plain.date(from: text),
              let timestamp = Timestamp(epochSeconds: date.timeIntervalSince1970)
        else { throw invalid }
        return timestamp.microseconds
    }
}

/// QueryAuditLog: records by time range, principal, action, key and outcome, oldest
/// first, paginated by sequence; with `wait`, a long poll for records after `afterSequence`.
public enum QueryAuditLog: Operation {
    public struct Input: OperationInput {
        public var from: String?
        public var to: String?
        public var principal: String?
        public var action: String?
        public var keyId: String?
        public var outcome: String?
        public var afterSequence: Int?
        public var limit: Int?
        public var wait: Int?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case from, to, principal, action, keyId, outcome, afterSequence, limit, wait
        }
        public init() {}
    }

    public struct Output: Encodable, Sendable {
        public var records: [AuditRecordView]
        /// Pass as `afterSequence` to continue.
        public var nextSequence: Int64?
        public var lastSequence: Int64
    }

    public static let action = Action.readAuditLog

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let audit = try service.requireAudit()
        var query = AuditQuery()
        query.from = try input.from.map { text throws(KMSError) in try KeyService.parseTime(text, field: "from") }
        query.to = try input.to.map { text throws(KMSError) in try KeyService.parseTime(text, field: "to") }
        query.principal = input.principal
        query.action = input.action
        query.keyId = input.keyId
        if let outcome = input.outcome {
            guard let parsed = AuditOutcome(rawValue: outcome) else { throw KMSError.validation("outcome must be allowed, denied or error.") }
            query.outcome = parsed
        }
        query.afterSequence = input.afterSequence.map(Int64.init)
        query.limit = try Marker.limit(input.limit, range: 1...1000, default: 100)
        let wait = input.wait ?? 0
        guard (0...60).contains(wait) else { throw KMSError.validation("wait must be 0 to 60 seconds.") }
        let deadline = ContinuousClock.now + .seconds(wait)
        let filters = query
        // Every query is itself a record, so a follower (`kms audit tail -f`) would be woken at once by
        // the record of its own previous poll, forever. A long poll therefore waits on past records that
        // are only this access key's own audit queries (they are still returned when the wait ends).
        let caller = context.caller.accessKeyId
        func worthWaking(_ rows: [(record: AuditRecord, hash: [UInt8])]) -> Bool {
            rows.contains { $0.record.action != QueryAuditLog.name || $0.record.accessKeyId != caller }
        }
        var rows = try await Blocking.run { try audit.records(filters) }
        while !worthWaking(rows) && ContinuousClock.now < deadline && !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(200))
            rows = try await Blocking.run { try audit.records(filters) }
        }
        return Output(records: rows.map { AuditRecordView($0.record, hash: $0.hash, partition: service.partition) },
                      nextSequence: rows.count == query.limit ? rows.last?.record.sequence : nil,
                      lastSequence: audit.lastSequence)
    }
}

/// GetAuditCheckpoint: the newest signed checkpoint and the public key that verifies it;
/// keep it elsewhere as an anchor against truncation.
public enum GetAuditCheckpoint: Operation {
    public typealias Input = EmptyInput
    public struct Output: Encodable, Sendable {
        public var checkpoint: AuditCheckpoint?
        public var publicKey: String
    }

    public static let action = Action.readAuditLog

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let audit = try service.requireAudit()
        await audit.checkpointNow()
        return Output(checkpoint: try await Blocking.run { try audit.latestCheckpoint() }, publicKey: audit.publicKeyPEM)
    }
}

/// VerifyAuditLog: checks every hash and checkpoint signature now; given an anchor, also that
/// the log still reaches it.
public enum VerifyAuditLog: Operation {
    public struct Input: OperationInput {
        public var anchor: AuditCheckpoint?
        public enum CodingKeys: String, CodingKey, CaseIterable { case anchor }
        public init(anchor: AuditCheckpoint? = nil) { self.anchor = anchor }
    }

    public static let action = Action.readAuditLog

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> AuditVerification {
        let audit = try service.requireAudit()
        return try await Blocking.run { try audit.verify(anchor: input.anchor) }
    }
}

/// PruneAuditLog: deletes records before the newest checkpoint below `beforeSequence`
/// (export them first); the chain stays verifiable from that checkpoint.
public enum PruneAuditLog: Operation {
    public struct Input: OperationInput {
        public var beforeSequence: Int
        public enum CodingKeys: String, CodingKey, CaseIterable { case beforeSequence }
        public init(beforeSequence: Int) { self.beforeSequence = beforeSequence }
    }

    public struct Output: Encodable, Sendable {
        public var deleted: Int
        public var anchor: AuditCheckpoint?
    }

    public static let action = Action.pruneAuditLog

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard input.beforeSequence > 0 else { throw KMSError.validation("beforeSequence must be positive.") }
        let audit = try service.requireAudit()
        let result = try await Blocking.run { try audit.prune(before: Int64(input.beforeSequence)) }
        context.logger.notice("audit log pruned", metadata: ["deleted": "\(result.deleted)"])
        return Output(deleted: result.deleted, anchor: result.anchor)
    }
}
