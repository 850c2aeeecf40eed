import Client
import Foundation
import KeyCrypto
import Testing

/// Decrypt's key filter (`--key`) takes key ARNs only: a message names its
/// wrapping keys by ARN, so an alias or key id could never match.
@Suite struct KeyFilterTests {
    @Test(arguments: ["alias/k", "arn:aws:kms:us-east-1:000000000000:alias/k", "k", "1234abcd-12ab-34cd-56ef-1234567890ab"])
    func decryptKeyFilterTakesOnlyKeyArns(key: String) async throws {
        let service = FakeKeyService(keys: ["k"])
        let message = try await collect(EnvelopeClient(provider: service, keyIds: ["k"]).encrypt(chunks([1])))
        #expect(throws: EnvelopeError(.notAKeyArn(key))) { try KMSKeyring.checkAllowedKeyArns([FakeKeyService.arn("k"), key]) }
        let reader = EnvelopeClient(provider: service, allowedKeyArns: [key])
        let code = await envelopeErrorCode { _ = try await collect(reader.decrypt(chunks(message))) }
        #expect(code == .notAKeyArn(key), "not 'no aws-kms data key for the allowed keys'")
        #expect(EnvelopeError(.notAKeyArn(key)).category == .invalidRequest)
        #expect(service.calls.filter { $0.operation == "Decrypt" }.isEmpty)
    }

    @Test func decryptKeyFilterWithAKeyArnStillWorks() async throws {
        let service = FakeKeyService(keys: ["k"])
        let message = try await collect(EnvelopeClient(provider: service, keyIds: ["k"]).encrypt(chunks([1])))
        #expect(throws: Never.self) { try KMSKeyring.checkAllowedKeyArns([FakeKeyService.arn("k")]) }
        let reader = EnvelopeClient(provider: service, allowedKeyArns: [FakeKeyService.arn("k")])
        #expect(try await collect(reader.decrypt(chunks(message))) == [1])
    }
}
