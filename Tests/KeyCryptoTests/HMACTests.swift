import Testing
@testable import KeyCrypto

/// HMAC-SHA-224/256/384/512 against RFC 4231 (as cryptography-vectors ships it:
/// test cases 1–4, 6 and 7; its files leave out the truncated case 5).
struct HMACTests {
    @Test(arguments: [("hmac/rfc-4231-sha224.txt", DigestAlgorithm.sha224),
                      ("hmac/rfc-4231-sha256.txt", .sha256),
                      ("hmac/rfc-4231-sha384.txt", .sha384),
                      ("hmac/rfc-4231-sha512.txt", .sha512)])
    func rfc4231VectorsAuthenticateAndVerify(path: String, algorithm: DigestAlgorithm) throws {
        let records = RFCVectorFile.parse(try Fixtures.text(path))
        #expect(records.count == 6)
        for record in records {
            let key = SecureBytes(copying: try bytes(hex: try #require(record["Key"])))
            let message = try bytes(hex: try #require(record["Msg"]))
            let expected = try bytes(hex: try #require(record["MD"]))
            #expect(record["Len"].flatMap { Int($0) } == message.count * 8)
            let mac = try HMAC.authenticate(algorithm, key: key, data: message)
            #expect(mac.count == algorithm.outputSize)
            if expected.count < algorithm.outputSize {
                // A truncated vector (RFC 4231 case 5) fixes only the leading bytes.
                #expect(Array(mac.prefix(expected.count)) == expected, "\(path) Len \(record["Len"] ?? "?")")
            } else {
                #expect(mac == expected, "\(path) Len \(record["Len"] ?? "?")")
                #expect(try HMAC.verify(algorithm, key: key, data: message, mac: expected))
                var forged = expected
                forged[forged.count - 1] ^= 0x01
                #expect(try !HMAC.verify(algorithm, key: key, data: message, mac: forged))
            }
        }
    }

    @Test func verifyRejectsTruncatedMAC() throws {
        let key = SecureBytes(copying: Array("key".utf8))
        let mac = try HMAC.authenticate(.sha256, key: key, data: [1, 2, 3])
        #expect(try HMAC.verify(.sha256, key: key, data: [1, 2, 3], mac: mac))
        #expect(try !HMAC.verify(.sha256, key: key, data: [1, 2, 3], mac: Array(mac.prefix(16))))
        #expect(try !HMAC.verify(.sha256, key: key, data: [1, 2, 3], mac: []))
    }

    @Test func emptyKeyAndEmptyMessageAreAccepted() throws {
        // HMAC-SHA256(key: "", data: ""), computed independently with Python's hmac module.
        let mac = try HMAC.authenticate(.sha256, key: SecureBytes(copying: [UInt8]()), data: [UInt8]())
        #expect(Hex.encode(mac) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
