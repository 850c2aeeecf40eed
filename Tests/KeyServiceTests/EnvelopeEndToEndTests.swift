import Client
import Foundation
import Hummingbird
import KeyCrypto
import KeyService
import NIOCore
import Testing

/// Envelope encryption against a real server on a loopback port: the KMS keyring
/// through `KeyServiceClient` (SigV4, REST), context binding, two wrapping keys,
/// restriction to key ARNs, and rewrap.
@Suite struct EnvelopeEndToEndTests {
    /// Runs `body` with a client of a fresh in-memory server on port 0.
    func withServer(_ body: @Sendable (KeyServiceClient) async throws -> Void) async throws {
        var configuration = ServerConfiguration()
        configuration.storage = .memory
        configuration.port = 0
        let port = AsyncStream<Int>.makeStream()
        let server = try await buildApplication(configuration: configuration, onServerRunning: { channel in
            port.continuation.yield(channel.localAddress?.port ?? 0)
            port.continuation.finish()
        })
        let credentials = try #require(server.bootstrapCredentials)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.application.run() }
            var iterator = port.stream.makeAsyncIterator()
            let boundPort = try #require(await iterator.next())
            let client = try KeyServiceClient(
                endpoint: "http://127.0.0.1:\(boundPort)",
                credentials: Credentials(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey))
            do {
                try await body(client)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    @Test func messagesRoundTripThroughTheServiceAndBindTheContext() async throws {
        try await withServer { service in
            let prod = try await service.createKey(description: "prod").arn
            let recovery = try await service.createKey(description: "dr").arn
            try await service.createAlias("alias/artifacts", targetKeyId: prod)
            let writer = EnvelopeClient(provider: service, keyIds: ["alias/artifacts", recovery],
                                        options: EnvelopeOptions(frameLength: 4096))
            for suite in AlgorithmSuite.writable {
                let plaintext = (0..<100_000).map { UInt8($0 % 253) }
                var message: [UInt8] = []
                for try await chunk in writer.encrypt(AsyncStream { $0.yield(plaintext); $0.finish() }, suite: suite, context: ["project": "web"]) {
                    message += chunk
                }
                let (header, _) = try #require(try HeaderParser.parse(message, atEnd: true))
                #expect(header.encryptedDataKeys.compactMap(\.kmsKeyArn) == [prod, recovery])

                for arn in [prod, recovery] {
                    let reader = EnvelopeClient(provider: service, allowedKeyArns: [arn])
                    var opened: [UInt8] = []
                    for try await chunk in reader.decrypt(AsyncStream { $0.yield(message); $0.finish() }, expectedContext: ["project": "web"]) {
                        opened += chunk
                    }
                    #expect(opened == plaintext)
                }
                // The service binds the context: an EDK replayed under another context does not open.
                let keyring = KMSKeyring(provider: service)
                await #expect(throws: (any Error).self) {
                    _ = try await keyring.decryptDataKey(header.encryptedDataKeys, suite: suite, context: MessageContext(["project": "api"]))
                }
            }
        }
    }

    @Test func rewrapMovesAFileToAnotherKey() async throws {
        try await withServer { service in
            let old = try await service.createKey(description: "old").arn
            let new = try await service.createKey(description: "new").arn
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let plain = directory.appendingPathComponent("a").path
            try Data((0..<300_000).map { UInt8($0 % 7) }).write(to: URL(fileURLWithPath: plain))
            let client = EnvelopeClient(provider: service, keyIds: [old])
            try await client.encryptFile(at: plain, to: plain + ".kms", suite: .committingSigned, context: ["k": "v"])
            let input = open(plain + ".kms", O_RDONLY), output = open(plain + ".new", O_WRONLY | O_CREAT, 0o600)
            _ = try await client.rewrap(input: input, output: output, to: KMSKeyring(provider: service, keyIds: [new]))
            close(input)
            close(output)
            try await service.disableKey(old)
            try await EnvelopeClient(provider: service, allowedKeyArns: [new]).decryptFile(at: plain + ".new", to: plain + ".out")
            #expect(try Data(contentsOf: URL(fileURLWithPath: plain + ".out")) == Data(contentsOf: URL(fileURLWithPath: plain)))
        }
    }
}
