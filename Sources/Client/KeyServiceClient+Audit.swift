import Foundation
import NIOHTTP1

/// An audit record as the service returns it.
public struct AuditRecordEntry: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var time: String
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
}

/// One page of audit records.
public struct AuditPage: Decodable, Sendable {
    public var records: [AuditRecordEntry]
    public var nextSequence: Int64?
    public var lastSequence: Int64
}

/// A signed checkpoint (keep one elsewhere as an anchor against truncation).
public struct AuditCheckpointEntry: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var chainHash: String
    public var time: Int64
    public var signature: String
}

public struct AuditVerificationResult: Decodable, Sendable {
    public var ok: Bool
    public var recordsChecked: Int
    public var checkpointsChecked: Int
    public var firstSequence: Int64?
    public var lastSequence: Int64?
    public var firstBadSequence: Int64?
    public var problem: String?
}

/// Filters for `auditRecords`.
public struct AuditFilter: Sendable {
    public var from: String?
    public var to: String?
    public var principal: String?
    public var action: String?
    public var keyId: String?
    public var outcome: String?
    public init(from: String? = nil, to: String? = nil, principal: String? = nil, action: String? = nil, keyId: String? = nil, outcome: String? = nil) {
        self.from = from
        self.to = to
        self.principal = principal
        self.action = action
        self.keyId = keyId
        self.outcome = outcome
    }
}

extension KeyServiceClient {
    /// Audit records after `afterSequence` matching `filter`; `wait` seconds of long poll if none yet.
    public func auditRecords(_ filter: AuditFilter = AuditFilter(), afterSequence: Int64? = nil, limit: Int? = nil, wait: Int? = nil) async throws -> AuditPage {
        var query: [(String, String)] = []
        for (name, value) in [("from", filter.from), ("to", filter.to), ("principal", filter.principal), ("action", filter.action),
                              ("keyId", filter.keyId), ("outcome", filter.outcome)] {
            if let value { query.append((name, value)) }
        }
        if let afterSequence { query.append(("afterSequence", String(afterSequence))) }
        if let limit { query.append(("limit", String(limit))) }
        if let wait { query.append(("wait", String(wait))) }
        return try await send(.GET, "/v1/audit/records", query: query, as: AuditPage.self)
    }

    public func auditCheckpoint() async throws -> (checkpoint: AuditCheckpointEntry?, publicKey: String) {
        struct Body: Decodable { var checkpoint: AuditCheckpointEntry?; var publicKey: String }
        let body = try await send(.GET, "/v1/audit/checkpoint", as: Body.self)
        return (body.checkpoint, body.publicKey)
    }

    public func verifyAuditLog(anchor: AuditCheckpointEntry? = nil) async throws -> AuditVerificationResult {
        var body: [String: Any] = [:]
        if let anchor {
            body["anchor"] = ["sequence": anchor.sequence, "chainHash": anchor.chainHash, "time": anchor.time, "signature": anchor.signature]
        }
        return try await send(.POST, "/v1/audit/verify", body: body, as: AuditVerificationResult.self)
    }

    public func pruneAuditLog(beforeSequence: Int64) async throws -> Int {
        struct Body: Decodable { var deleted: Int }
        return try await send(.POST, "/v1/audit/prune", body: ["beforeSequence": beforeSequence], as: Body.self).deleted
    }
}
