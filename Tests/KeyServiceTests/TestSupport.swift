import Foundation
import KeyCrypto
import Logging
import Synchronization
import Testing
@testable import KeyService

/// A clock the test sets and advances; the service reads it through `read`.
final class TestClock: Sendable {
    /// 2026-01-01T00:00:00Z.
    static let start = Timestamp(seconds: 1_767_225_600)
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp = TestClock.start) { current = Mutex(start) }

    var now: Timestamp { current.withLock { $0 } }
    var read: @Sendable () -> Timestamp { { self.now } }

    func advance(days: Int) { current.withLock { $0 = $0.adding(days: days) } }
    func advance(seconds: Int64) { current.withLock { $0 = $0.adding(seconds: seconds) } }
}

enum TestKeys {
    /// A fixed 32-byte root key (a test value, not a secret).
    static let root = SecureBytes(copying: (0..<32).map { UInt8($0 &* 7 &+ 3) })
    static let otherRoot = SecureBytes(copying: (0..<32).map { UInt8(255 - $0) })
}

/// A logger that drops everything (keeps test output readable).
let quietLogger = Logger(label: "kms-test") { _ in SwiftLogNoOpLogHandler() }

/// A `KeyService` over a store, with a fixed root key, a settable clock and the
/// bootstrap administrator as the caller.
struct ServiceHarness: Sendable {
    let service: KeyService
    let clock: TestClock
    let store: any KeyStore
    let context: CallContext

    static func make(
        store: any KeyStore = MemoryKeyStore(), rootKey: SecureBytes = TestKeys.root, clock: TestClock = TestClock(),
        logger: Logger = quietLogger
    ) async throws -> ServiceHarness {
        let service = try KeyService(store: store, rootKey: rootKey, clock: clock.read, logger: logger)
        _ = try await service.bootstrapAdministrator()
        let adminId = try #require(service.administratorId)
        return ServiceHarness(service: service, clock: clock, store: store, context: callContext(principalId: adminId, logger: logger))
    }

    static func callContext(principalId: String, name: String = "admin", logger: Logger = quietLogger) -> CallContext {
        CallContext(
            requestId: UUID().uuidString.lowercased(),
            caller: Caller(principalId: principalId, principalName: name, accessKeyId: "AKIATESTTESTTESTTEST"),
            api: .rest, logger: logger)
    }

    /// Creates a key and returns its id.
    func createKey(description: String = "", tags: [WireTag]? = nil) async throws -> String {
        try await perform(CreateKey.self, .init(description: description, tags: tags)).keyMetadata.keyId
    }

    func describe(_ keyId: String) async throws -> KeyMetadata {
        try await perform(DescribeKey.self, .init(keyId: keyId)).keyMetadata
    }

    func encrypt(_ keyId: String, _ plaintext: [UInt8], context: [String: String]? = nil) async throws -> [UInt8] {
        try await perform(Encrypt.self, .init(keyId: keyId, plaintext: secret(plaintext), encryptionContext: context)).ciphertextBlob.bytes
    }

    func decrypt(_ blob: [UInt8], context: [String: String]? = nil, keyId: String? = nil) async throws -> [UInt8] {
        try await perform(Decrypt.self, .init(ciphertextBlob: Blob(blob), encryptionContext: context, keyId: keyId)).plaintext.bytes.exportBytes()
    }

    func createAlias(_ name: String, target: String) async throws {
        _ = try await perform(CreateAlias.self, .init(aliasName: name, targetKeyId: target))
    }

    func aliases(keyId: String? = nil) async throws -> [String: String] {
        let entries = try await perform(ListAliases.self, .init(keyId: keyId, limit: 100)).aliases
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.aliasName, $0.targetKeyId) })
    }

    func rotations(_ keyId: String) async throws -> [ListKeyRotations.Entry] {
        try await perform(ListKeyRotations.self, .init(keyId: keyId)).rotations
    }

    var partition: Partition { service.partition }
}

func secret(_ bytes: [UInt8]) -> SecretBlob { SecretBlob(SecureBytes(copying: bytes)) }
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Expects `body` to fail with a `KMSError` of `code`.
func expectError<T>(
    _ code: KMSError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected \(code) but the call succeeded. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as KMSError {
        #expect(error.code == code, "got \(error) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected KMSError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// A fresh directory under the system temporary directory, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kms-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Collects every log event (message, metadata, error) so a test can search them.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    /// A logger at trace level writing here.
    func logger(label: String = "kms-test") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let error = event.error.map { " error=\(String(reflecting: $0))" } ?? ""
        capture.append("\(event.level) \(event.message) \(all)\(error)")
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    var description: String
}

/// Runs `operation`, failing with `TimeoutError` if it takes longer than `limit`.
func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String = "operation", _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError(description: "\(what) did not finish within \(limit)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
