import Client
import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// The server's data directory: created private on first start, locked while
/// a server uses it, and reused (keys and credentials) on restart.
@Suite(.timeLimit(.minutes(3))) struct DataDirectoryTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func firstStartCreatesAPrivateDirectoryAndWorkingCredentials() async throws {
        let parent = try TemporaryDirectory()
        defer { parent.cleanup() }
        let path = parent.path + "/data"
        let live = try await LiveServer.build(storage: .dataDirectory(path), rootKey: nil)
        #expect(try mode(path) == 0o700)
        #expect(try mode(path + "/root.key") == 0o600)
        #expect(try mode(path + "/admin.credentials") == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: path + "/root.key")[.size] as? Int == 32)

        let issued = try #require(live.server.bootstrapCredentials)
        let (credentials, region) = try Credentials.load(file: path + "/admin.credentials")
        #expect(credentials.accessKeyId == issued.accessKeyId)
        #expect(credentials.secretAccessKey == issued.secretAccessKey)
        #expect(region == "us-east-1")
        try await live.run { endpoint, _ in
            let client = try LiveServer.client(endpoint, credentials)
            let key = try await client.createKey(description: "from the credentials file")
            #expect(try await client.describeKey(key.keyId).description == "from the credentials file")
        }
    }

    @Test func secondServerOnTheSameDirectoryIsRefusedWhileTheFirstRuns() async throws {
        let parent = try TemporaryDirectory()
        defer { parent.cleanup() }
        let path = parent.path + "/data"
        var first: KeyServer? = try await buildApplication(configuration: configuration(path), logger: quietLogger)
        #expect(first?.bootstrapCredentials != nil)
        do {
            _ = try await buildApplication(configuration: configuration(path), logger: quietLogger)
            Issue.record("a second server started on a locked data directory")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("lock"), "\(error)")
        }
        #expect(first?.dataDirectory?.path == path)
        first = nil
        // Once the first is gone the directory can be used again.
        let again = try await buildApplication(configuration: configuration(path), logger: quietLogger)
        #expect(again.bootstrapCredentials == nil)
    }

    @Test func restartReusesKeysAndCredentials() async throws {
        let parent = try TemporaryDirectory()
        defer { parent.cleanup() }
        let path = parent.path + "/data"
        var firstLive: LiveServer? = try await LiveServer.build(storage: .dataDirectory(path), rootKey: nil)
        let (credentials, _) = try Credentials.load(file: path + "/admin.credentials")
        let credentialsFile = try String(contentsOfFile: path + "/admin.credentials", encoding: .utf8)
        let rootKey = try Data(contentsOf: URL(fileURLWithPath: path + "/root.key"))
        let made = try await #require(firstLive).run { endpoint, _ in
            let client = try LiveServer.client(endpoint, credentials)
            let key = try await client.createKey().keyId
            try await client.createAlias("alias/kept", targetKeyId: key)
            let blob = try await client.encrypt(keyId: "alias/kept", plaintext: SecureBytes(copying: utf8("survives restarts")),
                                                context: ["stage": "one"]).ciphertextBlob
            return (key, blob)
        }
        firstLive = nil
        try await waitUntilUnlocked(path)

        let secondLive = try await LiveServer.build(storage: .dataDirectory(path), rootKey: nil)
        #expect(secondLive.server.bootstrapCredentials == nil)
        #expect(try String(contentsOfFile: path + "/admin.credentials", encoding: .utf8) == credentialsFile)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/root.key")) == rootKey)
        try await secondLive.run { endpoint, _ in
            let client = try LiveServer.client(endpoint, credentials)
            #expect(try await client.allKeys().map(\.keyId) == [made.0])
            let opened = try await client.decrypt(ciphertextBlob: made.1, context: ["stage": "one"])
            #expect(opened.plaintext == SecureBytes(copying: utf8("survives restarts")))
            #expect(try await client.describeKey("alias/kept").keyId == made.0)
        }
    }

    @Test func rootKeyReadableByOthersIsRefused() async throws {
        let parent = try TemporaryDirectory()
        defer { parent.cleanup() }
        let path = parent.path + "/data"
        do {
            let first = try await buildApplication(configuration: configuration(path), logger: quietLogger)
            #expect(first.bootstrapCredentials != nil)
        }
        try await waitUntilUnlocked(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path + "/root.key")
        await #expect(throws: ConfigurationError.self) { try await buildApplication(configuration: configuration(path), logger: quietLogger) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + "/root.key")
        #expect(try await buildApplication(configuration: configuration(path), logger: quietLogger).bootstrapCredentials == nil)
    }

    /// A directory that holds state never gets a new root key: a missing root.key is a
    /// clear configuration error and nothing is created; a different key is named as such.
    @Test func aMissingOrWrongRootKeyIsRefusedAndNeverReplaced() async throws {
        let parent = try TemporaryDirectory()
        defer { parent.cleanup() }
        let path = parent.path + "/data"
        do { _ = try await buildApplication(configuration: configuration(path), logger: quietLogger) }
        try await waitUntilUnlocked(path)
        let original = try #require(FileManager.default.contents(atPath: path + "/root.key"))
        try FileManager.default.removeItem(atPath: path + "/root.key")
        do {
            _ = try await buildApplication(configuration: configuration(path), logger: quietLogger)
            Issue.record("started without its root key")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("is missing"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: path + "/root.key"), "a new root key was made")
        // A directory left with one database only: refused too, and no other database is made.
        let partial = parent.path + "/partial"
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: path + "/kms.db", toPath: partial + "/kms.db")
        await #expect(throws: ConfigurationError.self) { try await buildApplication(configuration: configuration(partial), logger: quietLogger) }
        #expect(!FileManager.default.fileExists(atPath: partial + "/audit.db") && !FileManager.default.fileExists(atPath: partial + "/root.key"))
        try await waitUntilUnlocked(path)
        var wrong = [UInt8](repeating: 0x42, count: 32)
        _ = wrong.withUnsafeMutableBytes { FileManager.default.createFile(atPath: path + "/root.key", contents: Data($0), attributes: [.posixPermissions: 0o600]) }
        do {
            _ = try await buildApplication(configuration: configuration(path), logger: quietLogger)
            Issue.record("started with another root key")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("does not open this data directory"), "\(error)")
        }
        wrong = []
        try await waitUntilUnlocked(path)
        try FileManager.default.removeItem(atPath: path + "/root.key")
        FileManager.default.createFile(atPath: path + "/root.key", contents: original, attributes: [.posixPermissions: 0o600])
        #expect(try await buildApplication(configuration: configuration(path), logger: quietLogger).bootstrapCredentials == nil)
    }

    /// A busy or unresolvable listening address stops the start before the data
    /// directory is made (it used to be made, with the admin secret printed, first).
    @Test func aBusyOrUnknownAddressCreatesNothing() async throws {
        let parent = try TemporaryDirectory()
        defer { parent.cleanup() }
        let busy = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(busy) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(busy, $0, length) == 0 && listen(busy, 1) == 0 && getsockname(busy, $0, &length) == 0 }
        }
        try #require(bound)
        var taken = configuration(parent.path + "/taken")
        taken.port = Int(UInt16(bigEndian: address.sin_port))
        do {
            _ = try await buildApplication(configuration: taken, logger: quietLogger)
            Issue.record("started on a busy port")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("already in use"), "\(error)")
        }
        var unknown = configuration(parent.path + "/unknown")
        unknown.host = "no-such-host.invalid"
        await #expect(throws: ConfigurationError.self) { try await buildApplication(configuration: unknown, logger: quietLogger) }
        #expect(!FileManager.default.fileExists(atPath: parent.path + "/taken") && !FileManager.default.fileExists(atPath: parent.path + "/unknown"))
    }

    private func configuration(_ path: String) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.storage = .dataDirectory(path)
        return configuration
    }

    /// Waits (bounded) until the previous server released the directory lock.
    private func waitUntilUnlocked(_ path: String) async throws {
        for _ in 0..<50 {
            if (try? DataDirectory(path: path)) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TimeoutError(description: "the data directory \(path) stayed locked")
    }
}
