import Client
import Foundation
import KeyCrypto
import Testing

/// The number of wrapping keys: the writer keeps to the reader's limit, repeated
/// keys count once, and the reader's limit can be changed.
@Suite struct KeyLimitTests {
    static let names = (0...64).map { "k\($0)" }

    @Test func writerRefusesMoreKeysThanTheReaderTakes() async throws {
        let service = FakeKeyService(keys: Self.names)
        let client = EnvelopeClient(provider: service, keyIds: Self.names)
        let code = await envelopeErrorCode { _ = try await collect(client.encrypt(chunks([1, 2, 3]))) }
        #expect(code == .tooManyEncryptedDataKeys(count: 65, limit: 64))
    }

    @Test func repeatedKeysWrapOnce() async throws {
        let service = FakeKeyService(keys: ["a", "b"])
        let keyring = KMSKeyring(provider: service, keyIds: ["a", "b", "a", "b", "a"])
        #expect(keyring.keyIds == ["a", "b"])
        let message = try await collect(EnvelopeClient(keyring: keyring).encrypt(chunks([1])))
        let header = try #require(try HeaderParser.parse(message, atEnd: true)).header
        #expect(header.encryptedDataKeys.count == 2)
    }

    @Test func readerLimitIsConfigurable() async throws {
        let names = Array(Self.names.prefix(5))
        let service = FakeKeyService(keys: names)
        let message = try await collect(EnvelopeClient(provider: service, keyIds: names).encrypt(chunks(pattern(100))))
        let strict = EnvelopeClient(provider: service, options: EnvelopeOptions(limits: EnvelopeLimits(maxEncryptedDataKeys: 4)))
        let code = await envelopeErrorCode { _ = try await collect(strict.decrypt(chunks(message))) }
        #expect(code == .tooManyEncryptedDataKeys(count: 5, limit: 4))
        let enough = EnvelopeClient(provider: service, options: EnvelopeOptions(limits: EnvelopeLimits(maxEncryptedDataKeys: 5)))
        #expect(try await collect(enough.decrypt(chunks(message))) == pattern(100))
    }
}
