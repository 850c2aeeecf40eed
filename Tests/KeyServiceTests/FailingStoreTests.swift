import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// STYLE rule 5: a write the store refuses changes nothing, neither in the
/// service's memory nor in the store, and the caller gets DependencyTimeout.
@Suite struct FailingStoreTests {
    /// Everything a caller can observe about the service's state.
    struct Observed: Equatable {
        var keys: [String]
        var metadata: [KeyMetadata]
        var aliases: [String]
        var rotations: [String]
        var tags: [String]
    }

    private func observe(_ h: ServiceHarness) async throws -> Observed {
        let keys = try await h.perform(ListKeys.self, .init()).keys.map(\.keyId)
        var metadata: [KeyMetadata] = []
        var rotations: [String] = []
        var tags: [String] = []
        for key in keys {
            metadata.append(try await h.describe(key))
            rotations += try await h.rotations(key).map { "\($0.keyId) \($0.rotationType) \($0.rotationDate)" }
            tags += try await h.perform(ListResourceTags.self, .init(keyId: key)).tags.map { "\(key) \($0.tagKey)=\($0.tagValue)" }
            if let status = try? await h.perform(GetKeyRotationStatus.self, .init(keyId: key)) {
                rotations.append("\(key) auto=\(status.keyRotationEnabled) \(status.rotationPeriodInDays ?? 0) \(String(describing: status.nextRotationDate))")
            }
        }
        let aliases = try await h.perform(ListAliases.self, .init()).aliases.map {
            "\($0.aliasName) \($0.targetKeyId) \($0.creationDate) \($0.lastUpdatedDate)"
        }
        return Observed(keys: keys, metadata: metadata, aliases: aliases, rotations: rotations, tags: tags)
    }

    @Test func refusedWritesLeaveServiceAndStoreUnchanged() async throws {
        let failing = FailingKeyStore(base: MemoryKeyStore())
        let h = try await ServiceHarness.make(store: failing)
        let key = try await h.createKey(description: "existing", tags: [WireTag(tagKey: "a", tagValue: "1")])
        try await h.createAlias("alias/existing", target: key)
        let blob = try await h.encrypt(key, utf8("kept"))

        let attempts: [(name: String, run: () async throws -> Void)] = [
            ("CreateKey", { _ = try await h.createKey(description: "new") }),
            ("RotateKeyOnDemand", { _ = try await h.perform(RotateKeyOnDemand.self, .init(keyId: key)) }),
            ("CreateAlias", { try await h.createAlias("alias/new", target: key) }),
            ("TagResource", { _ = try await h.perform(TagResource.self, .init(keyId: key, tags: [WireTag(tagKey: "b", tagValue: "2")])) }),
            ("UpdateKeyDescription", { _ = try await h.perform(UpdateKeyDescription.self, .init(keyId: key, description: "changed")) }),
            ("EnableKeyRotation", { _ = try await h.perform(EnableKeyRotation.self, .init(keyId: key)) }),
            ("DeleteAlias", { _ = try await h.perform(DeleteAlias.self, .init(aliasName: "alias/existing")) }),
            // Last: a key pending deletion refuses the other changes.
            ("ScheduleKeyDeletion", { _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key)) }),
        ]
        for attempt in attempts {
            let before = try await observe(h)
            let storeBefore = try failing.base.load()
            failing.setFailing(true)
            await expectError(.dependencyTimeout, "\(attempt.name)") { try await attempt.run() }
            failing.setFailing(false)
            #expect(try await observe(h) == before, "\(attempt.name) changed the service's state")
            #expect(sameSnapshot(try failing.base.load(), storeBefore), "\(attempt.name) changed the store")

            try await attempt.run()
            #expect(try await observe(h) != before, "\(attempt.name) succeeded without a visible change")
            #expect(!sameSnapshot(try failing.base.load(), storeBefore), "\(attempt.name) succeeded without a stored change")
        }
        // The old blob still decrypts once the key is usable again.
        _ = try await h.perform(CancelKeyDeletion.self, .init(keyId: key))
        _ = try await h.perform(EnableKey.self, .init(keyId: key))
        #expect(try await h.decrypt(blob) == utf8("kept"))
    }

    @Test func failedDestructionLeavesTheKeyPendingAndRetriesLater() async throws {
        let failing = FailingKeyStore(base: MemoryKeyStore())
        let h = try await ServiceHarness.make(store: failing)
        let key = try await h.createKey()
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key, pendingWindowInDays: 7))
        h.clock.advance(days: 8)
        failing.setFailing(true)
        #expect(await h.service.runMaintenance().destroyed == 0)
        failing.setFailing(false)
        #expect(try await h.describe(key).keyState == "PendingDeletion")
        #expect(try failing.base.load().destroyedKeys.isEmpty)
        #expect(await h.service.runMaintenance().destroyed == 1)
        await expectError(.notFound) { try await h.describe(key) }
    }

    @Test func failedAutomaticRotationAddsNoVersion() async throws {
        let failing = FailingKeyStore(base: MemoryKeyStore())
        let h = try await ServiceHarness.make(store: failing)
        let key = try await h.createKey()
        _ = try await h.perform(EnableKeyRotation.self, .init(keyId: key, rotationPeriodInDays: 90))
        h.clock.advance(days: 91)
        failing.setFailing(true)
        #expect(await h.service.runMaintenance().rotated == 0)
        failing.setFailing(false)
        #expect(try await h.rotations(key).isEmpty)
        #expect(try failing.base.load().versions.count == 1)
        #expect(try CiphertextBlob.parse(try await h.encrypt(key, utf8("x"))).version == 1)
        #expect(await h.service.runMaintenance().rotated == 1)
        #expect(try CiphertextBlob.parse(try await h.encrypt(key, utf8("x"))).version == 2)
    }
}

/// Whether two snapshots hold the same records.
func sameSnapshot(_ a: StoreSnapshot, _ b: StoreSnapshot) -> Bool {
    func sortedKeys(_ s: StoreSnapshot) -> [KeyRecord] { s.keys.sorted { $0.id < $1.id } }
    func sortedVersions(_ s: StoreSnapshot) -> [KeyVersionRecord] {
        s.versions.sorted { ($0.keyId, $0.version) < ($1.keyId, $1.version) }
    }
    return sortedKeys(a) == sortedKeys(b) && sortedVersions(a) == sortedVersions(b)
        && a.aliases.sorted { $0.name < $1.name } == b.aliases.sorted { $0.name < $1.name }
        && a.principals.sorted { $0.id < $1.id } == b.principals.sorted { $0.id < $1.id }
        && a.accessKeys.sorted { $0.id < $1.id } == b.accessKeys.sorted { $0.id < $1.id }
        && a.settings == b.settings && a.destroyedKeys == b.destroyedKeys
}
