import Client
import Foundation
import KeyCrypto
import Testing

/// Messages made by the official AWS Encryption SDK (the reference's §11 vectors
/// and ESDK-Python's output in `keys-fixtures/envelope/`) decrypt with the raw AES
/// key they were made with, and the derived keys match the published values.
@Suite struct KnownAnswerTests {
    struct Manifest: Decodable {
        struct Message: Decodable {
            var file: String
            var suite: String
            var plaintextLength: Int
            var frameLength: Int
            var encryptionContext: [String: String]
        }
        var messages: [Message]
    }

    static func decrypt(_ message: [UInt8]) async throws -> (MessageHeader, [UInt8]) {
        let client = EnvelopeClient(keyring: try vectorKeyring(), options: EnvelopeOptions(workers: 2))
        let (header, _) = try #require(try HeaderParser.parse(message, atEnd: true))
        return (header, try await collect(client.decrypt(chunks(message, size: 100))))
    }

    static func reference(_ suite: String) throws -> [UInt8] {
        let text = try String(contentsOf: envelopeFixtures.appendingPathComponent("reference-\(suite).b64"), encoding: .utf8)
        return try #require(Base64.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test(arguments: ["0478", "0578", "0178"])
    func referenceVectorsDecrypt(suite: String) async throws {
        let (header, plaintext) = try await Self.decrypt(try Self.reference(suite))
        #expect(header.suite.id == UInt16(suite, radix: 16))
        #expect(header.context["purpose"] == "reference-vector")
        #expect(header.context["b-key"] == "value-é")
        #expect(plaintext == (0..<300).map { UInt8($0 % 256) })
    }

    @Test func referenceKeyDerivationMatchesPublishedValues() throws {
        let message = try Self.reference("0478")
        let (header, _) = try #require(try HeaderParser.parse(message, atEnd: true))
        #expect(Hex.encode(header.messageId) == "8652eb4757a9e573bdfe15e24409f5d40cb190d051c61ba628b8e8fbdb4a6293")
        let dataKey = try #require(try vectorKeyring().unwrap(header.encryptedDataKeys, suite: header.suite, context: header.context))
        #expect(Hex.encode(dataKey.exportBytes()) == "f270069567d396d83cba9343aa197a38135d09b1bcf9dbd4d573d51b82864340")
        let keys = try MessageKeys(suite: header.suite, dataKey: dataKey, messageId: header.messageId)
        #expect(Hex.encode(keys.contentKey.exportBytes()) == "9709971ef2895e524abc833aa84ab8a7be630838653e669cd2b3cf6430f843fd")
        #expect(Hex.encode(keys.commitment) == "4568383674870c41f5d663032411aa4e797bfc7ab0d759656a690f1e2f7a131d")
        #expect(keys.commitment == header.commitment)

        let legacy = try #require(try HeaderParser.parse(try Self.reference("0178"), atEnd: true)).header
        let legacyKey = try #require(try vectorKeyring().unwrap(legacy.encryptedDataKeys, suite: legacy.suite, context: legacy.context))
        let legacyKeys = try MessageKeys(suite: legacy.suite, dataKey: legacyKey, messageId: legacy.messageId)
        #expect(Hex.encode(legacyKeys.contentKey.exportBytes()) == "4c68d31307e24179b7f1c9e67f832d71a3c6e919c0cfec8e3bffb3819608a5ee")
    }

    @Test func esdkPythonMessagesDecrypt() async throws {
        let data = try Data(contentsOf: envelopeFixtures.appendingPathComponent("manifest.json"))
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        #expect(manifest.messages.count == 28)
        for entry in manifest.messages {
            let message = Array(try Data(contentsOf: envelopeFixtures.appendingPathComponent(entry.file)))
            let (header, plaintext) = try await Self.decrypt(message)
            #expect("0x" + Hex.encode(header.suite.idBytes) == entry.suite, "\(entry.file)")
            #expect(Int(header.frameLength) == entry.frameLength)
            #expect(header.context.removing(MessageContext.publicKeyName).dictionary == entry.encryptionContext)
            #expect(plaintext == (0..<entry.plaintextLength).map { UInt8($0 % 256) }, "\(entry.file)")
        }
    }

    @Test func esdkPythonMessagesWithAWrongKeyAreRefused() async throws {
        let other = try RawAESKeyring(namespace: "aws-raw-vectors-persistent", name: "aes-256", wrappingKey: try SecureBytes.random(count: 32))
        let client = EnvelopeClient(keyring: other)
        let message = Array(try Data(contentsOf: envelopeFixtures.appendingPathComponent("esdk-python-0478-129-f128.bin")))
        let code = await envelopeErrorCode { _ = try await collect(client.decrypt(chunks(message))) }
        guard case .noDecryptableDataKey = code else {
            Issue.record("expected noDecryptableDataKey, got \(String(describing: code))")
            return
        }
    }

    @Test func ourMessagesUseTheRawAESLayoutTheSDKReads() async throws {
        // The reverse direction runs in Tests/Interop (ESDK-Python decrypts these);
        // here: a raw-AES message of ours parses with the SDK's EDK layout.
        let client = EnvelopeClient(keyring: try vectorKeyring())
        let message = try await collect(client.encrypt(chunks(pattern(300)), context: ["purpose": "reference-vector"]))
        let (header, _) = try #require(try HeaderParser.parse(message, atEnd: true))
        let key = try #require(header.encryptedDataKeys.first)
        #expect(key.providerId == "aws-raw-vectors-persistent")
        #expect(Array(key.providerInfo.prefix(15)) == Array("aes-256".utf8) + [0, 0, 0, 0x80, 0, 0, 0, 0x0c])
        #expect(key.providerInfo.count == 7 + 8 + 12 && key.ciphertext.count == 48)
        #expect(try await collect(client.decrypt(chunks(message))) == pattern(300))
    }
}
