import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// The SQLite store: everything survives a restart, migrations run once, and
/// a commit is all or nothing.
@Suite struct SQLiteStoreTests {
    @Test func everythingSurvivesReopeningTheDatabase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path + "/kms.db"
        let clock = TestClock()

        let first = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), clock: clock)
        let key = try await first.createKey(description: "persistent", tags: [WireTag(tagKey: "team", tagValue: "core")])
        let spare = try await first.createKey()
        let doomed = try await first.createKey()
        try await first.createAlias("alias/persistent", target: key)
        let v1Blob = try await first.encrypt(key, utf8("version one"), context: ["v": "1"])
        _ = try await first.perform(RotateKeyOnDemand.self, .init(keyId: key))
        let v2Blob = try await first.encrypt("alias/persistent", utf8("version two"))
        _ = try await first.perform(EnableKeyRotation.self, .init(keyId: key, rotationPeriodInDays: 100))
        _ = try await first.perform(DisableKey.self, .init(keyId: spare))
        let doomedBlob = try await first.encrypt(doomed, utf8("gone"))
        _ = try await first.perform(ScheduleKeyDeletion.self, .init(keyId: doomed, pendingWindowInDays: 7))
        clock.advance(days: 7)
        #expect(await first.service.runMaintenance().destroyed == 1)
        let metadataBefore = try await first.describe(key)
        let spareBefore = try await first.describe(spare)
        let rotationsBefore = try await first.rotations(key).map { "\($0.rotationType) \($0.rotationDate)" }
        let administrator = first.service.administratorId

        let second = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), clock: clock)
        #expect(second.service.administratorId == administrator)
        #expect(try await second.perform(ListKeys.self, .init()).keys.map(\.keyId) == [key, spare].sorted())
        #expect(try await second.describe(key) == metadataBefore)
        #expect(try await second.describe(spare) == spareBefore)
        #expect(try await second.aliases() == ["alias/persistent": key])
        let tags = try await second.perform(ListResourceTags.self, .init(keyId: key)).tags
        #expect(tags == [WireTag(tagKey: "team", tagValue: "core")])
        #expect(try await second.rotations(key).map { "\($0.rotationType) \($0.rotationDate)" } == rotationsBefore)
        let status = try await second.perform(GetKeyRotationStatus.self, .init(keyId: key))
        #expect(status.keyRotationEnabled)
        #expect(status.rotationPeriodInDays == 100)
        #expect(try await second.decrypt(v1Blob, context: ["v": "1"]) == utf8("version one"))
        #expect(try await second.decrypt(v2Blob) == utf8("version two"))
        #expect(try CiphertextBlob.parse(try await second.encrypt(key, utf8("x"))).version == 2)
        await expectError(.notFound) { try await second.decrypt(doomedBlob) }
        // No second administrator was created.
        #expect(try await second.service.bootstrapAdministrator() == nil)
        #expect(try second.store.load().principals.count == 1)
    }

    @Test func freshDatabaseIsMigratedToTheNewestSchemaOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path + "/kms.db"
        let store = try SQLiteKeyStore(path: path)
        #expect(Migrations.all.count >= 1)
        #expect(try store.schemaVersion() == Migrations.all.count)
        let h = try await ServiceHarness.make(store: store)
        let key = try await h.createKey()

        // Reopening does not run the migrations again (they would fail: the tables exist) and keeps the data.
        let reopened = try SQLiteKeyStore(path: path)
        #expect(try reopened.schemaVersion() == Migrations.all.count)
        #expect(try reopened.load().keys.map(\.id) == [key])
    }

    /// Migration 4 adds the bound client certificate to principals: a database of
    /// schema 3 keeps its principals (unbound), and the column takes only fingerprints.
    @Test func principalsOfASchemaThreeDatabaseGainAnEmptyCertificateBinding() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path + "/kms.db"
        do {
            let old = try SQLiteConnection(path: path)
            for (index, sql) in Migrations.all.prefix(3).enumerated() {
                try old.execute(sql)
                try old.execute("PRAGMA user_version = \(index + 1)")
            }
            try old.prepare("INSERT INTO principals (id, name, kind, enabled, created_at) VALUES (?, ?, ?, ?, ?)")
                .run([.text("0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b"), .text("ci"), .text("pipeline"), .int(1), .int(TestClock.start.microseconds)])
        }
        let store = try SQLiteKeyStore(path: path)
        #expect(try store.schemaVersion() == Migrations.all.count)
        var principal = try #require(try store.load().principals.first)
        #expect(principal.name == "ci" && principal.kind == .pipeline && principal.enabled)
        #expect(principal.clientCertificateFingerprint == nil)

        let fingerprint = String(repeating: "0123456789abcdef", count: 4)
        principal.clientCertificateFingerprint = fingerprint
        try store.commit([.putPrincipal(principal)])
        #expect(try SQLiteKeyStore(path: path).load().principals == [principal])
        principal.clientCertificateFingerprint = nil
        try store.commit([.putPrincipal(principal)])
        #expect(try SQLiteKeyStore(path: path).load().principals == [principal])

        // The column refuses anything but 64 lowercase hex digits, even written directly.
        let connection = try SQLiteConnection(path: path)
        for bad in [fingerprint.uppercased(), String(fingerprint.dropLast()), String(fingerprint.dropLast()) + "g", ""] {
            #expect(throws: SQLiteError.self) {
                try connection.prepare("UPDATE principals SET client_certificate_sha256 = ?").run([.text(bad)])
            }
        }
    }

    @Test func databaseFromANewerBuildIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path + "/kms.db"
        do {
            _ = try SQLiteKeyStore(path: path)
            let connection = try SQLiteConnection(path: path)
            try connection.execute("PRAGMA user_version = \(Migrations.all.count + 1)")
        }
        let error = #expect(throws: SQLiteError.self) { try SQLiteKeyStore(path: path) }
        #expect(error?.message.contains("newer") == true)
    }

    @Test func commitIsAllOrNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = try SQLiteKeyStore(path: directory.path + "/kms.db")
        let record = KeyRecord(
            id: "11111111-1111-4111-8111-111111111111", createdAt: TestClock.start, description: "", state: .enabled,
            usage: .encryptDecrypt, spec: .symmetricDefault, origin: .awsKMS, rotationEnabled: false, rotationPeriodDays: nil,
            nextRotationAt: nil, deletionAt: nil, latestVersion: 1, tags: [])
        // The second change breaks a foreign key (no such key), so the first must not stay either.
        let orphan = KeyVersionRecord(
            keyId: "22222222-2222-4222-8222-222222222222", version: 1, createdAt: TestClock.start, rotationType: .initial,
            wrappedMaterial: [1, 2, 3])
        #expect(throws: SQLiteError.self) { try store.commit([.putKey(record), .addVersion(orphan)]) }
        #expect(try store.load().keys.isEmpty)
        try store.commit([.putKey(record)])
        #expect(try store.load().keys == [record])
    }

    @Test func wrongRootKeyCannotUseStoredMaterial() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.path + "/kms.db"
        let right = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path))
        let key = try await right.createKey()
        let blob = try await right.encrypt(key, utf8("protected"))

        // Start-up succeeds (material is unwrapped lazily) but no operation on the material does.
        let wrong = try await ServiceHarness.make(store: try SQLiteKeyStore(path: path), rootKey: TestKeys.otherRoot)
        #expect(try await wrong.describe(key).keyState == "Enabled")
        await expectError(.internalError) { try await wrong.encrypt(key, utf8("x")) }
        await expectError(.internalError) { try await wrong.decrypt(blob) }
        await expectError(.internalError) { try await wrong.perform(GenerateDataKey.self, .init(keyId: key, keySpec: "AES_256")) }
        #expect(try await right.decrypt(blob) == utf8("protected"))
    }
}
