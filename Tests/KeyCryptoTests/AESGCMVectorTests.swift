import Testing
@testable import KeyCrypto

/// AES-GCM against NIST CAVP (256-bit keys, every IV and tag length in the
/// files) and Wycheproof (128/192/256-bit keys, valid and forged vectors).
struct AESGCMVectorTests {
    /// gcmEncryptExtIV256.rsp and gcmDecrypt256.rsp each hold 525 sections of 15 records.
    static let cavpRecordCount = 7875

    @Test func gcmEncryptVectorsProduceExactCiphertextAndTag() throws {
        let records = CAVPFile.parse(try Fixtures.text("aes-gcm/gcmEncryptExtIV256.rsp"))
        #expect(records.count == Self.cavpRecordCount)
        var tagLengths = Set<Int>()
        for record in records {
            let key = SecureBytes(copying: try record.hex("Key"))
            let iv = try record.hex("IV"), plaintext = try record.hex("PT"), aad = try record.hex("AAD")
            let ciphertext = try record.hex("CT"), tag = try record.hex("Tag")
            #expect(tag.count * 8 == (try record.int("Taglen", inSection: true)), "line \(record.line)")
            #expect(iv.count * 8 == (try record.int("IVlen", inSection: true)), "line \(record.line)")
            tagLengths.insert(tag.count)

            let sealed = try AESGCM.seal(key: key, nonce: iv, plaintext: plaintext, aad: aad, tagLength: tag.count)
            #expect(sealed.ciphertext == ciphertext, "line \(record.line)")
            #expect(sealed.tag == tag, "line \(record.line)")
            let opened = try AESGCM.open(key: key, nonce: iv, ciphertext: ciphertext, tag: tag, aad: aad, expectedTagLength: tag.count)
            #expect(opened.exportBytes() == plaintext, "line \(record.line)")
        }
        #expect(tagLengths == [4, 8, 12, 13, 14, 15, 16])
    }

    @Test func gcmDecryptVectorsRecoverPlaintextAndRejectForgedTags() throws {
        let records = CAVPFile.parse(try Fixtures.text("aes-gcm/gcmDecrypt256.rsp"))
        #expect(records.count == Self.cavpRecordCount)
        var accepted = 0, rejected = 0
        for record in records {
            let key = SecureBytes(copying: try record.hex("Key"))
            let iv = try record.hex("IV"), aad = try record.hex("AAD")
            let ciphertext = try record.hex("CT"), tag = try record.hex("Tag")
            if record.fails {
                #expect(record.fields["PT"] == nil, "line \(record.line)")
                let kind = thrownKind { try AESGCM.open(key: key, nonce: iv, ciphertext: ciphertext, tag: tag, aad: aad, expectedTagLength: tag.count) }
                #expect(kind == .authenticationFailure, "line \(record.line)")
                rejected += 1
            } else {
                let plaintext = try record.hex("PT")
                let opened = try AESGCM.open(key: key, nonce: iv, ciphertext: ciphertext, tag: tag, aad: aad, expectedTagLength: tag.count)
                #expect(opened.exportBytes() == plaintext, "line \(record.line)")
                accepted += 1
            }
        }
        #expect(rejected == 3919)
        #expect(accepted == Self.cavpRecordCount - 3919)
    }

    /// OpenSSL 3's GCM accepts IVs of 1...128 bytes; Wycheproof's longer ones
    /// (257-byte "LongIv" vectors) are refused up front as invalid arguments.
    static let maxSupportedIVBytes = 128

    @Test func wycheproofValidVectorsRoundTrip() throws {
        let file = try WycheproofFile<WycheproofAEADGroup>.load("wycheproof/aes_gcm_test.json")
        #expect(file.algorithm == "AES-GCM")
        #expect(file.testGroups.reduce(0) { $0 + $1.tests.count } == file.numberOfTests)
        var roundTripped = 0, refusedLongIV = 0
        for group in file.testGroups {
            for test in group.tests where test.result != .invalid {
                let key = SecureBytes(copying: try bytes(hex: test.key))
                let iv = try bytes(hex: test.iv), aad = try bytes(hex: test.aad), message = try bytes(hex: test.msg)
                let ciphertext = try bytes(hex: test.ct), tag = try bytes(hex: test.tag)
                #expect(key.count * 8 == group.keySize && iv.count * 8 == group.ivSize && tag.count * 8 == group.tagSize)
                if iv.count > Self.maxSupportedIVBytes {
                    let sealKind = thrownKind { try AESGCM.seal(key: key, nonce: iv, plaintext: message, aad: aad, tagLength: tag.count) }
                    let openKind = thrownKind { try AESGCM.open(key: key, nonce: iv, ciphertext: ciphertext, tag: tag, aad: aad, expectedTagLength: tag.count) }
                    #expect(sealKind == .invalidArgument, "tcId \(test.tcId)")
                    #expect(openKind == .invalidArgument, "tcId \(test.tcId)")
                    refusedLongIV += 1
                    continue
                }
                let sealed = try AESGCM.seal(key: key, nonce: iv, plaintext: message, aad: aad, tagLength: tag.count)
                #expect(sealed.ciphertext == ciphertext, "tcId \(test.tcId)")
                #expect(sealed.tag == tag, "tcId \(test.tcId)")
                let opened = try AESGCM.open(key: key, nonce: iv, ciphertext: ciphertext, tag: tag, aad: aad, expectedTagLength: tag.count)
                #expect(opened.exportBytes() == message, "tcId \(test.tcId)")
                roundTripped += 1
            }
        }
        #expect(roundTripped == 226)
        #expect(refusedLongIV == 3)
    }

    @Test func wycheproofInvalidVectorsFailToOpen() throws {
        let file = try WycheproofFile<WycheproofAEADGroup>.load("wycheproof/aes_gcm_test.json")
        var forgedTags = 0, emptyIVs = 0
        for group in file.testGroups {
            for test in group.tests where test.result == .invalid {
                let key = SecureBytes(copying: try bytes(hex: test.key))
                let iv = try bytes(hex: test.iv), aad = try bytes(hex: test.aad), message = try bytes(hex: test.msg)
                let ciphertext = try bytes(hex: test.ct), tag = try bytes(hex: test.tag)
                let openKind = thrownKind { try AESGCM.open(key: key, nonce: iv, ciphertext: ciphertext, tag: tag, aad: aad, expectedTagLength: tag.count) }
                if iv.isEmpty {
                    // A zero-length IV is outside GCM's domain: refused before any crypto.
                    #expect(openKind == .invalidArgument, "tcId \(test.tcId)")
                    let sealKind = thrownKind { try AESGCM.seal(key: key, nonce: iv, plaintext: message, aad: aad) }
                    #expect(sealKind == .invalidArgument, "tcId \(test.tcId)")
                    emptyIVs += 1
                } else {
                    // A modified tag: sealing the message gives a different tag, and the forged one never verifies.
                    #expect(openKind == .authenticationFailure, "tcId \(test.tcId)")
                    let sealed = try AESGCM.seal(key: key, nonce: iv, plaintext: message, aad: aad, tagLength: tag.count)
                    #expect(sealed.ciphertext == ciphertext && sealed.tag != tag, "tcId \(test.tcId)")
                    forgedTags += 1
                }
            }
        }
        #expect(forgedTags == 81)
        #expect(emptyIVs == 6)
    }
}
