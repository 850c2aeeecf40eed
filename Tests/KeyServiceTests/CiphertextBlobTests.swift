import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// The ciphertext blob parser faces untrusted bytes; the encryption context's
/// canonical form is part of every blob's AAD.
@Suite struct CiphertextBlobTests {
    /// A service with one key and a blob of `plaintextSize` bytes sealed with context {"c": "d"}.
    private func sealed(plaintextSize: Int = 1) async throws -> (ServiceHarness, String, [UInt8]) {
        let h = try await ServiceHarness.make()
        let key = try await h.createKey()
        let blob = try await h.encrypt(key, [UInt8](repeating: 0x5a, count: plaintextSize), context: ["c": "d"])
        return (h, key, blob)
    }

    private func expectInvalid(_ bytes: [UInt8], _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: KMSError.self, comment, sourceLocation: sourceLocation) { try CiphertextBlob.parse(bytes) }
        #expect(error?.code == .invalidCiphertext, comment, sourceLocation: sourceLocation)
    }

    @Test func uuidTextRoundTripsAndRejectsEverythingButCanonicalLowercase() {
        for _ in 0..<200 {
            let id = UUIDString.random()
            #expect(KeyReference.isKeyId(id))
            let bytes = UUIDText.bytes(id)
            #expect(bytes?.count == 16)
            #expect(bytes.map { UUIDText.string($0) } == id)
            #expect(id == UUID(uuidString: id)?.uuidString.lowercased())
        }
        #expect(UUIDText.string([UInt8](0..<16)) == "00010203-0405-0607-0809-0a0b0c0d0e0f")
        let valid = "1234abcd-5678-4ef0-9abc-def012345678"
        #expect(UUIDText.bytes(valid) != nil)
        for bad in ["", "1234ABCD-5678-4ef0-9abc-def012345678", "1234abcd-5678-4ef0-9abc-def01234567",
                    "1234abcd-5678-4ef0-9abc-def0123456789", "1234abcd55678-4ef0-9abc-def012345678",
                    "1234abcd-5678-4ef0-9abc-def01234567g", "-1234abcd-5678-4ef0-9abc-def01234567",
                    "1234abcd-5678-4ef0-9abc-def01234567\u{0}", "1234abcd-5678-4ef0-9abc-def01234567é",
                    "12345678123456781234567812345678----"] {
            #expect(UUIDText.bytes(bad) == nil, "\(bad)")
            #expect(!KeyReference.isKeyId(bad), "\(bad)")
        }
    }

    @Test func validBlobParsesIntoItsFields() async throws {
        let (_, key, blob) = try await sealed(plaintextSize: 3)
        #expect(blob.count == CiphertextBlob.minimumSize + 2)
        let parsed = try CiphertextBlob.parse(blob)
        #expect(parsed.keyId == key)
        #expect(parsed.version == 1)
        #expect(parsed.nonce == Array(blob[21..<33]))
        #expect(parsed.ciphertext.count == 3)
        #expect(parsed.tag == Array(blob.suffix(16)))
        #expect(parsed.serialized() == blob)
        #expect(blob[0] == CiphertextBlob.formatV1)
    }

    @Test func emptyAndEveryTruncationBelowTheMinimumAreInvalid() async throws {
        let (_, _, blob) = try await sealed(plaintextSize: 1)
        #expect(blob.count == 50)
        expectInvalid([], "empty")
        for length in 0..<50 { expectInvalid(Array(blob.prefix(length)), "truncated to \(length)") }
    }

    @Test func everyTruncationFailsToDecrypt() async throws {
        let (h, _, blob) = try await sealed(plaintextSize: 20)
        await expectError(.validation) { try await h.decrypt([], context: ["c": "d"]) }
        for length in 1..<blob.count {
            await expectError(.invalidCiphertext, "truncated to \(length)") { try await h.decrypt(Array(blob.prefix(length)), context: ["c": "d"]) }
        }
        #expect(try await h.decrypt(blob, context: ["c": "d"]).count == 20)
    }

    @Test func wrongFormatByteVersionZeroAndOversizeAreInvalid() async throws {
        let (_, _, blob) = try await sealed()
        for format: UInt8 in [0x00, 0x02, 0x80, 0xff] {
            var copy = blob
            copy[0] = format
            expectInvalid(copy, "format \(format)")
        }
        var versionZero = blob
        versionZero.replaceSubrange(17..<21, with: [0, 0, 0, 0])
        expectInvalid(versionZero, "version 0")
        expectInvalid(blob + [UInt8](repeating: 0, count: CiphertextBlob.maximumSize - blob.count + 1), "6145 bytes")
        let largest = blob + [UInt8](repeating: 0, count: CiphertextBlob.maximumSize - blob.count)
        #expect(try CiphertextBlob.parse(largest).ciphertext.count == CiphertextBlob.maximumSize - 49)
    }

    @Test func unknownVersionOfAKnownKeyIsInvalid() async throws {
        let (h, _, blob) = try await sealed()
        var copy = blob
        copy.replaceSubrange(17..<21, with: [0, 0, 0, 2])
        await expectError(.invalidCiphertext) { try await h.decrypt(copy, context: ["c": "d"]) }
        copy.replaceSubrange(17..<21, with: [0xff, 0xff, 0xff, 0xff])
        await expectError(.invalidCiphertext) { try await h.decrypt(copy, context: ["c": "d"]) }
    }

    @Test func everySingleBitFlipIsInvalidCiphertext() async throws {
        let (h, _, blob) = try await sealed(plaintextSize: 4)
        var failures = 0
        for index in blob.indices {
            for bit in 0..<8 {
                var flipped = blob
                flipped[index] ^= 1 << bit
                do {
                    _ = try await h.decrypt(flipped, context: ["c": "d"])
                    failures += 1
                    Issue.record("bit \(bit) of byte \(index) flipped still decrypts")
                } catch let error as KMSError {
                    if error.code != .invalidCiphertext {
                        failures += 1
                        Issue.record("bit \(bit) of byte \(index): \(error)")
                    }
                } catch {
                    failures += 1
                    Issue.record("bit \(bit) of byte \(index): \(error)")
                }
            }
        }
        #expect(failures == 0)
        #expect(try await h.decrypt(blob, context: ["c": "d"]).count == 4)
    }

    // MARK: Fuzz inputs

    /// Every committed fuzz input (seeds and past crashers of `fuzz-ciphertext-blob`)
    /// runs through the fuzzer's checks: no crash, no server fault, no wrong answer.
    @Test func fuzzCorpusRunsWithoutFindings() async throws {
        let harness = try await CiphertextBlobFuzzHarness.make()
        let inputs = try FuzzCorpus.inputs("ciphertext-blob")
        #expect(inputs.count >= 7)
        for (name, bytes) in inputs {
            let problem = await harness.run(bytes)
            #expect(problem == nil, "\(name)")
        }
        // The recorded seed decrypts in the harness's service: its checks reach AES-GCM and past it.
        let seed = try #require(inputs.first { $0.name.hasSuffix("/recorded-format-v1") })
        let output = try await harness.service.perform(
            Decrypt.self, .init(ciphertextBlob: Blob(seed.bytes), encryptionContext: CiphertextBlobFuzzHarness.recordedContext),
            context: CiphertextBlobFuzzHarness.callContext(harness.administratorId))
        #expect(output.plaintext.bytes.exportBytes() == CiphertextBlobFuzzHarness.recordedPlaintext)
    }

    // MARK: Recorded blob (STYLE rule 14)

    struct RecordedBlob: Decodable {
        var keyId: String
        var version: Int
        var keyMaterialHex: String
        var encryptionContext: [String: String]
        var plaintext: String
        var blobHex: String
    }

    @Test func recordedFormatV1BlobStillDecrypts() async throws {
        let fixture = try JSONDecoder().decode(RecordedBlob.self, from: try FixtureFiles.data("blobs/format-v1.json"))
        let material = SecureBytes(copying: try #require(Hex.decode(fixture.keyMaterialHex)))
        let blob = try #require(Hex.decode(fixture.blobHex))
        let keyring = try Keyring(rootKey: TestKeys.root)
        let created = TestClock.start
        let store = MemoryKeyStore()
        var changes: [StoreChange] = [.putKey(KeyRecord(
            id: fixture.keyId, createdAt: created, description: "recorded", state: .enabled, usage: .encryptDecrypt,
            spec: .symmetricDefault, origin: .awsKMS, rotationEnabled: false, rotationPeriodDays: nil, nextRotationAt: nil,
            deletionAt: nil, latestVersion: fixture.version + 1, tags: []))]
        for version in 1...(fixture.version + 1) {
            let versionMaterial = version == fixture.version ? material : try SecureBytes.random(count: 32)
            changes.append(.addVersion(KeyVersionRecord(
                keyId: fixture.keyId, version: version, createdAt: created, rotationType: version == 1 ? .initial : .onDemand,
                wrappedMaterial: try keyring.wrapMaterial(versionMaterial, keyId: fixture.keyId, version: version))))
        }
        try store.commit(changes)
        let h = try await ServiceHarness.make(store: store)

        let parsed = try CiphertextBlob.parse(blob)
        #expect(parsed.keyId == fixture.keyId)
        #expect(parsed.version == fixture.version)
        #expect(try await h.decrypt(blob, context: fixture.encryptionContext) == utf8(fixture.plaintext))
        #expect(try await h.decrypt(blob, context: fixture.encryptionContext, keyId: fixture.keyId) == utf8(fixture.plaintext))
        await expectError(.invalidCiphertext) { try await h.decrypt(blob, context: [:]) }
    }

    // MARK: Encryption context

    @Test func canonicalBytesFollowTheDocumentedLayout() {
        let bytes = EncryptionContext(["b": "2", "a": "1"]).canonicalBytes
        #expect(bytes == [0, 2, 0, 1, 0x61, 0, 1, 0x31, 0, 1, 0x62, 0, 1, 0x32])
        #expect(EncryptionContext().canonicalBytes == [0, 0])
    }

    @Test func equalMapsGiveEqualBytesRegardlessOfInsertionOrder() {
        var first: [String: String] = [:]
        var second: [String: String] = [:]
        let pairs = [("zeta", "1"), ("alpha", "2"), ("é", "3"), ("Z", "4"), ("alpha2", "")]
        for (k, v) in pairs { first[k] = v }
        for (k, v) in pairs.reversed() { second[k] = v }
        #expect(EncryptionContext(first).canonicalBytes == EncryptionContext(second).canonicalBytes)
        #expect(EncryptionContext(first) == EncryptionContext(second))
    }

    @Test func boundariesBetweenKeyAndValueAreUnambiguous() {
        #expect(EncryptionContext(["a": "bc"]).canonicalBytes != EncryptionContext(["ab": "c"]).canonicalBytes)
        #expect(EncryptionContext(["a": "b", "c": "d"]).canonicalBytes != EncryptionContext(["a": "bcd"]).canonicalBytes)
        #expect(EncryptionContext(["a": ""]).canonicalBytes != EncryptionContext([:]).canonicalBytes)
    }

    @Test func validateEnforcesTheLimits() throws {
        func valid(_ pairs: [String: String]) -> Bool { (try? EncryptionContext(pairs).validate()) != nil }
        #expect(valid([:]))
        #expect(valid(Dictionary(uniqueKeysWithValues: (0..<64).map { ("k\($0)", "v") })))
        #expect(!valid(Dictionary(uniqueKeysWithValues: (0..<65).map { ("k\($0)", "v") })))
        #expect(!valid(["": "v"]))
        #expect(valid([String(repeating: "k", count: 2048): String(repeating: "v", count: 2048)]))
        #expect(!valid([String(repeating: "k", count: 2049): "v"]))
        #expect(!valid(["k": String(repeating: "v", count: 2049)]))
        // 4 pairs of 2048 + 1 bytes = 8196 bytes in all.
        #expect(!valid(Dictionary(uniqueKeysWithValues: (0..<4).map { ("\($0)", String(repeating: "v", count: 2048)) })))
        #expect(valid(Dictionary(uniqueKeysWithValues: (0..<4).map { ("\($0)", String(repeating: "v", count: 2047)) })))
        // Limits count UTF-8 bytes, not characters.
        #expect(!valid(["k": String(repeating: "é", count: 1025)]))
    }
}

/// Finds files in `keys-fixtures/` from this source file's location or the working directory.
enum FixtureFiles {
    struct Missing: Error, CustomStringConvertible { var description: String }

    static func data(_ relativePath: String) throws -> Data {
        var starts = [URL(fileURLWithPath: #filePath).deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        if let override = ProcessInfo.processInfo.environment["KMS_FIXTURES_DIR"], !override.isEmpty {
            let url = URL(fileURLWithPath: override).appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: url.path) { return try Data(contentsOf: url) }
        }
        while let start = starts.first {
            starts.removeFirst()
            var candidate = start.standardizedFileURL
            while true {
                let url = candidate.appendingPathComponent("keys-fixtures").appendingPathComponent(relativePath)
                if FileManager.default.fileExists(atPath: url.path) { return try Data(contentsOf: url) }
                let parent = candidate.deletingLastPathComponent()
                if parent.path == candidate.path { break }
                candidate = parent
            }
        }
        throw Missing(description: "keys-fixtures/\(relativePath) not found (set KMS_FIXTURES_DIR)")
    }
}
