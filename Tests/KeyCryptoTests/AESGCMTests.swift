import Testing
@testable import KeyCrypto

/// AES-GCM argument checks and tamper detection beyond the vector files.
struct AESGCMTests {
    let key = SecureBytes(copying: (0..<32).map { UInt8($0) })
    let nonce: [UInt8] = Array(repeating: 0x42, count: AESGCM.nonceSize)
    let plaintext = Array("attack at dawn, bring the keys".utf8)
    let aad = Array("key-id=1234;version=3".utf8)

    @Test(arguments: [0, 1, 8, 15, 17, 23, 25, 31, 33, 64])
    func sealAndOpenRejectKeysThatAreNotAESSizes(size: Int) {
        let badKey = SecureBytes(copying: [UInt8](repeating: 7, count: size))
        #expect(thrownKind { try AESGCM.seal(key: badKey, nonce: nonce, plaintext: plaintext, aad: aad) } == .invalidArgument)
        #expect(thrownKind {
            try AESGCM.open(key: badKey, nonce: nonce, ciphertext: plaintext, tag: [UInt8](repeating: 0, count: 16), aad: aad)
        } == .invalidArgument)
    }

    @Test(arguments: [16, 24, 32])
    func roundTripsWithEveryAESKeySize(size: Int) throws {
        let key = try SecureBytes.random(count: size)
        let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad)
        #expect(sealed.ciphertext.count == plaintext.count && sealed.ciphertext != plaintext)
        #expect(sealed.tag.count == AESGCM.tagSize)
        let opened = try AESGCM.open(key: key, nonce: nonce, ciphertext: sealed.ciphertext, tag: sealed.tag, aad: aad)
        #expect(opened.exportBytes() == plaintext)
    }

    @Test func sealRejectsNonceAndTagSizesOutsideTheDomain() {
        for nonceSize in [0, AESGCMVectorTests.maxSupportedIVBytes + 1, 1025] {
            let kind = thrownKind { try AESGCM.seal(key: key, nonce: [UInt8](repeating: 1, count: nonceSize), plaintext: plaintext, aad: aad) }
            #expect(kind == .invalidArgument, "nonce of \(nonceSize) bytes")
        }
        for tagLength in [0, 3, 17, 32] {
            let kind = thrownKind { try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad, tagLength: tagLength) }
            #expect(kind == .invalidArgument, "tag of \(tagLength) bytes")
            let openKind = thrownKind {
                try AESGCM.open(key: key, nonce: nonce, ciphertext: plaintext, tag: [UInt8](repeating: 0, count: tagLength), aad: aad,
                                expectedTagLength: tagLength)
            }
            #expect(openKind == .invalidArgument, "tag of \(tagLength) bytes")
        }
    }

    enum Tampering: CaseIterable, Sendable {
        case ciphertext, tag, aad, nonce, droppedAAD, wrongKey, forgedShortTag
    }

    @Test(arguments: Tampering.allCases)
    func openRejectsTamperedInput(_ tampering: Tampering) throws {
        let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad)
        // Untampered, it opens.
        #expect(try AESGCM.open(key: key, nonce: nonce, ciphertext: sealed.ciphertext, tag: sealed.tag, aad: aad).exportBytes() == plaintext)

        var (openKey, openNonce, ciphertext, tag, openAAD) = (key, nonce, sealed.ciphertext, sealed.tag, aad)
        switch tampering {
        case .ciphertext: ciphertext[3] ^= 0x01
        case .tag: tag[15] ^= 0x80
        case .aad: openAAD[0] ^= 0x20
        case .nonce: openNonce[11] ^= 0x01
        case .droppedAAD: openAAD = []
        case .forgedShortTag: tag = Array(tag.prefix(4)); tag[3] ^= 0x01
        case .wrongKey: openKey = SecureBytes(copying: (0..<32).map { UInt8($0 == 31 ? 0 : $0) })
        }
        let kind = thrownKind { try AESGCM.open(key: openKey, nonce: openNonce, ciphertext: ciphertext, tag: tag, aad: openAAD) }
        #expect(kind == .authenticationFailure)
    }

    /// `open` checks as many tag bytes as it is handed (4...16, as GCM allows),
    /// so a correct prefix of the tag verifies. Whoever parses a stored or
    /// received ciphertext must insist on the full `AESGCM.tagSize` itself.
    @Test func openRefusesATruncatedTagUnlessTheCallerNamesItsLength() throws {
        let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad)
        for length in [4, 12, 15] {
            let truncated = Array(sealed.tag.prefix(length))
            let kind = thrownKind { try AESGCM.open(key: key, nonce: nonce, ciphertext: sealed.ciphertext, tag: truncated, aad: aad) }
            #expect(kind == .authenticationFailure, "a \(length)-byte prefix of the tag must not verify by default")
            // Known-answer vectors with short tags name their length explicitly.
            let opened = try AESGCM.open(key: key, nonce: nonce, ciphertext: sealed.ciphertext, tag: truncated, aad: aad, expectedTagLength: length)
            #expect(opened.exportBytes() == plaintext)
        }
        let kind = thrownKind {
            try AESGCM.open(key: key, nonce: nonce, ciphertext: sealed.ciphertext, tag: Array(sealed.tag.prefix(3)), aad: aad, expectedTagLength: 3)
        }
        #expect(kind == .invalidArgument)
    }

    @Test func emptyPlaintextAndAADStillAuthenticate() throws {
        let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: [UInt8](), aad: [])
        #expect(sealed.ciphertext.isEmpty && sealed.tag.count == 16)
        #expect(try AESGCM.open(key: key, nonce: nonce, ciphertext: [], tag: sealed.tag, aad: []).isEmpty)
        var forged = sealed.tag
        forged[0] ^= 1
        #expect(thrownKind { try AESGCM.open(key: key, nonce: nonce, ciphertext: [], tag: forged, aad: []) } == .authenticationFailure)
    }

    @Test func sealingSecureBytesMatchesSealingAnArray() throws {
        let fromArray = try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad)
        let fromSecure = try AESGCM.seal(key: key, nonce: nonce, plaintext: SecureBytes(copying: plaintext), aad: aad)
        #expect(fromArray == fromSecure)
    }

    @Test func differentNoncesGiveDifferentCiphertexts() throws {
        let first = try AESGCM.seal(key: key, nonce: try SecureRandom.bytes(12), plaintext: plaintext, aad: aad)
        let second = try AESGCM.seal(key: key, nonce: try SecureRandom.bytes(12), plaintext: plaintext, aad: aad)
        #expect(first.ciphertext != second.ciphertext)
        #expect(first.tag != second.tag)
    }
}
