import Dispatch
import Foundation

/// A registry of temporary files that are open (an `AtomicOutputFile`'s file
/// before its rename, a spool file before its unlink), so that an interrupted run
/// can remove them: a temporary file of `kms decrypt` holds plaintext.
///
/// `TemporaryFiles.shared.removeOnTerminationSignals()` turns SIGINT, SIGTERM and
/// SIGHUP into: remove every registered file, then die of the same signal (so the
/// shell sees the conventional status 128 + signal). The removal runs from a
/// dispatch source on an ordinary thread, not in a signal handler, so it may take
/// the registry's lock.
public final class TemporaryFiles: @unchecked Sendable {
    /// The registry `AtomicOutputFile` uses.
    public static let shared = TemporaryFiles()

    /// The signals that remove the registered files before the process ends.
    public static let terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The process's file mode creation mask, read once (reading it means setting it).
    public static let creationMask: mode_t = {
        let mask = umask(0o077)
        umask(mask)
        return mask
    }()

    private let lock = NSLock()
    private var paths: Set<String> = []
    private var sources: [any DispatchSourceSignal] = []

    public init() {}

    /// Creates a file (0600, close-on-exec) from a `mkstemp` template and registers
    /// it, under the lock, so that no signal finds it created but unregistered.
    public func create(template: String) throws -> (fd: Int32, path: String) {
        try lock.withLock {
            var bytes = Array(template.utf8CString)
            let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                throw FileIOError("create a temporary file in \((template as NSString).deletingLastPathComponent)")
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let path = String(cString: bytes)
            paths.insert(path)
            return (fd, path)
        }
    }

    /// Forgets `path` (after it was renamed into place or removed).
    public func unregister(_ path: String) {
        _ = lock.withLock { paths.remove(path) }
    }

    /// The paths registered now.
    public var registered: Set<String> { lock.withLock { paths } }

    /// Removes every registered file and forgets them all; returns the paths removed.
    @discardableResult
    public func removeAll() -> [String] {
        lock.withLock {
            let removed = paths.sorted().filter { unlink($0) == 0 }
            paths.removeAll()
            return removed
        }
    }

    /// Installs the signal handlers (once; later calls do nothing). A signal the
    /// process started with ignored (`nohup`) stays ignored.
    public func removeOnTerminationSignals() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signo in Self.terminationSignals {
                // The default action would end the process before the source runs.
                let previous = signal(signo, SIG_IGN)
                if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
                let source = DispatchSource.makeSignalSource(signal: signo, queue: .global(qos: .userInteractive))
                source.setEventHandler { [self] in terminate(signal: signo) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Removes the registered files, then ends the process by `signal`'s default action.
    private func terminate(signal signo: Int32) -> Never {
        removeAll()
        signal(signo, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signo)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signo)
        // Not reached unless the signal could not end the process.
        _exit(128 + signo)
    }
}
