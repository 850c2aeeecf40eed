import Testing
@testable import KeyCrypto

struct SecureBytesTests {
    @Test func equalityComparesContentAndLength() {
        #expect(SecureBytes(copying: [1, 2, 3] as [UInt8]) == SecureBytes(copying: [1, 2, 3] as [UInt8]))
        #expect(SecureBytes(copying: [1, 2, 3] as [UInt8]) != SecureBytes(copying: [1, 2, 4] as [UInt8]))
        #expect(SecureBytes(copying: [0x80, 2, 3] as [UInt8]) != SecureBytes(copying: [0x00, 2, 3] as [UInt8]))
        #expect(SecureBytes(copying: [1, 2, 3] as [UInt8]) != SecureBytes(copying: [1, 2] as [UInt8]))
        #expect(SecureBytes(copying: [1, 2] as [UInt8]) != SecureBytes(copying: [1, 2, 3] as [UInt8]))
        #expect(SecureBytes(copying: [UInt8]()) == SecureBytes(copying: [UInt8]()))
        #expect(SecureBytes(copying: [UInt8]()) != SecureBytes(copying: [0] as [UInt8]))
    }

    @Test func constantTimeEqualsComparesContentAndLength() {
        #expect(constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!constantTimeEquals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
        #expect(constantTimeEquals(([9, 1, 2, 3] as [UInt8]).dropFirst(), [1, 2, 3] as [UInt8]))
    }

    @Test func descriptionRevealsOnlyTheLength() {
        let secret = SecureBytes(copying: [0xde, 0xad, 0xbe, 0xef] as [UInt8])
        #expect(secret.description == "SecureBytes(4 bytes)")
        #expect(secret.debugDescription == "SecureBytes(4 bytes)")
        #expect("\(secret)" == "SecureBytes(4 bytes)")
        #expect(String(reflecting: secret) == "SecureBytes(4 bytes)")
        for rendering in [secret.description, String(reflecting: [secret])] {
            #expect(!rendering.lowercased().contains("dead"))
            #expect(!rendering.contains("222"))  // 0xde in decimal
        }
    }

    @Test func sliceCopiesTheRequestedRange() {
        let bytes = SecureBytes(copying: (0..<10).map { UInt8($0) })
        #expect(bytes.slice(2..<5).exportBytes() == [2, 3, 4])
        #expect(bytes.slice(0..<10) == bytes)
        #expect(bytes.slice(10..<10).isEmpty)
        #expect(bytes.slice(3..<3).count == 0)
    }

    @Test func initializerFillsTheBuffer() {
        let bytes = SecureBytes(count: 5) { buffer in
            for index in buffer.indices { buffer[index] = UInt8(index * 3) }
        }
        #expect(bytes.exportBytes() == [0, 3, 6, 9, 12])
        #expect(bytes.count == 5 && !bytes.isEmpty)
    }

    @Test func randomProducesDistinctValuesOfTheRequestedSize() throws {
        let values = try (0..<16).map { _ in try SecureBytes.random(count: 32) }
        #expect(values.allSatisfy { $0.count == 32 })
        for (index, value) in values.enumerated() {
            for other in values[(index + 1)...] { #expect(value != other) }
        }
        #expect(try SecureBytes.random(count: 0).isEmpty)
        #expect(try SecureRandom.bytes(16) != SecureRandom.bytes(16))
    }

    @Test func secureZeroClearsAnArray() {
        var bytes: [UInt8] = [1, 2, 3, 4]
        secureZero(&bytes)
        #expect(bytes == [0, 0, 0, 0])
    }
}

struct HexTests {
    @Test func roundTripsEveryByteValue() throws {
        let all = (0...255).map { UInt8($0) }
        let encoded = Hex.encode(all)
        #expect(encoded.count == 512)
        #expect(encoded.hasPrefix("000102") && encoded.hasSuffix("fdfeff"))
        #expect(Hex.decode(encoded) == all)
        #expect(Hex.decode(encoded.uppercased()) == all)
    }

    @Test func encodesLowercase() {
        #expect(Hex.encode([0xde, 0xad, 0xbe, 0xef] as [UInt8]) == "deadbeef")
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.decode("") == [])
    }

    @Test(arguments: ["a", "abc", "0", "zz", "0g", "g0", " 0", "0 ", "0x00", "de:ad", "١٢", "é0"])
    func decodeRejectsOddLengthAndNonHex(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }
}
