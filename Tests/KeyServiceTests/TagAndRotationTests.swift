import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Tags on keys, and key rotation (on demand and automatic).
@Suite struct TagAndRotationTests {
    private func tags(_ h: ServiceHarness, _ key: String) async throws -> [String: String] {
        let list = try await h.perform(ListResourceTags.self, .init(keyId: key)).tags
        return Dictionary(uniqueKeysWithValues: list.map { ($0.tagKey, $0.tagValue) })
    }

    // MARK: Tags

    @Test func tagsCanBeAddedReplacedListedAndRemoved() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey(tags: [WireTag(tagKey: "team", tagValue: "payments")])
        #expect(try await tags(h, key) == ["team": "payments"])
        _ = try await h.perform(TagResource.self, .init(keyId: key, tags: [
            WireTag(tagKey: "team", tagValue: "billing"), WireTag(tagKey: "env", tagValue: ""),
        ]))
        #expect(try await tags(h, key) == ["team": "billing", "env": ""])
        let ordered = try await h.perform(ListResourceTags.self, .init(keyId: key)).tags.map(\.tagKey)
        #expect(ordered == ["env", "team"])
        _ = try await h.perform(UntagResource.self, .init(keyId: key, tagKeys: ["env", "absent"]))
        #expect(try await tags(h, key) == ["team": "billing"])
        let page = try await h.perform(ListResourceTags.self, .init(keyId: key, limit: 1))
        #expect(page.tags.count == 1)
        #expect(!page.truncated)
    }

    @Test func reservedAwsPrefixIsATagError() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.tag) {
            try await h.perform(TagResource.self, .init(keyId: key, tags: [WireTag(tagKey: "aws:owner", tagValue: "x")]))
        }
        await expectError(.tag) { try await h.createKey(tags: [WireTag(tagKey: "aws:owner", tagValue: "x")]) }
        #expect(try await tags(h, key).isEmpty)
        #expect(try await h.perform(ListKeys.self, .init()).keys.count == 1)
    }

    @Test func fiftyOneTagsAreATagError() async throws {
        let h = try await ServiceHarness.make()
        let fifty = (0..<50).map { WireTag(tagKey: "k\($0)", tagValue: "v") }
        let key = try await h.createKey(tags: fifty)
        #expect(try await tags(h, key).count == 50)
        await expectError(.tag) {
            try await h.perform(TagResource.self, .init(keyId: key, tags: [WireTag(tagKey: "one-more", tagValue: "v")]))
        }
        #expect(try await tags(h, key).count == 50)
        await expectError(.tag) { try await h.createKey(tags: fifty + [WireTag(tagKey: "k50", tagValue: "v")]) }
        // Replacing an existing tag at the limit is fine.
        _ = try await h.perform(TagResource.self, .init(keyId: key, tags: [WireTag(tagKey: "k0", tagValue: "new")]))
        #expect(try await tags(h, key)["k0"] == "new")
    }

    @Test func duplicateTagKeysInOneRequestAreATagError() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.tag) {
            try await h.perform(TagResource.self, .init(keyId: key, tags: [
                WireTag(tagKey: "dup", tagValue: "1"), WireTag(tagKey: "dup", tagValue: "2"),
            ]))
        }
        #expect(try await tags(h, key).isEmpty)
    }

    @Test func tagLengthsAreLimited() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        for tag in [WireTag(tagKey: "", tagValue: "v"), WireTag(tagKey: String(repeating: "k", count: 129), tagValue: "v"),
                    WireTag(tagKey: "k", tagValue: String(repeating: "v", count: 257))] {
            await expectError(.tag) { try await h.perform(TagResource.self, .init(keyId: key, tags: [tag])) }
        }
        #expect(try await tags(h, key).isEmpty)
    }

    // MARK: Rotation

    @Test func onDemandRotationAddsAVersionAndOldBlobsStillDecrypt() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        var blobs: [(version: Int, blob: [UInt8])] = []
        for round in 1...4 {
            let blob = try await h.encrypt(key, utf8("round \(round)"), context: ["round": "\(round)"])
            #expect(try CiphertextBlob.parse(blob).version == round)
            blobs.append((round, blob))
            let rotated = try await h.perform(RotateKeyOnDemand.self, .init(keyId: key))
            #expect(rotated.keyId == h.partition.keyArn(key))
        }
        let newest = try await h.encrypt(key, utf8("newest"))
        #expect(try CiphertextBlob.parse(newest).version == 5)
        for (version, blob) in blobs {
            #expect(try await h.decrypt(blob, context: ["round": "\(version)"]) == utf8("round \(version)"))
        }
        let rotations = try await h.rotations(key)
        #expect(rotations.count == 4)
        #expect(rotations.allSatisfy { $0.rotationType == "ON_DEMAND" && $0.keyId == h.partition.keyArn(key) })
        #expect(try h.store.load().versions.filter { $0.keyId == key }.map(\.version).sorted() == [1, 2, 3, 4, 5])
    }

    @Test func automaticRotationHappensWhenThePeriodEnds() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let old = try await h.encrypt(key, utf8("before"))
        _ = try await h.perform(EnableKeyRotation.self, .init(keyId: key, rotationPeriodInDays: 90))
        let status = try await h.perform(GetKeyRotationStatus.self, .init(keyId: key))
        #expect(status.keyRotationEnabled)
        #expect(status.rotationPeriodInDays == 90)
        #expect(status.nextRotationDate == TestClock.start.adding(days: 90).date)

        h.clock.advance(days: 89)
        #expect(await h.service.runMaintenance().rotated == 0)
        #expect(try await h.rotations(key).isEmpty)

        h.clock.advance(days: 2)
        #expect(await h.service.runMaintenance().rotated == 1)
        let rotations = try await h.rotations(key)
        #expect(rotations.count == 1)
        #expect(rotations.first?.rotationType == "AUTOMATIC")
        #expect(rotations.first?.rotationDate == TestClock.start.adding(days: 91).date)
        #expect(try CiphertextBlob.parse(try await h.encrypt(key, utf8("after"))).version == 2)
        #expect(try await h.decrypt(old) == utf8("before"))
        let next = try await h.perform(GetKeyRotationStatus.self, .init(keyId: key)).nextRotationDate
        #expect(next == TestClock.start.adding(days: 181).date)
        // Not due again yet.
        #expect(await h.service.runMaintenance().rotated == 0)
    }

    @Test func disablingRotationStopsAutomaticRotation() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        _ = try await h.perform(EnableKeyRotation.self, .init(keyId: key))
        #expect(try await h.perform(GetKeyRotationStatus.self, .init(keyId: key)).rotationPeriodInDays == 365)
        _ = try await h.perform(DisableKeyRotation.self, .init(keyId: key))
        let status = try await h.perform(GetKeyRotationStatus.self, .init(keyId: key))
        #expect(!status.keyRotationEnabled)
        #expect(status.nextRotationDate == nil)
        h.clock.advance(days: 400)
        #expect(await h.service.runMaintenance().rotated == 0)
        #expect(try await h.rotations(key).isEmpty)
    }

    @Test func rotationPeriodOutsideRangeIsValidationError() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.validation) { try await h.perform(EnableKeyRotation.self, .init(keyId: key, rotationPeriodInDays: 89)) }
        await expectError(.validation) { try await h.perform(EnableKeyRotation.self, .init(keyId: key, rotationPeriodInDays: 2561)) }
        #expect(try await !h.perform(GetKeyRotationStatus.self, .init(keyId: key)).keyRotationEnabled)
        _ = try await h.perform(EnableKeyRotation.self, .init(keyId: key, rotationPeriodInDays: 2560))
        #expect(try await h.perform(GetKeyRotationStatus.self, .init(keyId: key)).rotationPeriodInDays == 2560)
    }

    @Test func disabledOrDoomedKeysDoNotRotate() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        _ = try await h.perform(DisableKey.self, .init(keyId: key))
        await expectError(.disabled) { try await h.perform(RotateKeyOnDemand.self, .init(keyId: key)) }
        await expectError(.disabled) { try await h.perform(EnableKeyRotation.self, .init(keyId: key)) }
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: key))
        await expectError(.invalidState) { try await h.perform(RotateKeyOnDemand.self, .init(keyId: key)) }
        #expect(try await h.rotations(key).isEmpty)
        #expect(try h.store.load().versions.filter { $0.keyId == key }.count == 1)
    }

    @Test func the26thOnDemandRotationIsLimitExceeded() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        for _ in 0..<25 { _ = try await h.perform(RotateKeyOnDemand.self, .init(keyId: key)) }
        await expectError(.limitExceeded) { try await h.perform(RotateKeyOnDemand.self, .init(keyId: key)) }
        #expect(try await h.rotations(key).count == 25)
        #expect(try CiphertextBlob.parse(try await h.encrypt(key, utf8("x"))).version == 26)
        // Rotations page with limit and marker.
        let first = try await h.perform(ListKeyRotations.self, .init(keyId: key, limit: 10))
        let second = try await h.perform(ListKeyRotations.self, .init(keyId: key, limit: 10, marker: first.nextMarker))
        let third = try await h.perform(ListKeyRotations.self, .init(keyId: key, limit: 10, marker: second.nextMarker))
        let counts: [Int] = [first.rotations.count, second.rotations.count, third.rotations.count]
        #expect(counts == [10, 10, 5])
        #expect(third.nextMarker == nil)
    }
}
