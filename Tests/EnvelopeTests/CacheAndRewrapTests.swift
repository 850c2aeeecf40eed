import Client
import Foundation
import KeyCrypto
import Testing

/// Data-key caching across messages, and rewrapping messages to other keys.
@Suite struct CacheAndRewrapTests {
    @Test func cacheReusesADataKeyForAtMostNMessages() async throws {
        let service = FakeKeyService(keys: ["k"])
        let cache = DataKeyCache(limits: .init(maxMessages: 3, maxAge: .seconds(3600)))
        let client = EnvelopeClient(provider: service, keyIds: ["k"], cache: cache)
        var ids = Set<[UInt8]>()
        for index in 0..<7 {
            let message = try await collect(client.encrypt(chunks(pattern(index)), context: ["batch": "1"], plaintextLength: UInt64(index)))
            ids.insert(try #require(try HeaderParser.parse(message, atEnd: true)).header.messageId)
            #expect(try await collect(client.decrypt(chunks(message))) == pattern(index))
        }
        #expect(ids.count == 7, "every message has its own id")
        #expect(service.calls.filter { $0.operation == "GenerateDataKey" }.count == 3)
        #expect(service.calls.filter { $0.operation == "Decrypt" }.count == 3, "decryption reuses the data key too")
        // Another context is another cache entry.
        _ = try await collect(client.encrypt(chunks([1]), context: ["batch": "2"], plaintextLength: 1))
        #expect(service.calls.filter { $0.operation == "GenerateDataKey" }.count == 4)
    }

    @Test func cacheHonoursTheByteLimitAndUnknownLengths() async throws {
        let service = FakeKeyService(keys: ["k"])
        let client = EnvelopeClient(provider: service, keyIds: ["k"],
                                    cache: DataKeyCache(limits: .init(maxMessages: 100, maxBytes: 1000, maxAge: .seconds(3600))))
        for _ in 0..<4 { _ = try await collect(client.encrypt(chunks(pattern(400)), plaintextLength: 400)) }
        #expect(service.calls.count == 2, "400 + 400 fit in 1000 bytes, a third 400 does not")
        _ = try await collect(client.encrypt(chunks(pattern(10))))
        _ = try await collect(client.encrypt(chunks(pattern(10))))
        #expect(service.calls.count == 4, "unknown lengths bypass a byte-limited cache")
    }

    @Test func signedSuitesCacheTheSigningKeyWithTheDataKey() async throws {
        let service = FakeKeyService(keys: ["k"])
        let client = EnvelopeClient(provider: service, keyIds: ["k"], cache: DataKeyCache())
        let first = try await collect(client.encrypt(chunks(pattern(50)), suite: .committingSigned, plaintextLength: 50))
        let second = try await collect(client.encrypt(chunks(pattern(60)), suite: .committingSigned, plaintextLength: 60))
        #expect(service.calls.count == 1)
        #expect(try await collect(client.decrypt(chunks(first))) == pattern(50))
        #expect(try await collect(client.decrypt(chunks(second))) == pattern(60))
    }

    @Test(arguments: AlgorithmSuite.writable)
    func rewrapMovesTheMessageToNewKeysAndKeepsTheBody(suite: AlgorithmSuite) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = FakeKeyService(keys: ["old", "new", "dr"])
        let client = EnvelopeClient(provider: service, keyIds: ["old"], options: EnvelopeOptions(frameLength: 4096))
        let plain = directory.appendingPathComponent("a").path
        try Data(pattern(50_000)).write(to: URL(fileURLWithPath: plain))
        let before = try await client.encryptFile(at: plain, to: plain + ".kms", suite: suite, context: ["project": "web"])

        let callsBefore = service.calls.count
        let input = open(plain + ".kms", O_RDONLY), output = open(plain + ".new", O_WRONLY | O_CREAT, 0o600)
        let after = try await client.rewrap(input: input, output: output, to: KMSKeyring(provider: service, keyIds: ["new", "dr"]))
        close(input); close(output)
        #expect(after.encryptedDataKeys.map(\.kmsKeyArn) == [FakeKeyService.arn("new"), FakeKeyService.arn("dr")])
        #expect(after.messageId == before.messageId)
        #expect(after.context["project"] == "web")
        if !suite.isSigned { #expect(after.context == before.context, "an unsigned message keeps its context") }
        // One Decrypt (for the header tag), then ReEncrypt of that EDK per new key, bound to the new context; no Encrypt.
        let rewrapCalls = Array(service.calls.dropFirst(callsBefore))
        #expect(rewrapCalls == [
            .init(operation: "Decrypt", keyId: FakeKeyService.arn("old"), context: before.context.dictionary),
            .init(operation: "ReEncrypt", keyId: "new", context: after.context.dictionary),
            .init(operation: "ReEncrypt", keyId: "dr", context: after.context.dictionary),
        ])

        let old = Array(try Data(contentsOf: URL(fileURLWithPath: plain + ".kms")))
        let new = Array(try Data(contentsOf: URL(fileURLWithPath: plain + ".new")))
        let oldHeader = before.serialized.count, newHeader = after.serialized.count
        if suite.isSigned {
            #expect(after.context[MessageContext.publicKeyName] != before.context[MessageContext.publicKeyName])
            let oldBody = old[oldHeader...]
            #expect(new[newHeader..<(newHeader + 40_000)] == oldBody.prefix(40_000))
        } else {
            #expect(Array(new[newHeader...]) == Array(old[oldHeader...]), "the body is copied byte for byte")
        }
        service.denied = [FakeKeyService.arn("old")]
        let reader = EnvelopeClient(provider: service, allowedKeyArns: [FakeKeyService.arn("dr")])
        try await reader.decryptFile(at: plain + ".new", to: plain + ".out")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: plain + ".out"))) == pattern(50_000))
    }

    @Test(arguments: AlgorithmSuite.writable)
    func rewrapFromARawAESKeyEncryptsTheDataKeyForTheService(suite: AlgorithmSuite) async throws {
        let service = FakeKeyService(keys: ["new"])
        let client = EnvelopeClient(keyring: try vectorKeyring())
        let message = try await collect(client.encrypt(chunks(pattern(3000)), suite: suite, context: ["a": "b"]))
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.kms").path
        try Data(message).write(to: URL(fileURLWithPath: path))
        let input = open(path, O_RDONLY), output = open(path + ".new", O_WRONLY | O_CREAT, 0o600)
        let after = try await client.rewrap(input: input, output: output, to: KMSKeyring(provider: service, keyIds: ["new"]))
        close(input); close(output)
        #expect(service.calls == [.init(operation: "Encrypt", keyId: "new", context: after.context.dictionary)],
                "no service EDK to re-encrypt: the data key is encrypted")
        let reader = EnvelopeClient(provider: service, allowedKeyArns: [FakeKeyService.arn("new")])
        let rewrapped = Array(try Data(contentsOf: URL(fileURLWithPath: path + ".new")))
        #expect(try await collect(reader.decrypt(chunks(rewrapped))) == pattern(3000))
        let code = await envelopeErrorCode { _ = try await collect(client.decrypt(chunks(rewrapped))) }
        guard case .noDecryptableDataKey = code else {
            Issue.record("the raw AES EDK should be gone, got \(String(describing: code))")
            return
        }
    }

    @Test func rewrapRefusesATamperedSignedBody() async throws {
        let service = FakeKeyService(keys: ["old", "new"])
        let client = EnvelopeClient(provider: service, keyIds: ["old"], options: EnvelopeOptions(frameLength: 256))
        var message = try await collect(client.encrypt(chunks(pattern(2000)), suite: .committingSigned))
        message[message.count - 60] ^= 1
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.kms").path
        try Data(message).write(to: URL(fileURLWithPath: path))
        let input = open(path, O_RDONLY), output = open(path + ".new", O_WRONLY | O_CREAT, 0o600)
        defer { close(input); close(output) }
        let code = await envelopeErrorCode { _ = try await client.rewrap(input: input, output: output, to: KMSKeyring(provider: service, keyIds: ["new"])) }
        #expect(code == .signatureInvalid)
    }
}
