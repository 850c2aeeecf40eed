import ArgumentParser
import Client
import Foundation
import KeyCrypto
import KeyService

/// `kms audit …`: read, export and verify the audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read, export and verify the tamper-evident audit log.",
        subcommands: [Tail.self, Query.self, Export.self, Checkpoint.self, Verify.self, Prune.self])

    struct Filters: ParsableArguments {
        @Option(help: "From this time (RFC 3339 or epoch seconds).") var from: String?
        @Option(help: "Before this time.") var to: String?
        @Option(help: "Principal name or id.") var principal: String?
        @Option(help: "Operation name, e.g. Decrypt.") var action: String?
        @Option(help: "Key id.") var key: String?
        @Option(help: "allowed, denied or error.") var outcome: String?
        var filter: AuditFilter { AuditFilter(from: from, to: to, principal: principal, action: action, keyId: key, outcome: outcome) }
    }

    static func row(_ record: AuditRecordEntry) -> [String] {
        [String(record.sequence), record.time, record.principalName ?? "-", record.action, record.keyId ?? "-",
         record.outcome + (record.errorCode.map { " (\($0))" } ?? "")]
    }
    static let headers = ["SEQ", "TIME", "PRINCIPAL", "ACTION", "KEY", "OUTCOME"]

    static func json(_ records: [AuditRecordEntry]) -> Any {
        let encoder = JSONEncoder()
        return records.compactMap { (try? encoder.encode($0)).flatMap { try? JSONSerialization.jsonObject(with: $0) } }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the newest records; -f to follow.")
        @OptionGroup var options: ClientOptions
        @Option(name: .short, help: "How many records.") var lines: Int = 20
        @Flag(name: .short, help: "Follow: keep printing new records.") var follow = false
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                let last = try await client.auditRecords(limit: 1).lastSequence
                var after = max(0, last - Int64(lines))
                var printedHeader = false
                repeat {
                    let page = try await client.auditRecords(afterSequence: after, limit: 1000, wait: follow ? 20 : 0)
                    if options.output == .json {
                        for record in page.records {
                            if let data = try? JSONEncoder().encode(record) { Terminal.printLine(String(decoding: data, as: UTF8.self)) }
                        }
                    } else if !page.records.isEmpty {
                        emit(.table, json: [], headers: AuditCommand.headers, rows: page.records.map(AuditCommand.row), header: !printedHeader)
                        printedHeader = true
                    }
                    after = page.records.last?.sequence ?? after
                } while follow
            }
        }
    }

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Records matching filters, oldest first.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var filters: Filters
        @Option(help: "At most this many records.") var limit: Int = 100
        @Option(help: "Only records after this sequence number.") var after: Int64?
        func run() async throws {
            try await runClient {
                let page = try await options.makeClient().auditRecords(filters.filter, afterSequence: after, limit: limit)
                emit(options.output, json: ["records": AuditCommand.json(page.records), "nextSequence": page.nextSequence as Any],
                     headers: AuditCommand.headers, rows: page.records.map(AuditCommand.row))
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every matching record as JSON lines, with CloudTrail-like field names.")
        @OptionGroup var options: ClientOptions
        @OptionGroup var filters: Filters
        @Option(help: "Output format (jsonl).") var format: String = "jsonl"
        func validate() throws { guard format == "jsonl" else { throw ValidationError("the only export format is jsonl") } }
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                var after: Int64? = nil
                while true {
                    let page = try await client.auditRecords(filters.filter, afterSequence: after, limit: 1000)
                    for record in page.records {
                        let line = AuditExport.cloudTrail(record, region: client.region)
                        if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes]) {
                            Terminal.printLine(String(decoding: data, as: UTF8.self))
                        }
                    }
                    guard let next = page.nextSequence else { break }
                    after = next
                }
            }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The newest signed checkpoint: save it elsewhere as an --anchor.")
        @OptionGroup var options: ClientOptions
        func run() async throws {
            try await runClient {
                let (checkpoint, _) = try await options.makeClient().auditCheckpoint()
                guard let checkpoint else { Terminal.printError("no checkpoint yet"); return }
                let data = try JSONEncoder().encode(checkpoint)
                Terminal.printLine(String(decoding: data, as: UTF8.self))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every hash and checkpoint signature: online through the API, or offline with --data-dir.",
            discussion: "Exits 0 when the log is intact and 65 at the first problem, naming its sequence number.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Verify offline: a stopped server's data directory (or a copy of it).") var dataDir: String?
        @Option(help: "A checkpoint saved earlier (JSON file from `kms audit checkpoint`): detects truncation.") var anchor: String?
        func run() async throws {
            var anchorEntry: AuditCheckpointEntry?
            if let anchor {
                guard let data = FileManager.default.contents(atPath: anchor),
                      let parsed = try? JSONDecoder().decode(AuditCheckpointEntry.self, from: data)
                else { throw ValidationError("cannot read the anchor checkpoint \(anchor)") }
                anchorEntry = parsed
            }
            let ok: Bool
            let summary: String
            if let dataDir {
                let pemPath = dataDir + "/audit-public.pem"
                guard let pem = FileManager.default.contents(atPath: pemPath).map({ String(decoding: $0, as: UTF8.self) }) else {
                    throw ValidationError("no \(pemPath): is \(dataDir) a kms data directory?")
                }
                let report = try AuditVerifier.verify(
                    databasePath: dataDir + "/audit.db", publicKey: AsymmetricPublicKey(pem: pem),
                    anchor: anchorEntry.map { AuditCheckpoint(sequence: $0.sequence, chainHash: $0.chainHash, time: $0.time, signature: $0.signature) })
                ok = report.ok
                summary = Self.describe(ok: report.ok, records: report.recordsChecked, checkpoints: report.checkpointsChecked,
                                        bad: report.firstBadSequence, problem: report.problem)
            } else {
                var result: AuditVerificationResult?
                try await runClient { result = try await options.makeClient().verifyAuditLog(anchor: anchorEntry) }
                guard let result else { throw ExitCode(ExitCodes.failure) }
                ok = result.ok
                summary = Self.describe(ok: result.ok, records: result.recordsChecked, checkpoints: result.checkpointsChecked,
                                        bad: result.firstBadSequence, problem: result.problem)
            }
            Terminal.printLine(summary)
            if !ok { throw ExitCode(ExitCodes.integrity) }
        }

        static func describe(ok: Bool, records: Int, checkpoints: Int, bad: Int64?, problem: String?) -> String {
            ok ? "audit log intact: \(records) records, \(checkpoints) signed checkpoints verified"
                : "audit log BROKEN at sequence \(bad.map(String.init) ?? "?"): \(problem ?? "unknown problem")"
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete records before the newest checkpoint below a sequence number (export them first).")
        @OptionGroup var options: ClientOptions
        @Option(help: "Prune records before this sequence number.") var before: Int64
        func run() async throws {
            try await runClient {
                let deleted = try await options.makeClient().pruneAuditLog(beforeSequence: before)
                Terminal.printLine("pruned \(deleted) records")
            }
        }
    }
}

/// CloudTrail-like export: the field names log tooling already understands.
enum AuditExport {
    static func cloudTrail(_ record: AuditRecordEntry, region: String) -> [String: Any] {
        var identity: [String: Any] = ["type": "IAMUser"]
        if let id = record.principalId { identity["principalId"] = id }
        if let name = record.principalName { identity["userName"] = name }
        if let key = record.accessKeyId { identity["accessKeyId"] = key }
        var parameters: [String: Any] = [:]
        if let reference = record.keyReference { parameters["keyId"] = reference }
        if let context = record.encryptionContext { parameters["encryptionContext"] = context }
        var additional: [String: Any] = ["sequence": record.sequence, "chainHash": record.hash, "api": record.api, "outcome": record.outcome]
        if let version = record.keyVersion { additional["keyVersion"] = version }
        if let grant = record.grantId { additional["grantId"] = grant }
        if let reason = record.reason { additional["denialReason"] = reason }
        var event: [String: Any] = [
            "eventVersion": "1.08", "eventTime": record.time, "eventSource": "kms.amazonaws.com", "eventName": record.action,
            "awsRegion": region, "requestID": record.requestId, "eventID": record.requestId, "eventType": "AwsApiCall",
            "userIdentity": identity, "requestParameters": parameters, "additionalEventData": additional,
        ]
        if let source = record.sourceAddress { event["sourceIPAddress"] = source }
        if let agent = record.userAgent { event["userAgent"] = agent }
        if let code = record.errorCode { event["errorCode"] = code }
        if let arn = record.keyArn {
            event["resources"] = [["type": "AWS::KMS::Key", "ARN": arn]]
        }
        return event
    }
}
