import Foundation

/// An output file that appears under its name only when complete: bytes go to a
/// temporary file in the same directory, which `commit()` renames into place and
/// `discard()` (or deinit) removes. So a failed or refused decryption never leaves
/// plaintext behind, and a reader never sees half a file. The temporary file is
/// 0600 until `commit()` gives it its mode just before the rename, and it is
/// registered with `TemporaryFiles` while it exists, so a termination signal
/// removes it (see `TemporaryFiles.removeOnTerminationSignals()`).
public final class AtomicOutputFile {
    public let path: String
    public let temporaryPath: String
    /// The temporary file's descriptor, open for writing.
    public let fd: Int32
    private let overwrite: Bool
    private let mode: mode_t
    private var done = false

    /// Creates the temporary file (0600) next to `path`; `path` gets `mode` (less
    /// the umask) when committed. Throws
    /// `.exists` at once if `path` exists and `overwrite` is false.
    public init(path: String, overwrite: Bool, mode: mode_t = 0o644) throws {
        self.path = path
        self.overwrite = overwrite
        self.mode = mode
        if !overwrite && FileManager.default.fileExists(atPath: path) { throw AtomicOutputFileError.exists(path) }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        (fd, temporaryPath) = try TemporaryFiles.shared.create(template: "\(directory)/.\(url.lastPathComponent).tmp-XXXXXX")
    }

    deinit { discard() }

    /// Closes the file and moves it to `path` (refusing to replace an existing
    /// file unless `overwrite`).
    public func commit() throws {
        guard !done else { return }
        done = true
        defer { TemporaryFiles.shared.unregister(temporaryPath) }
        let modeSet = fchmod(fd, mode & ~TemporaryFiles.creationMask) == 0
        let error = modeSet ? nil : FileIOError("set the mode of \(temporaryPath)")
        if close(fd) != 0 || error != nil {
            let error = error ?? FileIOError("close \(temporaryPath)")
            unlink(temporaryPath)
            throw error
        }
        if overwrite {
            guard rename(temporaryPath, path) == 0 else {
                let error = FileIOError("rename to \(path)")
                unlink(temporaryPath)
                throw error
            }
        } else {
            // link() fails with EEXIST instead of replacing a file made meanwhile.
            guard link(temporaryPath, path) == 0 else {
                let exists = errno == EEXIST
                let error = FileIOError("link to \(path)")
                unlink(temporaryPath)
                if exists { throw AtomicOutputFileError.exists(path) }
                throw error
            }
            unlink(temporaryPath)
        }
    }

    /// Closes and removes the temporary file; nothing appears at `path`.
    public func discard() {
        guard !done else { return }
        done = true
        close(fd)
        unlink(temporaryPath)
        TemporaryFiles.shared.unregister(temporaryPath)
    }
}

public enum AtomicOutputFileError: Error, Sendable, CustomStringConvertible, Equatable {
    case exists(String)

    public var description: String {
        switch self {
        case .exists(let path): "\(path) exists (use --force to overwrite)"
        }
    }
}
