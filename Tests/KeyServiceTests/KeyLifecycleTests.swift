import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Key lifecycle in the core: create, describe, list, update, enable/disable,
/// scheduled deletion and background destruction.
@Suite struct KeyLifecycleTests {
    @Test func createdKeyIsEnabledSymmetricAndDescribable() async throws {
        let h = try await ServiceHarness.make()
        let created = try await h.perform(CreateKey.self, .init(description: "payments")).keyMetadata
        #expect(KeyReference.isKeyId(created.keyId))
        #expect(created.arn == "arn:aws:kms:us-east-1:000000000000:key/\(created.keyId)")
        #expect(created.keyState == "Enabled")
        #expect(created.enabled)
        #expect(created.keySpec == "SYMMETRIC_DEFAULT")
        #expect(created.keyUsage == "ENCRYPT_DECRYPT")
        #expect(created.origin == "AWS_KMS")
        #expect(created.deletionDate == nil)
        #expect(created.creationDate == TestClock.start.date)
        let described = try await h.describe(created.keyId)
        #expect(described == created)
    }

    @Test func createKeyRefusesUnsupportedSpecsAndUsages() async throws {
        let h = try await ServiceHarness.make()
        // RSA, ECC, HMAC and EXTERNAL keys are supported (ImportKeyMaterialTests, SignVerifyTests); these are not.
        await expectError(.unsupportedOperation) { try await h.perform(CreateKey.self, .init(keySpec: "ECC_SECG_P256K1")) }
        await expectError(.unsupportedOperation) { try await h.perform(CreateKey.self, .init(keySpec: "SM2")) }
        await expectError(.validation) { try await h.perform(CreateKey.self, .init(keyUsage: "SIGN_VERIFY")) }
        await expectError(.unsupportedOperation) { try await h.perform(CreateKey.self, .init(origin: "AWS_CLOUDHSM")) }
        await expectError(.validation) {
            try await h.perform(CreateKey.self, .init(description: String(repeating: "d", count: 8193)))
        }
        let keys = try await h.perform(ListKeys.self, .init()).keys
        #expect(keys.isEmpty)
    }

    @Test func listKeysPaginatesWithStableMarkers() async throws {
        let h = try await ServiceHarness.make()
        var ids: [String] = []
        for _ in 0..<7 { ids.append(try await h.createKey()) }
        var seen: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            let page = try await h.perform(ListKeys.self, .init(limit: 3, marker: marker))
            #expect(page.keys.count <= 3)
            #expect(page.truncated == (page.nextMarker != nil))
            if let next = page.nextMarker {
                // The same marker gives the same page again.
                let again = try await h.perform(ListKeys.self, .init(limit: 3, marker: next))
                let repeated = try await h.perform(ListKeys.self, .init(limit: 3, marker: next))
                #expect(again.keys.map(\.keyId) == repeated.keys.map(\.keyId))
            }
            seen += page.keys.map(\.keyId)
            marker = page.nextMarker
            pages += 1
        } while marker != nil
        #expect(pages == 3)
        #expect(seen == ids.sorted())
        #expect(Set(seen).count == 7)
        let arns = try await h.perform(ListKeys.self, .init()).keys.map(\.keyArn)
        #expect(arns == ids.sorted().map { h.partition.keyArn($0) })
    }

    @Test func listKeysRejectsForeignAndGarbageMarkersAndBadLimits() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        try await h.createAlias("alias/a", target: key)
        try await h.createAlias("alias/b", target: key)
        let aliasMarker = try #require(try await h.perform(ListAliases.self, .init(limit: 1)).nextMarker)
        await expectError(.invalidMarker) { try await h.perform(ListKeys.self, .init(marker: aliasMarker)) }
        await expectError(.invalidMarker) { try await h.perform(ListKeys.self, .init(marker: "not base64 !!")) }
        await expectError(.invalidMarker) { try await h.perform(ListKeys.self, .init(marker: Base64.encode(utf8("garbage")))) }
        await expectError(.validation) { try await h.perform(ListKeys.self, .init(limit: 0)) }
        await expectError(.validation) { try await h.perform(ListKeys.self, .init(limit: 1001)) }
        #expect(try await h.perform(ListKeys.self, .init(limit: 1000)).keys.count == 1)
        #expect(try await h.perform(ListKeys.self, .init(limit: 1)).keys.count == 1)
    }

    @Test func updateKeyDescriptionReplacesTextUpTo8192Characters() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(description: "old")
        let longest = String(repeating: "x", count: 8192)
        _ = try await h.perform(UpdateKeyDescription.self, .init(keyId: key, description: longest))
        #expect(try await h.describe(key).description == longest)
        await expectError(.validation) {
            try await h.perform(UpdateKeyDescription.self, .init(keyId: key, description: longest + "y"))
        }
        #expect(try await h.describe(key).description == longest)
    }

    @Test func disableAndEnableChangeStateAndCryptoUse() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let blob = try await h.encrypt(key, utf8("hello"))
        _ = try await h.perform(DisableKey.self, .init(keyId: key))
        let disabled = try await h.describe(key)
        #expect(disabled.keyState == "Disabled")
        #expect(!disabled.enabled)
        await expectError(.disabled) { try await h.encrypt(key, utf8("hello")) }
        _ = try await h.perform(EnableKey.self, .init(keyId: key))
        #expect(try await h.describe(key).keyState == "Enabled")
        #expect(try await h.decrypt(blob) == utf8("hello"))
    }

    @Test func scheduleKeyDeletionValidatesTheWindowAndDefaultsTo30Days() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.validation) { try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key, pendingWindowInDays: 6)) }
        await expectError(.validation) { try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key, pendingWindowInDays: 31)) }
        #expect(try await h.describe(key).keyState == "Enabled")

        let scheduled = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key))
        #expect(scheduled.pendingWindowInDays == 30)
        #expect(scheduled.keyState == "PendingDeletion")
        #expect(scheduled.keyId == h.partition.keyArn(key))
        #expect(scheduled.deletionDate == TestClock.start.adding(days: 30).date)
        let described = try await h.describe(key)
        #expect(described.keyState == "PendingDeletion")
        #expect(described.deletionDate == TestClock.start.adding(days: 30).date)

        await expectError(.invalidState) { try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key, pendingWindowInDays: 7)) }
        #expect(try await h.describe(key).deletionDate == TestClock.start.adding(days: 30).date)
    }

    @Test func scheduleKeyDeletionAcceptsSevenDays() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let scheduled = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key, pendingWindowInDays: 7))
        #expect(scheduled.deletionDate == TestClock.start.adding(days: 7).date)
    }

    @Test func cancelKeyDeletionLeavesTheKeyDisabled() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.invalidState) { try await h.perform(CancelKeyDeletion.self, .init(keyId: key)) }
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key, pendingWindowInDays: 7))
        let cancelled = try await h.perform(CancelKeyDeletion.self, .init(keyId: key))
        #expect(cancelled.keyId == h.partition.keyArn(key))
        let described = try await h.describe(key)
        #expect(described.keyState == "Disabled")
        #expect(described.deletionDate == nil)
        // A cancelled key is not destroyed when its old window ends.
        h.clock.advance(days: 8)
        let result = await h.service.runMaintenance()
        #expect(result.destroyed == 0)
        #expect(try await h.describe(key).keyState == "Disabled")
    }

    @Test func pendingDeletionRefusesLifecycleChanges() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key))
        await expectError(.invalidState) { try await h.perform(EnableKey.self, .init(keyId: key)) }
        await expectError(.invalidState) { try await h.perform(DisableKey.self, .init(keyId: key)) }
        await expectError(.invalidState) { try await h.perform(UpdateKeyDescription.self, .init(keyId: key, description: "x")) }
        #expect(try await h.describe(key).keyState == "PendingDeletion")
    }

    @Test func maintenanceDestroysKeysAfterTheWindowAndLeavesATombstone() async throws {
        let h = try await ServiceHarness.make()
        let doomed = try await h.createKey()
        let survivor = try await h.createKey()
        try await h.createAlias("alias/doomed", target: doomed)
        let blob = try await h.encrypt(doomed, utf8("old secret"), context: ["a": "b"])
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: doomed, pendingWindowInDays: 7))

        // One second before the window ends nothing happens.
        h.clock.advance(days: 7)
        h.clock.advance(seconds: -1)
        #expect(await h.service.runMaintenance().destroyed == 0)
        #expect(try await h.describe(doomed).keyState == "PendingDeletion")

        h.clock.advance(seconds: 2)
        #expect(await h.service.runMaintenance().destroyed == 1)
        await expectError(.notFound) { try await h.describe(doomed) }
        await expectError(.notFound) { try await h.decrypt(blob, context: ["a": "b"]) }
        #expect(try await h.perform(ListKeys.self, .init()).keys.map(\.keyId) == [survivor])
        #expect(try await h.aliases().isEmpty)
        let snapshot = try h.store.load()
        #expect(snapshot.destroyedKeys == [doomed])
        #expect(!snapshot.versions.contains { $0.keyId == doomed })
        // A blob naming a key that never existed is not NotFound, only invalid.
        var foreign = blob
        foreign[1] ^= 0xff
        await expectError(.invalidCiphertext) { try await h.decrypt(foreign, context: ["a": "b"]) }
    }
}
