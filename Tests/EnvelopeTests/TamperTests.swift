import Client
import Foundation
import KeyCrypto
import Testing

/// Every kind of modified message is refused with its own error, and a file
/// decryption leaves nothing behind (no output, no temporary file).
@Suite struct TamperTests {
    static let frame = 128

    struct Sample {
        let client: EnvelopeClient
        let message: [UInt8]
        let headerLength: Int
        let plaintext: [UInt8]
    }

    /// A message of 5 regular frames and a final frame of 40 bytes.
    func sample(_ suite: AlgorithmSuite) async throws -> Sample {
        let client = EnvelopeClient(provider: FakeKeyService(keys: ["k"]), keyIds: ["k"],
                                    options: EnvelopeOptions(frameLength: Self.frame, workers: 2, batchBytesPerWorker: 256))
        let plaintext = pattern(5 * Self.frame + 40)
        let message = try await collect(client.encrypt(chunks(plaintext), suite: suite, context: ["a": "b"]))
        let (_, consumed) = try #require(try HeaderParser.parse(message, atEnd: true))
        return Sample(client: client, message: message, headerLength: consumed, plaintext: plaintext)
    }

    /// Decrypts `message` from a file to a file; returns the error code, and checks
    /// that the directory holds nothing but the input afterwards.
    func decryptFile(_ sample: Sample, _ message: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> EnvelopeError.Code? {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("m.kms").path
        try Data(message).write(to: URL(fileURLWithPath: input))
        let code = await envelopeErrorCode({
            try await sample.client.decryptFile(at: input, to: directory.appendingPathComponent("m").path)
        }, sourceLocation: sourceLocation)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left == ["m.kms"], "decryption left \(left)", sourceLocation: sourceLocation)
        return code
    }

    func flipped(_ bytes: [UInt8], at offset: Int) -> [UInt8] {
        var copy = bytes
        copy[offset] ^= 0x01
        return copy
    }

    @Test func intactMessageDecrypts() async throws {
        let sample = try await sample(.committing)
        #expect(try await decryptFileKeepingOutput(sample) == sample.plaintext)
    }

    func decryptFileKeepingOutput(_ sample: Sample) async throws -> [UInt8] {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("m.kms").path
        try Data(sample.message).write(to: URL(fileURLWithPath: input))
        try await sample.client.decryptFile(at: input, to: directory.appendingPathComponent("m").path)
        return Array(try Data(contentsOf: directory.appendingPathComponent("m")))
    }

    @Test(arguments: AlgorithmSuite.writable)
    func commitmentChangeIsRefused(suite: AlgorithmSuite) async throws {
        let sample = try await sample(suite)
        let code = try await decryptFile(sample, flipped(sample.message, at: sample.headerLength - 16 - 32))
        #expect(code == .commitmentMismatch)
    }

    @Test(arguments: AlgorithmSuite.writable)
    func headerTagChangeIsRefused(suite: AlgorithmSuite) async throws {
        let sample = try await sample(suite)
        #expect(try await decryptFile(sample, flipped(sample.message, at: sample.headerLength - 1)) == .headerAuthentication)
    }

    @Test func frameLengthChangeInTheHeaderIsRefused() async throws {
        let sample = try await sample(.committing)
        // The frame length's low byte sits just before the 32-byte commit key.
        let code = try await decryptFile(sample, flipped(sample.message, at: sample.headerLength - 16 - 32 - 1))
        #expect(code == .headerAuthentication)
    }

    @Test(arguments: AlgorithmSuite.writable)
    func frameTagChangeIsRefused(suite: AlgorithmSuite) async throws {
        let sample = try await sample(suite)
        let thirdFrameTag = sample.headerLength + 3 * (Self.frame + 32) - 1
        #expect(try await decryptFile(sample, flipped(sample.message, at: thirdFrameTag)) == .frameAuthentication(sequence: 3))
    }

    @Test func frameContentChangeIsRefused() async throws {
        let sample = try await sample(.committing)
        #expect(try await decryptFile(sample, flipped(sample.message, at: sample.headerLength + 20)) == .frameAuthentication(sequence: 1))
    }

    @Test(arguments: AlgorithmSuite.writable)
    func reorderedFramesAreRefused(suite: AlgorithmSuite) async throws {
        let sample = try await sample(suite)
        let record = Self.frame + 32
        var message = sample.message
        let first = sample.headerLength, second = sample.headerLength + record
        message.replaceSubrange(first..<first + record, with: sample.message[second..<second + record])
        message.replaceSubrange(second..<second + record, with: sample.message[first..<first + record])
        #expect(try await decryptFile(sample, message) == .sequenceOutOfOrder(expected: 1, found: 2))
    }

    @Test func droppedFrameIsRefused() async throws {
        let sample = try await sample(.committing)
        let record = Self.frame + 32
        var message = sample.message
        message.removeSubrange((sample.headerLength + record)..<(sample.headerLength + 2 * record))
        #expect(try await decryptFile(sample, message) == .sequenceOutOfOrder(expected: 2, found: 3))
    }

    @Test(arguments: AlgorithmSuite.writable)
    func missingFinalFrameIsRefused(suite: AlgorithmSuite) async throws {
        let sample = try await sample(suite)
        let regularEnd = sample.headerLength + 5 * (Self.frame + 32)
        #expect(try await decryptFile(sample, Array(sample.message[..<regularEnd])) == .missingFinalFrame)
    }

    @Test func truncationAnywhereIsRefused() async throws {
        for suite in AlgorithmSuite.writable {
            let sample = try await sample(suite)
            for cut in [1, 2, 17, 40, sample.message.count - sample.headerLength - 1, sample.message.count - 10] {
                let code = try await decryptFile(sample, Array(sample.message.dropLast(cut)))
                #expect(code == .missingFinalFrame || code == .truncated(field: "footer") || code?.isTruncation == true,
                        "\(suite) cut \(cut): \(String(describing: code))")
            }
        }
    }

    @Test func signatureChangeIsRefused() async throws {
        let sample = try await sample(.committingSigned)
        let code = try await decryptFile(sample, flipped(sample.message, at: sample.message.count - 5))
        #expect(code == .signatureInvalid)
    }

    @Test(arguments: AlgorithmSuite.writable)
    func trailingBytesAreRefused(suite: AlgorithmSuite) async throws {
        let sample = try await sample(suite)
        #expect(try await decryptFile(sample, sample.message + [0]) == .trailingData)
    }

    @Test func finalFrameLongerThanTheFrameLengthIsRefused() async throws {
        let sample = try await sample(.committing)
        var message = sample.message
        let finalStart = sample.headerLength + 5 * (Self.frame + 32)
        message[finalStart + 20..<finalStart + 24] = [0, 0, 0x01, 0x00]
        #expect(try await decryptFile(sample, message) == .finalFrameTooLong(length: 256, frameLength: 128))
    }
}

extension EnvelopeError.Code {
    var isTruncation: Bool {
        if case .truncated = self { return true }
        return false
    }
}
