import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// How requests name keys (id, ARN, alias, alias ARN) and alias management.
@Suite struct AliasAndNamingTests {
    @Test func describeAndEncryptAcceptAllFourIdentifierForms() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        try await h.createAlias("alias/app-key", target: key)
        let forms = [key, h.partition.keyArn(key), "alias/app-key", h.partition.aliasArn("alias/app-key")]
        for form in forms {
            #expect(try await h.describe(form).keyId == key, "\(form)")
            let blob = try await h.encrypt(form, utf8("x"))
            #expect(try CiphertextBlob.parse(blob).keyId == key, "\(form)")
            let dataKey = try await h.perform(GenerateDataKey.self, .init(keyId: form, keySpec: "AES_256"))
            #expect(dataKey.keyId == h.partition.keyArn(key), "\(form)")
            #expect(try await h.decrypt(blob, keyId: form) == utf8("x"), "\(form)")
        }
    }

    @Test func lifecycleOperationsAcceptKeyIdAndArnButNotAliases() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        try await h.createAlias("alias/life", target: key)
        _ = try await h.perform(DisableKey.self, .init(keyId: h.partition.keyArn(key)))
        #expect(try await h.describe(key).keyState == "Disabled")
        _ = try await h.perform(EnableKey.self, .init(keyId: key))
        for alias in ["alias/life", h.partition.aliasArn("alias/life")] {
            await expectError(.notFound, "\(alias)") { try await h.perform(DisableKey.self, .init(keyId: alias)) }
            await expectError(.notFound, "\(alias)") { try await h.perform(UpdateKeyDescription.self, .init(keyId: alias, description: "d")) }
            await expectError(.notFound, "\(alias)") { try await h.perform(ScheduleKeyDeletion.self, .init(keyId: alias)) }
            await expectError(.notFound, "\(alias)") {
                try await h.perform(TagResource.self, .init(keyId: alias, tags: [WireTag(tagKey: "k", tagValue: "v")]))
            }
            await expectError(.notFound, "\(alias)") { try await h.perform(EnableKeyRotation.self, .init(keyId: alias)) }
            await expectError(.notFound, "\(alias)") { try await h.createAlias("alias/other", target: alias) }
        }
        let described = try await h.describe(key)
        #expect(described.keyState == "Enabled")
        #expect(described.description == "")
    }

    @Test func arnsOfAnotherRegionOrAccountAreNotFound() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        try await h.createAlias("alias/here", target: key)
        for arn in [
            "arn:aws:kms:eu-west-1:000000000000:key/\(key)",
            "arn:aws:kms:us-east-1:111111111111:key/\(key)",
            "arn:aws:kms:eu-west-1:000000000000:alias/here",
        ] {
            await expectError(.notFound, "\(arn)") { try await h.describe(arn) }
            await expectError(.notFound, "\(arn)") { try await h.encrypt(arn, utf8("x")) }
        }
    }

    @Test func malformedArnsAreInvalidArn() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        for arn in [
            "arn:aws:kms:us-east-1",
            "arn:aws:s3:us-east-1:000000000000:key/\(key)",
            "arn:aws:kms::000000000000:key/\(key)",
            "arn:aws:kms:us-east-1:000000000000:bucket/\(key)",
        ] {
            await expectError(.invalidArn, "\(arn)") { try await h.describe(arn) }
        }
    }

    @Test func unknownOrMalformedKeyIdsAreNotFound() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        await expectError(.notFound) { try await h.describe("00000000-0000-4000-8000-000000000000") }
        await expectError(.notFound) { try await h.describe("not-a-key") }
        await expectError(.notFound) { try await h.describe(key.uppercased()) }
        await expectError(.notFound) { try await h.describe("alias/missing") }
        await expectError(.validation) { try await h.describe("") }
    }

    @Test func aliasesCanBeCreatedUpdatedListedAndDeleted() async throws {
        let h = try await ServiceHarness.make()
        let first = try await h.createKey()
        let second = try await h.createKey()
        try await h.createAlias("alias/b-name", target: first)
        try await h.createAlias("alias/a_name:1", target: h.partition.keyArn(first))
        #expect(try await h.aliases() == ["alias/a_name:1": first, "alias/b-name": first])
        let listed = try await h.perform(ListAliases.self, .init()).aliases
        #expect(listed.map(\.aliasName) == ["alias/a_name:1", "alias/b-name"])
        #expect(listed[0].aliasArn == "arn:aws:kms:us-east-1:000000000000:alias/a_name:1")

        h.clock.advance(seconds: 60)
        _ = try await h.perform(UpdateAlias.self, .init(aliasName: "alias/b-name", targetKeyId: second))
        #expect(try await h.aliases(keyId: second) == ["alias/b-name": second])
        #expect(try await h.aliases(keyId: first) == ["alias/a_name:1": first])
        let updated = try #require(try await h.perform(ListAliases.self, .init(keyId: second)).aliases.first)
        #expect(updated.creationDate == TestClock.start.date)
        #expect(updated.lastUpdatedDate == TestClock.start.adding(seconds: 60).date)
        #expect(try await h.describe("alias/b-name").keyId == second)

        _ = try await h.perform(DeleteAlias.self, .init(aliasName: "alias/b-name"))
        #expect(try await h.aliases() == ["alias/a_name:1": first])
        #expect(try await h.describe(second).keyState == "Enabled")
        await expectError(.notFound) { try await h.perform(DeleteAlias.self, .init(aliasName: "alias/b-name")) }
    }

    @Test func listAliasesPaginates() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        for name in ["alias/c", "alias/a", "alias/e", "alias/b", "alias/d"] { try await h.createAlias(name, target: key) }
        var names: [String] = []
        var marker: String?
        repeat {
            let page = try await h.perform(ListAliases.self, .init(limit: 2, marker: marker))
            names += page.aliases.map(\.aliasName)
            marker = page.nextMarker
        } while marker != nil
        #expect(names == ["alias/a", "alias/b", "alias/c", "alias/d", "alias/e"])
        await expectError(.validation) { try await h.perform(ListAliases.self, .init(limit: 101)) }
    }

    @Test func invalidAliasNamesAreRefused() async throws {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        for name in ["app-key", "alias/", "alias/bad name", "alias/bad*char", "alias/é", "alias/aws/x", "Alias/x"] {
            await expectError(.invalidAliasName, "\(name)") { try await h.createAlias(name, target: key) }
        }
        let tooLong = "alias/" + String(repeating: "a", count: 251)
        #expect(tooLong.count == 257)
        await expectError(.validation) { try await h.createAlias(tooLong, target: key) }
        let longest = String(tooLong.dropLast())
        try await h.createAlias(longest, target: key)
        #expect(try await h.aliases() == [longest: key])
    }

    @Test func duplicateAliasIsAlreadyExists() async throws {
        let h = try await ServiceHarness.make()
        let first = try await h.createKey()
        let second = try await h.createKey()
        try await h.createAlias("alias/dup", target: first)
        await expectError(.alreadyExists) { try await h.createAlias("alias/dup", target: second) }
        #expect(try await h.aliases() == ["alias/dup": first])
    }

    @Test func aliasesCannotPointAtKeysPendingDeletionOrMissingKeys() async throws {
        let h = try await ServiceHarness.make()
        let live = try await h.createKey()
        let doomed = try await h.createKey()
        try await h.createAlias("alias/moving", target: live)
        _ = try await h.perform(ScheduleKeyDeletion.self, .init(keyId: doomed))
        await expectError(.invalidState) { try await h.createAlias("alias/new", target: doomed) }
        await expectError(.invalidState) {
            try await h.perform(UpdateAlias.self, .init(aliasName: "alias/moving", targetKeyId: doomed))
        }
        await expectError(.notFound) { try await h.createAlias("alias/new", target: "00000000-0000-4000-8000-000000000000") }
        await expectError(.notFound) { try await h.perform(UpdateAlias.self, .init(aliasName: "alias/absent", targetKeyId: live)) }
        #expect(try await h.aliases() == ["alias/moving": live])
    }
}
