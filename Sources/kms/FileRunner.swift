import ArgumentParser
import Client
import Foundation
import KeyCrypto

/// Runs file jobs: opens each input, writes each output atomically (a temporary
/// file renamed into place only on success), shows progress, and maps failures to
/// messages and exit codes. A termination signal removes the temporary files
/// (`TemporaryFiles`) before the process ends. Later files still run after one
/// fails (unless the service is unreachable); the command exits with the first
/// failure's code.
enum FileRunner {
    typealias Body = (FileJob, Int32, Int32, (@Sendable (UInt64) -> Void)?) async throws -> Void

    /// - Parameter spoolStandardOutput: hold output for standard output in an
    ///   unlinked temporary file until the job succeeds (so a terminal or pipe never
    ///   receives unverified plaintext).
    static func run(_ jobs: [FileJob], force: Bool, spoolStandardOutput: Bool = false, _ body: Body) async throws {
        // SIGINT, SIGTERM, SIGHUP: remove the temporary outputs (decrypt's hold plaintext) before dying.
        TemporaryFiles.shared.removeOnTerminationSignals()
        var firstFailure: Int32?
        for job in jobs {
            do {
                try await run(job, force: force, spool: spoolStandardOutput, body)
            } catch {
                let code = exitCode(for: error)
                Terminal.printError("kms: \(job.input == "-" ? "standard input" : job.input): \(error)")
                if firstFailure == nil { firstFailure = code }
                // Without the service no later file can succeed: stop rather than retry each.
                if code == ExitCodes.unreachable, job != jobs.last {
                    Terminal.printError("kms: stopping: the service is unreachable")
                    break
                }
            }
        }
        if let firstFailure { throw ExitCode(firstFailure) }
    }

    private static func run(_ job: FileJob, force: Bool, spool: Bool, _ body: Body) async throws {
        let input = job.input == "-" ? 0 : open(job.input, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileIOError("open \(job.input)") }
        defer { if input != 0 { close(input) } }
        let bar = ProgressBar.make(label: (job.input as NSString).lastPathComponent, total: fileSize(job.input))
        defer { bar?.finish() }
        var progress: (@Sendable (UInt64) -> Void)?
        if let bar { progress = { @Sendable done in bar.update(done) } }

        if job.output == "-" {
            guard spool else { return try await body(job, input, STDOUT_FILENO, progress) }
            let spoolFile = try SpoolFile()
            try await body(job, input, spoolFile.fd, progress)
            try spoolFile.copy(to: 1)
            return
        }
        var target = stat()
        if stat(job.output, &target) == 0, target.st_mode & S_IFMT != S_IFREG, target.st_mode & S_IFMT != S_IFDIR {
            // A device or pipe (/dev/null, a FIFO) cannot be replaced atomically: write to it.
            let fd = open(job.output, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileIOError("open \(job.output)") }
            defer { close(fd) }
            return try await body(job, input, fd, progress)
        }
        // A named output file's directory must exist; a mirrored tree's are made.
        let directory = (job.output as NSString).deletingLastPathComponent
        if job.createsDirectories, !directory.isEmpty { try makeDirectories(directory) }
        var info = stat()
        let mode = job.input != "-" && stat(job.input, &info) == 0 ? info.st_mode & 0o777 : 0o644
        let output = try AtomicOutputFile(path: job.output, overwrite: force, mode: mode)
        do {
            try await body(job, input, output.fd, progress)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// `mkdir -p`: makes `path` and its missing parents.
    private static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            var info = stat()
            if stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
            guard mkdir(prefix, 0o777) == 0 || errno == EEXIST else { throw FileIOError("create directory \(prefix)") }
        }
    }

    /// The exit code for a failure (see `ExitCodes`).
    static func exitCode(for error: any Error) -> Int32 {
        switch error {
        case let error as EnvelopeError:
            switch error.category {
            case .malformed, .unsupported, .integrity: return ExitCodes.integrity
            case .keyUnavailable: return ExitCodes.accessDenied
            case .invalidRequest: return ExitCodes.usage
            }
        case let error as ClientError:
            switch error {
            case .service(let status, let code, _, _):
                if code == "AccessDenied" || code == "UnrecognizedClient" || code == "InvalidSignature" || status == 403 {
                    return ExitCodes.accessDenied
                }
                if code == "InvalidCiphertext" || code == "IncorrectKey" { return ExitCodes.integrity }
                return ExitCodes.failure
            case .unreachable: return ExitCodes.unreachable
            case .configuration: return ExitCodes.usage
            case .invalidResponse: return ExitCodes.failure
            }
        case is AtomicOutputFileError: return ExitCodes.cannotCreate
        case is FileIOError: return ExitCodes.ioError
        case is CryptoError: return ExitCodes.failure
        default: return ExitCodes.failure
        }
    }
}

/// An unlinked temporary file that holds standard output until it may be released.
private final class SpoolFile {
    let fd: Int32

    init() throws {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        let path: String
        (fd, path) = try TemporaryFiles.shared.create(template: "\(directory)/kms-spool-XXXXXX")
        unlink(path)
        TemporaryFiles.shared.unregister(path)
    }

    deinit { close(fd) }

    func copy(to output: Int32) throws {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw FileIOError("seek spool file") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw FileIOError("read spool file") }
            if count == 0 { return }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(output, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw FileIOError("write standard output") }
                offset += written
            }
        }
    }
}

/// The size of a regular file, or nil (pipes, standard input).
func fileSize(_ path: String) -> UInt64? {
    guard path != "-" else { return nil }
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return UInt64(info.st_size)
}
