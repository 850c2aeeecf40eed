import Client
import Foundation
import KeyCrypto
import Testing

/// Messages written by `EnvelopeClient` read back to the same plaintext, for every
/// size around the frame boundaries, both writable suites, with and without context.
@Suite struct RoundTripTests {
    static let frame = 128
    static let sizes = [0, 1, frame - 1, frame, frame + 1, 10 * frame + 5, 300 * frame]

    @Test(arguments: AlgorithmSuite.writable, [false, true])
    func streamsRoundTripEverySize(suite: AlgorithmSuite, withContext: Bool) async throws {
        let service = FakeKeyService(keys: ["prod"])
        let client = EnvelopeClient(provider: service, keyIds: ["alias/prod"], options: EnvelopeOptions(frameLength: Self.frame, workers: 2,
                                                                                                           batchBytesPerWorker: 1024))
        let context = withContext ? ["project": "web", "commit": "3f2a9c"] : [:]
        for size in Self.sizes {
            let plaintext = pattern(size)
            let message = try await collect(client.encrypt(chunks(plaintext), suite: suite, context: context))
            let (header, _) = try #require(try HeaderParser.parse(message, atEnd: true))
            #expect(header.suite == suite)
            #expect(header.frameLength == UInt32(Self.frame))
            #expect((header.context[MessageContext.publicKeyName] != nil) == suite.isSigned)
            for (key, value) in context { #expect(header.context[key] == value) }
            let decrypted = try await collect(client.decrypt(chunks(message, size: 333), expectedContext: context))
            #expect(decrypted == plaintext, "size \(size)")
        }
    }

    @Test(arguments: AlgorithmSuite.writable)
    func filesRoundTripWithDefaultFramesOnAllWorkers(suite: AlgorithmSuite) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let client = EnvelopeClient(provider: FakeKeyService(keys: ["prod"]), keyIds: ["prod"])
        let frame = EnvelopeOptions.defaultFrameLength
        for size in [0, frame - 1, frame, frame + 1, 5 * (1 << 20) + 17] {
            let plain = directory.appendingPathComponent("in-\(size)").path
            let sealed = plain + ".kms", opened = plain + ".out"
            let plaintext = pattern(size)
            try Data(plaintext).write(to: URL(fileURLWithPath: plain))
            try await client.encryptFile(at: plain, to: sealed, suite: suite, context: ["size": "\(size)"])
            try await client.decryptFile(at: sealed, to: opened, expectedContext: ["size": "\(size)"])
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: opened))) == plaintext, "size \(size)")
        }
    }

    @Test(arguments: AlgorithmSuite.writable)
    func readAheadWithShortReadsRoundTrips(suite: AlgorithmSuite) async throws {
        // The encryptor reads the next batch on a worker while sealing this one;
        // short reads of odd sizes must still give every byte once, in order.
        let keyring = try vectorKeyring()
        let (context, signingKey) = try EncryptionMaterials.prepareContext(suite: suite, userContext: ["r": "1"])
        let dataKey = try SecureBytes.random(count: 32)
        let materials = try EncryptionMaterials(suite: suite, dataKey: dataKey, context: context,
                                                encryptedDataKeys: [try keyring.wrap(dataKey, context: context)], signingKey: signingKey)
        for total in [0, 127, 128, 4096 * 3, 300_001] {
            let plaintext = pattern(total)
            let encryptor = try EnvelopeEncryptor(materials: materials, options: EnvelopeOptions(frameLength: 128, workers: 2, batchBytesPerWorker: 1000))
            var message: [UInt8] = []
            var offset = 0
            var step = 1
            let sink: EnvelopeEncryptor.Sink = { message += $0.array; $0.release() }
            let lock = NSLock()
            while try encryptor.update(readingWith: { buffer in
                lock.withLock {
                    step = step % 997 + 13
                    let count = min(buffer.count, step, total - offset)
                    if count > 0 { plaintext.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) } }
                    offset += count
                    return count
                }
            }, sink: sink) {}
            try encryptor.finish(sink: sink)
            let client = EnvelopeClient(keyring: keyring)
            #expect(try await collect(client.decrypt(chunks(message))) == plaintext, "\(suite) \(total)")
        }
    }

    @Test func writerEndsExactMultiplesWithAnEmptyFinalFrame() async throws {
        // ESDK-Python refuses a full final frame, so the writer never makes one.
        let client = EnvelopeClient(provider: FakeKeyService(keys: ["k"]), keyIds: ["k"], options: EnvelopeOptions(frameLength: 128))
        let message = try await collect(client.encrypt(chunks(pattern(256))))
        let (_, consumed) = try #require(try HeaderParser.parse(message, atEnd: true))
        let finalFrame = Array(message[(consumed + 2 * (128 + 32))...])
        #expect(finalFrame.prefix(8) == [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 3])
        #expect(finalFrame[20..<24] == [0, 0, 0, 0])
        #expect(finalFrame.count == 40)
    }

    @Test func twoWrappingKeysEitherDecrypts() async throws {
        let service = FakeKeyService(keys: ["prod", "dr"])
        let writer = EnvelopeClient(provider: service, keyIds: ["prod", "dr"])
        let message = try await collect(writer.encrypt(chunks(pattern(1000)), context: ["a": "b"]))
        let (header, _) = try #require(try HeaderParser.parse(message, atEnd: true))
        #expect(header.encryptedDataKeys.map(\.kmsKeyArn) == [FakeKeyService.arn("prod"), FakeKeyService.arn("dr")])
        #expect(service.calls.map(\.operation) == ["GenerateDataKey", "Encrypt"])

        service.denied = [FakeKeyService.arn("prod")]
        let reader = EnvelopeClient(provider: service)
        #expect(try await collect(reader.decrypt(chunks(message))) == pattern(1000))
        let restricted = EnvelopeClient(provider: service, allowedKeyArns: [FakeKeyService.arn("dr")])
        #expect(try await collect(restricted.decrypt(chunks(message))) == pattern(1000))
        #expect(service.calls.last?.keyId == FakeKeyService.arn("dr"))
    }

    @Test func keyServiceSeesTheFullContextIncludingThePublicKey() async throws {
        let service = FakeKeyService(keys: ["prod", "dr"])
        let client = EnvelopeClient(provider: service, keyIds: ["prod", "dr"])
        let message = try await collect(client.encrypt(chunks(pattern(10)), suite: .committingSigned, context: ["project": "web"]))
        let (header, _) = try #require(try HeaderParser.parse(message, atEnd: true))
        let publicKey = try #require(header.context[MessageContext.publicKeyName])
        #expect(Base64.decode(publicKey)?.count == 49)
        for call in service.calls { #expect(call.context == ["project": "web", MessageContext.publicKeyName: publicKey]) }
        _ = try await collect(client.decrypt(chunks(message)))
        #expect(service.calls.last == .init(operation: "Decrypt", keyId: FakeKeyService.arn("prod"), context: header.context.dictionary))
    }

    @Test func reservedContextKeysAreRefused() async throws {
        let client = EnvelopeClient(provider: FakeKeyService(keys: ["k"]), keyIds: ["k"])
        let code = await envelopeErrorCode { _ = try await collect(client.encrypt(chunks([1]), context: ["aws-crypto-x": "1"])) }
        #expect(code == .reservedContextKey("aws-crypto-x"))
    }

    @Test func expectedContextMustMatch() async throws {
        let client = EnvelopeClient(provider: FakeKeyService(keys: ["k"]), keyIds: ["k"])
        let message = try await collect(client.encrypt(chunks(pattern(5)), context: ["project": "web"]))
        let code = await envelopeErrorCode { _ = try await collect(client.decrypt(chunks(message), expectedContext: ["project": "api"])) }
        #expect(code == .contextMismatch(key: "project"))
    }
}
