import Client
import Foundation
import KeyCrypto
import Testing

/// `rewrap` copies the body without decrypting it, but walks its frames: a body
/// with frames missing, out of order or after the end is refused, and a rewrap in
/// place (as `kms rewrap` does it, through an `AtomicOutputFile`) leaves the file
/// as it was.
@Suite struct RewrapStructureTests {
    static let frame = TamperTests.frame
    static let record = frame + 32

    /// Rewraps `message` in place; returns the error code, checking that the file
    /// is unchanged and alone in its directory afterwards.
    func rewrapInPlace(_ sample: TamperTests.Sample, _ message: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> EnvelopeError.Code? {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.kms").path
        try Data(message).write(to: URL(fileURLWithPath: path))
        let code = await envelopeErrorCode({
            let input = open(path, O_RDONLY)
            defer { close(input) }
            let output = try AtomicOutputFile(path: path, overwrite: true)
            do {
                _ = try await sample.client.rewrap(input: input, output: output.fd, to: sample.client.keyring)
                try output.commit()
            } catch {
                output.discard()
                throw error
            }
        }, sourceLocation: sourceLocation)
        if code != nil {
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == message, "the file changed", sourceLocation: sourceLocation)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.kms"], sourceLocation: sourceLocation)
        return code
    }

    func finalFrameStart(_ sample: TamperTests.Sample) -> Int { sample.headerLength + 5 * Self.record }

    @Test(arguments: AlgorithmSuite.writable)
    func intactMessageIsRewrapped(suite: AlgorithmSuite) async throws {
        let sample = try await TamperTests().sample(suite)
        #expect(try await rewrapInPlace(sample, sample.message) == nil)
    }

    @Test(arguments: AlgorithmSuite.writable)
    func droppedFinalFrameIsRefused(suite: AlgorithmSuite) async throws {
        let sample = try await TamperTests().sample(suite)
        #expect(try await rewrapInPlace(sample, Array(sample.message[..<finalFrameStart(sample)])) == .missingFinalFrame)
    }

    @Test(arguments: AlgorithmSuite.writable)
    func bodyCutInsideAFrameIsRefused(suite: AlgorithmSuite) async throws {
        let sample = try await TamperTests().sample(suite)
        let cut = Array(sample.message[..<(sample.headerLength + 2 * Self.record + 50)])
        #expect(try await rewrapInPlace(sample, cut) == .missingFinalFrame)
    }

    @Test(arguments: AlgorithmSuite.writable)
    func trailingBytesAreRefused(suite: AlgorithmSuite) async throws {
        let sample = try await TamperTests().sample(suite)
        #expect(try await rewrapInPlace(sample, sample.message + [0]) == .trailingData)
    }

    @Test func secondFinalFrameIsRefused() async throws {
        let sample = try await TamperTests().sample(.committing)
        let final = sample.message[finalFrameStart(sample)...]
        #expect(try await rewrapInPlace(sample, sample.message + final) == .trailingData)
    }

    @Test(arguments: AlgorithmSuite.writable)
    func droppedFrameIsRefused(suite: AlgorithmSuite) async throws {
        let sample = try await TamperTests().sample(suite)
        var message = sample.message
        message.removeSubrange((sample.headerLength + Self.record)..<(sample.headerLength + 2 * Self.record))
        #expect(try await rewrapInPlace(sample, message) == .sequenceOutOfOrder(expected: 2, found: 3))
    }

    @Test func changedSequenceNumberIsRefused() async throws {
        let sample = try await TamperTests().sample(.committing)
        var message = sample.message
        message[sample.headerLength + 2 * Self.record + 3] ^= 0x10
        #expect(try await rewrapInPlace(sample, message) == .sequenceOutOfOrder(expected: 3, found: 3 ^ 0x10))
        message = sample.message
        message[finalFrameStart(sample) + 7] = 9
        #expect(try await rewrapInPlace(sample, message) == .sequenceOutOfOrder(expected: 6, found: 9), "the final frame's")
    }

    @Test func finalFrameLongerThanTheFrameLengthIsRefused() async throws {
        let sample = try await TamperTests().sample(.committing)
        var message = sample.message
        let length = finalFrameStart(sample) + 20
        message[length..<length + 4] = [0, 0, 0x01, 0x00]
        #expect(try await rewrapInPlace(sample, message) == .finalFrameTooLong(length: 256, frameLength: UInt32(Self.frame)))
    }

    @Test func changedFinalFrameLengthIsRefused() async throws {
        let sample = try await TamperTests().sample(.committing)
        var message = sample.message
        message[finalFrameStart(sample) + 23] = 39  // 40 bytes written: the last one now looks like a trailing byte
        #expect(try await rewrapInPlace(sample, message) == .trailingData)
    }

    @Test func truncatedSignatureIsRefused() async throws {
        let sample = try await TamperTests().sample(.committingSigned)
        #expect(try await rewrapInPlace(sample, Array(sample.message.dropLast(3))) == .truncated(field: "footer"))
    }
}
