import Testing
@testable import KeyCrypto

/// SHA-2 against NIST CAVP ShortMsg (byte-oriented messages of 0…n bytes).
struct DigestTests {
    @Test(arguments: [("sha2/SHA256ShortMsg.rsp", DigestAlgorithm.sha256, 65),
                      ("sha2/SHA384ShortMsg.rsp", .sha384, 129),
                      ("sha2/SHA512ShortMsg.rsp", .sha512, 129)])
    func shortMessageVectorsHashExactly(path: String, algorithm: DigestAlgorithm, expectedCount: Int) throws {
        let records = CAVPFile.parse(try Fixtures.text(path))
        #expect(records.count == expectedCount)
        for record in records {
            #expect(try record.int("L", inSection: true) == algorithm.outputSize)
            let bitLength = try record.int("Len")
            // `Len = 0` is the empty message; the file still writes `Msg = 00`.
            let message = bitLength == 0 ? [] : try record.hex("Msg")
            #expect(message.count * 8 == bitLength, "line \(record.line)")
            let expected = try record.hex("MD")
            #expect(try Digest.hash(algorithm, message) == expected, "line \(record.line)")

            // The same digest fed in two pieces.
            let streaming = try StreamingDigest(algorithm)
            let split = message.count / 3
            try streaming.update(Array(message[..<split]))
            try streaming.update(Array(message[split...]))
            #expect(try streaming.finalize() == expected, "streaming, line \(record.line)")
        }
    }

    @Test func sha256HexOfEmptyStringIsTheSigV4EmptyPayloadHash() {
        #expect(Digest.sha256Hex("") == SigV4.emptyPayloadHash)
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func outputSizesMatchTheAlgorithms() throws {
        for algorithm in DigestAlgorithm.allCases {
            #expect(try Digest.hash(algorithm, [UInt8]()).count == algorithm.outputSize)
        }
    }
}
