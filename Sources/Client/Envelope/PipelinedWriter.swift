import Dispatch
import Foundation
import KeyCrypto

/// Writes output chunks to a file descriptor on its own thread, so writing one
/// batch overlaps sealing or opening the next. Chunks go back to their pool once
/// written; after a write error the rest are dropped and the error is reported.
final class PipelinedWriter: @unchecked Sendable {
    // `queue`, `failure` and `closed` are guarded by `lock`; the thread owns the fd while running.
    private let fd: Int32
    private let lock = NSLock()
    private let items = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var queue: [OutputChunk?] = []
    private var failure: (any Error)?
    private var started = false

    init(fd: Int32) { self.fd = fd }

    /// Queues `chunk`; throws an earlier write error instead.
    func submit(_ chunk: OutputChunk) throws {
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "kms-envelope-writer"
            thread.start()
        }
        lock.lock()
        if let failure {
            lock.unlock()
            chunk.release()
            throw failure
        }
        queue.append(chunk)
        lock.unlock()
        items.signal()
    }

    /// Waits until every queued chunk is written; throws the first write error.
    func close() throws {
        guard started else { return }
        lock.lock()
        queue.append(nil)
        lock.unlock()
        items.signal()
        done.wait()
        started = false
        if let failure { throw failure }
    }

    private func run() {
        while true {
            items.wait()
            lock.lock()
            let next = queue.removeFirst()
            let failed = failure != nil
            lock.unlock()
            guard let chunk = next else { break }
            if !failed {
                do {
                    try writeAll(fd, chunk.bytes)
                } catch {
                    lock.lock()
                    failure = error
                    lock.unlock()
                }
            }
            chunk.release()
        }
        done.signal()
    }
}

/// An I/O failure on a file or stream, with the operation and `strerror` text.
public struct FileIOError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let errorNumber: Int32
    public var description: String { "\(operation): \(String(cString: strerror(errorNumber)))" }
    public init(_ operation: String, errno: Int32 = errno) {
        self.operation = operation
        self.errorNumber = errno
    }
}

/// Writes every byte of `bytes` to `fd`, retrying short writes and EINTR.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            throw FileIOError("write")
        }
        offset += written
    }
}

/// Reads up to `buffer.count` bytes from `fd`, retrying EINTR; 0 at the end.
func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
        let count = read(fd, buffer.baseAddress, buffer.count)
        if count >= 0 { return count }
        if errno != EINTR { throw FileIOError("read") }
    }
}

/// Runs blocking work on a thread of its own, off Swift's cooperative pool.
func runBlocking<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
