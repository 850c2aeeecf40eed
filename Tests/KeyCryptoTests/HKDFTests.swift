import Testing
@testable import KeyCrypto

/// HKDF against RFC 5869 (A.1–A.3), cryptography's 1200-byte vector, and
/// Wycheproof HKDF-SHA-256/384/512.
struct HKDFTests {
    /// Runs the `Hash/IKM/salt/info/L/OKM` records of a cryptography-vectors file.
    func checkRFCStyleFile(_ path: String) throws -> Int {
        let records = RFCVectorFile.parse(try Fixtures.text(path))
        for record in records {
            let algorithm = try #require(record["Hash"].flatMap(DigestAlgorithm.init(vectorName:)), "\(path): \(record)")
            let ikm = try bytes(hex: try #require(record["IKM"]))
            let salt = try bytes(hex: record["salt"] ?? "")
            let info = try bytes(hex: record["info"] ?? "")
            let length = try #require(record["L"].flatMap { Int($0) })
            let okm = try bytes(hex: try #require(record["OKM"]))
            #expect(okm.count == length)
            let derived = try HKDF.deriveKey(algorithm, inputKey: SecureBytes(copying: ikm), salt: salt, info: info, outputLength: length)
            #expect(derived.exportBytes() == okm, "\(path) COUNT \(record["COUNT"] ?? "?")")
        }
        return records.count
    }

    @Test func rfc5869SHA256VectorsDeriveExactOutput() throws {
        #expect(try checkRFCStyleFile("hkdf/rfc-5869-HKDF-SHA256.txt") == 3)
    }

    @Test func longOutputVectorDerivesAll1200Bytes() throws {
        #expect(try checkRFCStyleFile("hkdf/hkdf-generated.txt") == 1)
    }

    @Test(arguments: [("wycheproof/hkdf_sha256_test.json", DigestAlgorithm.sha256, 86),
                      ("wycheproof/hkdf_sha384_test.json", .sha384, 83),
                      ("wycheproof/hkdf_sha512_test.json", .sha512, 83)])
    func wycheproofVectorsDeriveOrRejectOversizedOutput(path: String, algorithm: DigestAlgorithm, expectedCount: Int) throws {
        let file = try WycheproofFile<WycheproofHKDFGroup>.load(path)
        #expect(DigestAlgorithm(vectorName: String(file.algorithm.dropFirst("HKDF-".count))) == algorithm)
        var valid = 0, invalid = 0
        for group in file.testGroups {
            for test in group.tests {
                let ikm = SecureBytes(copying: try bytes(hex: test.ikm))
                let salt = try bytes(hex: test.salt), info = try bytes(hex: test.info)
                switch test.result {
                case .valid, .acceptable:
                    let derived = try HKDF.deriveKey(algorithm, inputKey: ikm, salt: salt, info: info, outputLength: test.size)
                    #expect(derived.exportBytes() == (try bytes(hex: test.okm)), "tcId \(test.tcId)")
                    valid += 1
                case .invalid:
                    // Wycheproof's invalid HKDF vectors ask for more than 255 blocks of output.
                    #expect(test.size > 255 * algorithm.outputSize, "tcId \(test.tcId)")
                    let kind = thrownKind { try HKDF.deriveKey(algorithm, inputKey: ikm, salt: salt, info: info, outputLength: test.size) }
                    #expect(kind == .invalidArgument, "tcId \(test.tcId)")
                    invalid += 1
                }
            }
        }
        #expect(valid + invalid == file.numberOfTests)
        #expect(file.numberOfTests == expectedCount)
        #expect(invalid == 3)
    }

    @Test func emptySaltMeansHashLengthZeros() throws {
        let ikm = SecureBytes(copying: [UInt8](repeating: 0x0b, count: 22))
        let withEmpty = try HKDF.deriveKey(.sha256, inputKey: ikm, salt: [], info: [1, 2], outputLength: 42)
        let withZeros = try HKDF.deriveKey(.sha256, inputKey: ikm, salt: [UInt8](repeating: 0, count: 32), info: [1, 2], outputLength: 42)
        #expect(withEmpty == withZeros)
    }

    @Test func rejectsOutputLengthsOutsideTheRFCRange() {
        let ikm = SecureBytes(copying: [1, 2, 3])
        for (algorithm, length) in [(DigestAlgorithm.sha256, 0), (.sha256, 255 * 32 + 1), (.sha512, 255 * 64 + 1), (.sha256, -1)] {
            #expect(thrownKind { try HKDF.deriveKey(algorithm, inputKey: ikm, outputLength: length) } == .invalidArgument)
        }
        #expect(thrownKind { try HKDF.deriveKey(.sha256, inputKey: ikm, outputLength: 255 * 32) } == nil)
    }

    @Test func rejectsEmptyInputKey() {
        #expect(thrownKind { try HKDF.deriveKey(.sha256, inputKey: SecureBytes(copying: [UInt8]()), outputLength: 32) } == .invalidArgument)
    }
}
