import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// The keyring binds every wrapped secret to its owner; the placeholder
/// authorizer lets only the bootstrap administrator in.
@Suite struct KeyringAndAuthorizationTests {
    private let keyA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    private let keyB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"

    @Test func wrappedMaterialOpensOnlyForItsKeyAndVersion() throws {
        let keyring = try Keyring(rootKey: TestKeys.root)
        let material = try SecureBytes.random(count: 32)
        let wrapped = try keyring.wrapMaterial(material, keyId: keyA, version: 1)
        #expect(wrapped.count == 12 + 32 + 16)
        #expect(try keyring.unwrapMaterial(wrapped, keyId: keyA, version: 1) == material)
        #expect(throws: CryptoError.self) { try keyring.unwrapMaterial(wrapped, keyId: keyA, version: 2) }
        #expect(throws: CryptoError.self) { try keyring.unwrapMaterial(wrapped, keyId: keyB, version: 1) }
        #expect(throws: CryptoError.self) { try keyring.unwrapSecret(wrapped, accessKeyId: keyA) }
        #expect(throws: CryptoError.self) { try Keyring(rootKey: TestKeys.otherRoot).unwrapMaterial(wrapped, keyId: keyA, version: 1) }
        #expect(throws: CryptoError.self) { try keyring.unwrapMaterial(Array(wrapped.prefix(27)), keyId: keyA, version: 1) }
        // Wrapping is randomised: the same material wraps differently each time.
        #expect(try keyring.wrapMaterial(material, keyId: keyA, version: 1) != wrapped)
        #expect(!wrapped.windows(ofCount: 32).contains { Array($0) == material.exportBytes() })
    }

    @Test func wrappedSecretsOpenOnlyForTheirAccessKey() throws {
        let keyring = try Keyring(rootKey: TestKeys.root)
        let secret = SecureBytes(copying: utf8("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
        let wrapped = try keyring.wrapSecret(secret, accessKeyId: "AKIAAAAAAAAAAAAAAAAA")
        #expect(try keyring.unwrapSecret(wrapped, accessKeyId: "AKIAAAAAAAAAAAAAAAAA") == secret)
        #expect(throws: CryptoError.self) { try keyring.unwrapSecret(wrapped, accessKeyId: "AKIAAAAAAAAAAAAAAAAB") }
        #expect(throws: CryptoError.self) { try keyring.unwrapMaterial(wrapped, keyId: "AKIAAAAAAAAAAAAAAAAA", version: 1) }
        #expect(throws: CryptoError.self) { try Keyring(rootKey: TestKeys.otherRoot).unwrapSecret(wrapped, accessKeyId: "AKIAAAAAAAAAAAAAAAAA") }
    }

    /// A service whose store holds, besides the administrator, a second enabled principal with an access key.
    private func serviceWithSecondPrincipal() async throws -> (ServiceHarness, CallContext) {
        let store = MemoryKeyStore()
        let keyring = try Keyring(rootKey: TestKeys.root)
        let principal = PrincipalRecord(id: "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b", name: "pipeline", kind: .pipeline, enabled: true,
                                        createdAt: TestClock.start)
        let accessKey = AccessKeyRecord(
            id: "AKIAPIPELINEPIPELINE", principalId: principal.id,
            wrappedSecret: try keyring.wrapSecret(SecureBytes(copying: utf8("pipeline-secret")), accessKeyId: "AKIAPIPELINEPIPELINE"),
            status: .active, createdAt: TestClock.start)
        try store.commit([.putPrincipal(principal), .putAccessKey(accessKey)])
        let h = try await ServiceHarness.make(store: store)
        #expect(h.service.administratorId != principal.id)
        // The principal authenticates (it is a known, active caller) but is not allowed anything.
        #expect(h.service.credential(accessKeyId: accessKey.id)?.caller.principalId == principal.id)
        return (h, ServiceHarness.callContext(principalId: principal.id, name: principal.name))
    }

    @Test func nonAdministratorIsDeniedEveryOperation() async throws {
        let (h, other) = try await serviceWithSecondPrincipal()
        let key = try await h.createKey(tags: [WireTag(tagKey: "t", tagValue: "v")])
        try await h.createAlias("alias/admin", target: key)
        let blob = try await h.encrypt(key, utf8("admin data"))
        let s = h.service
        let calls: [(Action, () async throws -> Void)] = [
            (.createKey, { _ = try await s.perform(CreateKey.self, .init(), context: other) }),
            (.describeKey, { _ = try await s.perform(DescribeKey.self, .init(keyId: key), context: other) }),
            (.listKeys, { _ = try await s.perform(ListKeys.self, .init(), context: other) }),
            (.updateKeyDescription, { _ = try await s.perform(UpdateKeyDescription.self, .init(keyId: key, description: "x"), context: other) }),
            (.enableKey, { _ = try await s.perform(EnableKey.self, .init(keyId: key), context: other) }),
            (.disableKey, { _ = try await s.perform(DisableKey.self, .init(keyId: key), context: other) }),
            (.scheduleKeyDeletion, { _ = try await s.perform(ScheduleKeyDeletion.self, .init(keyId: key), context: other) }),
            (.cancelKeyDeletion, { _ = try await s.perform(CancelKeyDeletion.self, .init(keyId: key), context: other) }),
            (.tagResource, { _ = try await s.perform(TagResource.self, .init(keyId: key, tags: [WireTag(tagKey: "x", tagValue: "y")]), context: other) }),
            (.untagResource, { _ = try await s.perform(UntagResource.self, .init(keyId: key, tagKeys: ["t"]), context: other) }),
            (.listResourceTags, { _ = try await s.perform(ListResourceTags.self, .init(keyId: key), context: other) }),
            (.createAlias, { _ = try await s.perform(CreateAlias.self, .init(aliasName: "alias/x", targetKeyId: key), context: other) }),
            (.updateAlias, { _ = try await s.perform(UpdateAlias.self, .init(aliasName: "alias/admin", targetKeyId: key), context: other) }),
            (.deleteAlias, { _ = try await s.perform(DeleteAlias.self, .init(aliasName: "alias/admin"), context: other) }),
            (.listAliases, { _ = try await s.perform(ListAliases.self, .init(), context: other) }),
            (.enableKeyRotation, { _ = try await s.perform(EnableKeyRotation.self, .init(keyId: key), context: other) }),
            (.disableKeyRotation, { _ = try await s.perform(DisableKeyRotation.self, .init(keyId: key), context: other) }),
            (.getKeyRotationStatus, { _ = try await s.perform(GetKeyRotationStatus.self, .init(keyId: key), context: other) }),
            (.rotateKeyOnDemand, { _ = try await s.perform(RotateKeyOnDemand.self, .init(keyId: key), context: other) }),
            (.listKeyRotations, { _ = try await s.perform(ListKeyRotations.self, .init(keyId: key), context: other) }),
            (.encrypt, { _ = try await s.perform(Encrypt.self, .init(keyId: key, plaintext: secret([1])), context: other) }),
            (.decrypt, { _ = try await s.perform(Decrypt.self, .init(ciphertextBlob: Blob(blob)), context: other) }),
            (.reEncryptFrom, { _ = try await s.perform(ReEncrypt.self, .init(ciphertextBlob: Blob(blob), destinationKeyId: key), context: other) }),
            (.generateDataKey, { _ = try await s.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_256"), context: other) }),
            (.generateDataKeyWithoutPlaintext, {
                _ = try await s.perform(GenerateDataKeyWithoutPlaintext.self, .init(keyId: key, keySpec: "AES_256"), context: other)
            }),
            (.generateRandom, { _ = try await s.perform(GenerateRandom.self, .init(numberOfBytes: 8), context: other) }),
        ]
        #expect(Set(calls.map(\.0)).count == 26, "every key-management action but ReEncryptTo (which ReEncrypt checks second)")
        for (action, call) in calls {
            await expectError(.accessDenied, "\(action.rawValue)") { try await call() }
        }
        // Nothing changed.
        let metadata = try await h.describe(key)
        #expect(metadata.keyState == "Enabled")
        #expect(metadata.description == "")
        #expect(try await h.aliases() == ["alias/admin": key])
        #expect(try await h.perform(ListKeys.self, .init()).keys.count == 1)
        #expect(try await h.rotations(key).isEmpty)
        #expect(try await h.perform(ListResourceTags.self, .init(keyId: key)).tags == [WireTag(tagKey: "t", tagValue: "v")])
    }

    @Test func unknownOrDisabledPrincipalsAreDenied() async throws {
        let (h, other) = try await serviceWithSecondPrincipal()
        let stranger = ServiceHarness.callContext(principalId: "99999999-9999-4999-8999-999999999999", name: "stranger")
        await expectError(.accessDenied) { try await h.service.perform(ListKeys.self, .init(), context: stranger) }
        // Disabling the administrator locks it out too.
        let adminId = try #require(h.service.administratorId)
        var admin = try #require(h.service.read { $0.principals[adminId] })
        admin.enabled = false
        let disabled = admin
        _ = try await h.service.mutate { _, _ in ([.putPrincipal(disabled)], ()) }
        await expectError(.accessDenied) { try await h.perform(ListKeys.self, .init()) }
        await expectError(.accessDenied) { try await h.service.perform(ListKeys.self, .init(), context: other) }
    }

    @Test(arguments: [Action.reEncryptFrom, .reEncryptTo])
    func reEncryptNeedsBothHalvesOfAuthorization(denied: Action) async throws {
        let h = try await ServiceHarness.make()
        let source = try await h.createKey()
        let destination = try await h.createKey()
        let blob = try await h.encrypt(source, utf8("x"))
        // A key user on every key, with one half of ReEncrypt taken away by a deny binding.
        let user = try await h.perform(CreatePrincipal.self, .init(name: "user"))
        _ = try await h.perform(CreateRole.self, .init(name: "no-\(denied.operationName)", actions: [denied.rawValue]))
        _ = try await h.perform(CreateBinding.self, .init(principal: "user", role: "key-user", allKeys: true))
        _ = try await h.perform(CreateBinding.self, .init(principal: "user", role: "no-\(denied.operationName)", allKeys: true, effect: "Deny"))
        let context = ServiceHarness.callContext(principalId: user.principal.principalId, name: "user")
        await expectError(.accessDenied) {
            try await h.service.perform(ReEncrypt.self, .init(ciphertextBlob: Blob(blob), destinationKeyId: destination), context: context)
        }
        let decrypted = try await h.service.perform(Decrypt.self, .init(ciphertextBlob: Blob(blob)), context: context)
        #expect(decrypted.plaintext.bytes.exportBytes() == utf8("x"))
    }
}
