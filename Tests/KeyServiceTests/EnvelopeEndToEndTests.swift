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

    /// Rewrap re-encrypts the wrapped data key on the service: a principal with
    /// Decrypt and ReEncryptFrom on the old key and ReEncryptTo on the new one, and
    /// no Encrypt anywhere, can move files; the old key's EDK is gone afterwards.
    @Test func rewrapNeedsReEncryptNotEncrypt() async throws {
        try await withServer { admin in
            let old = try await admin.createKey(description: "old").arn
            let new = try await admin.createKey(description: "new").arn
            _ = try await admin.createRole(name: "rewrap-from", actions: ["kms:Decrypt", "kms:ReEncryptFrom"])
            _ = try await admin.createRole(name: "rewrap-to", actions: ["kms:ReEncryptTo"])
            let (_, accessKey) = try await admin.createPrincipal(name: "mover")
            _ = try await admin.createBinding(principal: "mover", role: "rewrap-from", scope: .key(old))
            _ = try await admin.createBinding(principal: "mover", role: "rewrap-to", scope: .key(new))
            let mover = try KeyServiceClient(
                endpoint: admin.endpoint,
                credentials: Credentials(accessKeyId: accessKey.accessKeyId, secretAccessKey: accessKey.secretAccessKey), maxAttempts: 1)
            await #expect(throws: (any Error).self, "the mover may not Encrypt") {
                _ = try await mover.encrypt(keyId: new, plaintext: SecureBytes(copying: [1, 2, 3]))
            }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let plain = directory.appendingPathComponent("a").path
            let plaintext = Data((0..<200_000).map { UInt8($0 % 11) })
            try plaintext.write(to: URL(fileURLWithPath: plain))
            let writer = EnvelopeClient(provider: admin, keyIds: [old], options: EnvelopeOptions(frameLength: 4096))
            for suite in AlgorithmSuite.writable {
                let sealed = plain + ".\(suite.id).kms", moved = plain + ".\(suite.id).new"
                let before = try await writer.encryptFile(at: plain, to: sealed, suite: suite, context: ["project": "web"])
                let input = open(sealed, O_RDONLY), output = open(moved, O_WRONLY | O_CREAT, 0o600)
                let after = try await EnvelopeClient(provider: mover, allowedKeyArns: [old])
                    .rewrap(input: input, output: output, to: KMSKeyring(provider: mover, keyIds: [new]))
                close(input)
                close(output)
                #expect(after.encryptedDataKeys.map(\.kmsKeyArn) == [new], "only the new key's EDK")
                #expect(after.messageId == before.messageId)
                #expect(after.context["project"] == "web")
                if suite.isSigned {
                    #expect(after.context[MessageContext.publicKeyName] != before.context[MessageContext.publicKeyName])
                } else {
                    #expect(after.context == before.context)
                }
                let out = plain + ".\(suite.id).out"
                try await EnvelopeClient(provider: admin, allowedKeyArns: [new]).decryptFile(at: moved, to: out)
                #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == plaintext)
                try? FileManager.default.removeItem(atPath: out)
                await #expect(throws: (any Error).self, "the old key no longer opens the rewrapped file") {
                    try await EnvelopeClient(provider: admin, allowedKeyArns: [old]).decryptFile(at: moved, to: out)
                }
            }
        }
    }
}
