import Client
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeyCrypto
import Logging
import Testing

@testable import KeyService

/// Configuration file, rate limits, readiness, metrics and backups.
@Suite struct ProductionTests {
    func writeTemporary(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "kms-config-\(UUID().uuidString).toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func configFileReadsEveryKindOfValue() throws {
        let path = try writeTemporary("""
            # comment
            listen = "0.0.0.0:9000"   # trailing comment with a "quote"
            data_dir = "/var/lib/kms#1"
            [audit]
            checkpoint_every = 1_000
            [webhook]
            actions = ["DisableKey", "ScheduleKeyDeletion"]
            """)
        let file = try ConfigFile(path: path)
        #expect(file.string("listen") == "0.0.0.0:9000")
        #expect(file.string("data_dir") == "/var/lib/kms#1")
        #expect(file.integer("audit.checkpoint_every") == 1000)
        #expect(file.strings("webhook.actions") == ["DisableKey", "ScheduleKeyDeletion"])
    }

    @Test(arguments: [
        ("bogus = 1", ":1: unknown setting 'bogus'"),
        ("[nope]", ":1: unknown section [nope]"),
        ("listen = 5", ":1: 'listen' must be a string"),
        ("listen = \"a\"\nlisten = \"b\"", ":2: 'listen' is set twice"),
        ("listen = \"unterminated", ":1: unterminated or malformed string"),
        ("listen", ":1: expected key = value"),
        ("[audit]\ncheckpoint_every = \"x\"", ":2: 'audit.checkpoint_every' must be a integer"),
    ])
    func configFileRefusesMistakesNamingTheLine(text: String, expected: String) throws {
        let path = try writeTemporary(text)
        #expect {
            try ConfigFile(path: path)
        } throws: { error in
            (error as? ConfigFileError)?.description.hasSuffix(expected) ?? false
        }
    }

    @Test func rateLimiterAllowsTheBurstThenRefillsAtTheRate() {
        let limiter = RateLimiter(rate: 10, burst: 3)
        let start = ContinuousClock.now
        #expect((0..<3).allSatisfy { _ in limiter.allow("p", now: start) })
        #expect(!limiter.allow("p", now: start))
        #expect(limiter.allow("q", now: start), "buckets are per principal")
        #expect(!limiter.allow("p", now: start + .milliseconds(50)))
        #expect(limiter.allow("p", now: start + .milliseconds(150)))
    }

    @Test func throttledRequestsGet429AndReadinessAndMetricsAnswer() async throws {
        var configuration = ServerConfiguration()
        configuration.storage = .memory
        configuration.port = 0
        configuration.rateLimit = (rate: 0.001, burst: 2)
        let server = try await buildApplication(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let issued = try #require(server.bootstrapCredentials)
        let credentials = Credentials(accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey)
        try await server.application.test(.router) { client in
            let signed = RouterTests.SignedClient(client: client, credentials: credentials)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 { statuses.append(try await signed.send(.get, "/v1/keys").status) }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            try await client.execute(uri: "/v1/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""ready":true"#))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"kms_requests_total{action="ListKeys",outcome="allowed"} 2"#))
                #expect(text.contains("kms_throttled_total 1"))
                #expect(text.contains("kms_audit_healthy 1"))
            }
        }
    }

    @Test func backupRestoresOnlyWithTheRightRootKey() async throws {
        let base = NSTemporaryDirectory() + "kms-backup-\(UUID().uuidString)"
        var configuration = ServerConfiguration()
        configuration.storage = .dataDirectory(base + "/data")
        configuration.port = 0
        var blob: [UInt8] = []
        do {
            let server = try await buildApplication(configuration: configuration, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
            let caller = CallContext(requestId: "r", caller: Caller(principalId: server.service.administratorId!, principalName: "admin", accessKeyId: "A"),
                                     api: .rest, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
            let key = try await server.service.perform(CreateKey.self, .init(), context: caller).keyMetadata.keyId
            blob = try await server.service.perform(
                Encrypt.self, .init(keyId: key, plaintext: SecretBlob(SecureBytes(copying: Array("backup me".utf8)))), context: caller
            ).ciphertextBlob.bytes
            try Backup.create(dataDirectory: base + "/data", output: base + "/backup.tar")
        }
        let rootKey = try FileRootKeyProvider(path: base + "/data/root.key", createIfMissing: false).loadRootKey()
        #expect(throws: ConfigurationError.self) {
            try Backup.restore(archive: base + "/backup.tar", dataDirectory: base + "/wrong", rootKey: try SecureBytes.random(count: 32), force: false)
        }
        // A damaged archive is refused before anything is installed.
        var damaged = try Array(Data(contentsOf: URL(fileURLWithPath: base + "/backup.tar")))
        damaged[damaged.count / 2] ^= 0xff
        try Data(damaged).write(to: URL(fileURLWithPath: base + "/damaged.tar"))
        #expect(throws: ConfigurationError.self) {
            try Backup.restore(archive: base + "/damaged.tar", dataDirectory: base + "/other", rootKey: rootKey, force: false)
        }
        #expect(!FileManager.default.fileExists(atPath: base + "/other/kms.db") || (try? FileManager.default.attributesOfItem(atPath: base + "/other/kms.db")[.size] as? Int) == 0)
        let report = try Backup.restore(archive: base + "/backup.tar", dataDirectory: base + "/restored", rootKey: rootKey, force: false)
        #expect(report.keys == 1)
        // The restored store opens and decrypts what was encrypted before the backup.
        let service = try KeyService(store: SQLiteKeyStore(path: base + "/restored/kms.db"), rootKey: rootKey,
                                     logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        let restoredAdmin = CallContext(requestId: "r", caller: Caller(principalId: service.administratorId!, principalName: "admin", accessKeyId: "A"),
                                        api: .rest, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        let opened = try await service.perform(Decrypt.self, .init(ciphertextBlob: Blob(blob)), context: restoredAdmin)
        #expect(opened.plaintext.bytes.exportBytes() == Array("backup me".utf8))
        // The restored directory holds the root key that opens it (it starts), written 0600.
        #expect(try FileRootKeyProvider(path: base + "/restored/root.key", createIfMissing: false).loadRootKey() == rootKey)
        // A directory whose own root.key is another is refused, even with --force, and left as it was.
        try FileManager.default.createDirectory(atPath: base + "/foreign", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let foreign = try SecureBytes.random(count: 32)
        FileManager.default.createFile(atPath: base + "/foreign/root.key", contents: Data(foreign.withUnsafeBytes { Array($0) }),
                                       attributes: [.posixPermissions: 0o600])
        do {
            _ = try Backup.restore(archive: base + "/backup.tar", dataDirectory: base + "/foreign", rootKey: rootKey, force: true)
            Issue.record("restored under another root key")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("is not the root key that opens this backup"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: base + "/foreign/kms.db"))
    }
}
