import Client
import Foundation
import KeyCrypto
import Testing

/// Untrusted bytes never crash the reader: every truncation, every bit flip,
/// absurd length fields and random garbage end in an `EnvelopeError`.
@Suite struct ParserRobustnessTests {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Reads `message` fully with the vector keyring; throws on any problem.
    static func read(_ message: [UInt8]) throws -> [UInt8] {
        guard let (header, consumed) = try HeaderParser.parse(message, atEnd: true) else { return [] }
        guard let dataKey = try vectorKeyring().unwrap(header.encryptedDataKeys, suite: header.suite, context: header.context) else {
            throw EnvelopeError(.noDecryptableDataKey("test"))
        }
        let decryptor = try EnvelopeDecryptor(header: header, dataKey: dataKey, options: EnvelopeOptions(workers: 2))
        var out: [UInt8] = []
        let sink: EnvelopeDecryptor.Sink = { out += $0.array; $0.release() }
        try decryptor.update(Array(message[consumed...]), sink: sink)
        try decryptor.finish(sink: sink)
        return out
    }

    static func messages() throws -> [[UInt8]] {
        try ["esdk-python-0478-129-f128.bin", "esdk-python-0578-129-f128.bin", "esdk-python-0378-129-f128.bin"].map {
            Array(try Data(contentsOf: envelopeFixtures.appendingPathComponent($0)))
        }
    }

    @Test func everyTruncationIsRefused() throws {
        for message in try Self.messages() {
            #expect(try Self.read(message) == (0..<129).map { UInt8($0) })
            for length in 0..<message.count {
                #expect(throws: EnvelopeError.self, "length \(length)") { _ = try Self.read(Array(message[..<length])) }
            }
        }
    }

    @Test func everyBitFlipIsRefused() throws {
        var random = SplitMix64(state: 7)
        for message in try Self.messages() {
            for offset in 0..<message.count {
                var copy = message
                copy[offset] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
                #expect(throws: EnvelopeError.self, "offset \(offset)") { _ = try Self.read(copy) }
            }
        }
    }

    @Test func absurdLengthsAreRefusedBeforeAllocation() throws {
        let message = try Self.messages()[0]
        // AAD length claims 65535 bytes that are not there.
        var aad = message
        aad[35] = 0xff; aad[36] = 0xff
        #expect(throws: EnvelopeError.self) { _ = try HeaderParser.parse(aad, atEnd: true) }
        // 65535 encrypted data keys: over the limit, refused before any is read.
        var keys = Array(message[0..<37]) + [0xff, 0xff]
        keys += [UInt8](repeating: 0, count: 100)
        #expect(throws: EnvelopeError(.tooManyEncryptedDataKeys(count: 65535, limit: 64))) { _ = try HeaderParser.parse(keys, atEnd: true) }
        // A frame length of 2^32 - 1.
        let (header, consumed) = try #require(try HeaderParser.parse(message, atEnd: true))
        var frame = message
        let frameOffset = consumed - 16 - 32 - 4
        frame.replaceSubrange(frameOffset..<frameOffset + 4, with: [0xff, 0xff, 0xff, 0xff])
        #expect(throws: EnvelopeError(.frameTooLarge(length: 0xffff_ffff, limit: 64 << 20))) { _ = try HeaderParser.parse(frame, atEnd: true) }
        #expect(header.frameLength == 128)
        // A header that never ends is cut off at the limit.
        let endless = Array(message[0..<37]) + [0x00, 0x01, 0xff, 0xff] + [UInt8](repeating: 0x41, count: 70_000)
        #expect(throws: EnvelopeError(.headerTooLarge(limit: 1024))) {
            _ = try HeaderParser.parse(endless, limits: EnvelopeLimits(maxHeaderBytes: 1024), atEnd: false)
        }
    }

    @Test func unsupportedVersionsAndSuitesAreNamed() throws {
        #expect(throws: EnvelopeError(.unsupportedVersion(3))) { _ = try HeaderParser.parse([3, 0, 0], atEnd: true) }
        #expect(throws: EnvelopeError(.unsupportedSuite(0x0214))) { _ = try HeaderParser.parse([2, 0x02, 0x14], atEnd: true) }
        #expect(throws: EnvelopeError(.unsupportedSuite(0x0078))) { _ = try HeaderParser.parse([1, 0x80, 0x00, 0x78], atEnd: true) }
        #expect(throws: EnvelopeError.self) { _ = try HeaderParser.parse([2, 0x01, 0x78], atEnd: true) }
        #expect(try HeaderParser.parse([2, 0x04], atEnd: false) == nil)
    }

    @Test func randomGarbageNeverCrashes() throws {
        var random = SplitMix64(state: 42)
        let seeds = try Self.messages()
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...400, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if !bytes.isEmpty { bytes[0] = UInt8.random(in: 1...2, using: &random) }
            } else {
                bytes = seeds[round % seeds.count]
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            #expect(throws: (any Error).self) { _ = try Self.read(bytes) }
        }
    }

    /// Every committed fuzz input (seeds and past crashers of `fuzz-envelope`) runs
    /// through the fuzzer's checks: no crash, and the readers agree.
    @Test func fuzzCorpusRunsWithoutFindings() throws {
        let inputs = try FuzzCorpus.inputs("envelope")
        #expect(inputs.count >= 25)
        for (name, bytes) in inputs {
            #expect(EnvelopeFuzzHarness.run(bytes) == nil, "\(name)")
        }
        // The seeds are real messages: the harness reaches the end of a decryption.
        let seed = try #require(inputs.first { $0.name.hasSuffix("/esdk-python-0578-129-f128") })
        #expect(try Self.read(seed.bytes) == (0..<129).map { UInt8($0) })
        // Re-authenticated under the harness's data key, a seed of every suite decrypts
        // whole (two full frames, the final frame and, signed, the footer): mutants of
        // it are parsed past every tag.
        for suite in ["0178", "0378", "0478", "0578"] {
            let bytes = try #require(inputs.first { $0.name.hasSuffix("/esdk-python-\(suite)-400-f128") }).bytes
            let (header, consumed) = try #require(try HeaderParser.parse(bytes, atEnd: true))
            let authentic = try #require(try EnvelopeFuzzHarness.makeAuthentic(header, rest: Array(bytes[consumed...])))
            #expect(authentic.plaintext.count == 400, "\(suite)")
            let decrypted = EnvelopeFuzzHarness.decrypt(
                authentic.rest, header: authentic.header, dataKey: EnvelopeFuzzHarness.dataKey, piece: 7, reading: true)
            #expect(decrypted == .plaintext(authentic.plaintext), "\(suite)")
        }
    }
}
