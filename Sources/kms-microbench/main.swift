import Client
import Foundation
import KeyCrypto
import KeyService
import Logging

// Per-operation costs of the request path's building blocks, in one process with
// nothing else running: what each step costs before HTTP, threads and the kernel
// add theirs. Prints µs per operation (median of 5 rounds).
//
//   swift run -c release kms-microbench

func microseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
}

/// Prints the median of per-iteration times (µs) under `name`.
func report(_ name: String, perIteration rounds: [Double]) {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0), String(format: "%8.2f µs", rounds.sorted()[rounds.count / 2]))
}

func measure(_ name: String, iterations: Int = 100_000, _ body: () throws -> Void) rethrows {
    var rounds: [Double] = []
    for _ in 0..<5 {
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        rounds.append(microseconds(ContinuousClock.now - start) / Double(iterations))
    }
    report(name, perIteration: rounds)
}

let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
let caller = Caller(principalId: "p", principalName: "bench", accessKeyId: "AKIDBENCH")
let secretBytes = SecureBytes(copying: Array(secret.utf8))  // the service keeps unwrapped secrets cached, too
let verifier = SigV4Verifier(region: "us-east-1") { id in id == "AKIDBENCH" ? (caller, secretBytes) : nil }
let body = Array(#"{"keyId":"arn:aws:kms:us-east-1:000000000000:key/0b0f1e8c-4d4c-4b8e-9d1a-2f3c4d5e6f70","keySpec":"AES_256","encryptionContext":{"project":"bench"}}"#.utf8)
let signer = SigV4Signer(credentials: Credentials(accessKeyId: "AKIDBENCH", secretAccessKey: secret), region: "us-east-1")
let now = Date()
let signed = try signer.sign(method: "POST", host: "127.0.0.1:8720", rawPath: "/v1/datakey",
                             headers: [("Content-Type", "application/json")], body: body, date: now)
let headers: [(name: String, value: String)] = [("host", "127.0.0.1:8720"), ("content-type", "application/json"),
                                                ("content-length", String(body.count)), ("user-agent", "wrk")]
    + signed.map { ($0.name.lowercased(), $0.value) }
let nowSeconds = Int64(now.timeIntervalSince1970)

try measure("SigV4 verify (signing key cached)") {
    _ = try body.withUnsafeBytes { bytes in
        try verifier.verify(.init(method: "POST", rawPath: "/v1/datakey", rawQuery: "", headers: headers, body: bytes), nowSeconds: nowSeconds)
    }
}
let key = try SecureBytes.random(count: 32)
let signingKey = try SigV4.signingKey(secret: SecureBytes(copying: Array(secret.utf8)), scope: .init(date: "20261129", region: "us-east-1", service: "kms"))
let canonical = String(repeating: "x", count: 400)
try measure("HMAC-SHA256 of 400 B") { _ = try HMAC.authenticate(.sha256, key: signingKey, data: Array(canonical.utf8)) }
try measure("SHA-256 of 150 B") { _ = try Digest.hash(.sha256, body) }
try measure("random 32 B") { _ = try SecureRandom.bytes(32) }
try measure("AES-256-GCM seal 32 B with AAD") {
    _ = try AESGCM.seal(key: key, nonce: try SecureRandom.bytes(12), plaintext: try SecureBytes.random(count: 32), aad: Array(repeating: 1, count: 60))
}
try measure("JSONSerialization parse of the GDK body") { _ = try JSONSerialization.jsonObject(with: Data(body)) }

// The core: GenerateDataKey through `KeyService.perform` (authorization, key lookup, data key, seal) on an in-memory store.
let service = try KeyService(store: MemoryKeyStore(), rootKey: try SecureBytes.random(count: 32))
guard let admin = try await service.bootstrapAdministrator(), let adminId = service.administratorId else { fatalError("no administrator") }
var quiet = Logger(label: "bench")
quiet.logLevel = .warning
let context = CallContext(requestId: "bench", caller: Caller(principalId: adminId, principalName: "admin", accessKeyId: admin.accessKeyId),
                          api: .rest, logger: quiet)
let created = try await service.perform(CreateKey.self, .init(), context: context)
let gdkInput = GenerateDataKey.Input(keyId: created.keyMetadata.arn, keySpec: "AES_256", encryptionContext: ["project": "bench"])
// Off the main actor, as a request task runs (top-level code is on the main actor: every await would hop threads).
let rounds = try await Task.detached { [service, gdkInput, context] in
    var rounds: [Double] = []
    for _ in 0..<5 {
        let start = ContinuousClock.now
        for _ in 0..<50_000 { _ = try await service.perform(GenerateDataKey.self, gdkInput, context: context) }
        rounds.append(microseconds(ContinuousClock.now - start) / 50_000)
    }
    return rounds
}.value
report("GenerateDataKey through the core", perIteration: rounds)

// The audit log: 64 concurrent appenders (group commit, fsync per batch) on a temporary file.
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kms-microbench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let audit = try AuditLog(path: directory.appendingPathComponent("audit.db").path, signingKey: try AsymmetricPrivateKey.generate(.ecP256))
let record = AuditRecord(sequence: 0, time: Timestamp.now().microseconds, requestId: "00000000-0000-4000-8000-000000000000",
                         principalId: adminId, principalName: "admin", accessKeyId: admin.accessKeyId, sourceAddress: "127.0.0.1",
                         userAgent: "wrk", api: "REST", action: "GenerateDataKey", keyId: created.keyMetadata.keyId, keyVersion: 1,
                         keyReference: created.keyMetadata.arn, encryptionContext: ["project": "bench"], outcome: .allowed)
let appends = 100_000
let seconds = try await Task.detached { [audit, record] in
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<64 {
            group.addTask { for _ in stride(from: worker, to: appends, by: 64) { try await audit.append(record) } }
        }
        try await group.waitForAll()
    }
    return (ContinuousClock.now - start) / .seconds(1)
}.value
print("audit append, 64 concurrent (group commit)".padding(toLength: 44, withPad: " ", startingAt: 0),
      String(format: "%8.2f µs wall per record (%.0f records/s)", seconds * 1e6 / Double(appends), Double(appends) / seconds))
