import Foundation
import KeyCrypto

/// File-to-file encryption and decryption with atomic outputs: the output path
/// appears only after the whole message was written (or, when decrypting,
/// verified: every frame, the final frame and the signature); on any failure
/// nothing is left behind.
extension EnvelopeClient {
    @discardableResult
    public func encryptFile(at input: String, to output: String, overwrite: Bool = false, suite: AlgorithmSuite = .committing,
                            context: [String: String] = [:], progress: (@Sendable (UInt64) -> Void)? = nil) async throws -> MessageHeader {
        try await withFiles(input, output, overwrite: overwrite) { inputFD, outputFD, size in
            try await encrypt(input: inputFD, output: outputFD, suite: suite, context: context, plaintextLength: size, progress: progress)
        }
    }

    @discardableResult
    public func decryptFile(at input: String, to output: String, overwrite: Bool = false, expectedContext: [String: String] = [:],
                            progress: (@Sendable (UInt64) -> Void)? = nil) async throws -> MessageHeader {
        try await withFiles(input, output, overwrite: overwrite) { inputFD, outputFD, _ in
            try await decrypt(input: inputFD, output: outputFD, expectedContext: expectedContext, progress: progress)
        }
    }

    private func withFiles(_ input: String, _ output: String, overwrite: Bool,
                           _ body: (Int32, Int32, UInt64?) async throws -> MessageHeader) async throws -> MessageHeader {
        let inputFD = open(input, O_RDONLY | O_CLOEXEC)
        guard inputFD >= 0 else { throw FileIOError("open \(input)") }
        defer { close(inputFD) }
        var info = stat()
        let isFile = fstat(inputFD, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        let file = try AtomicOutputFile(path: output, overwrite: overwrite, mode: isFile ? info.st_mode & 0o777 : 0o600)
        do {
            let header = try await body(inputFD, file.fd, isFile ? UInt64(info.st_size) : nil)
            try file.commit()
            return header
        } catch {
            file.discard()
            throw error
        }
    }
}
