import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wraps a value that is only ever used by one thread at a time, by construction
/// of the code that sends it (the audited exception to Swift 6's checks, P7).
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
}

/// Runs a loop body on several threads: the one audited place where raw buffers and
/// per-worker OpenSSL contexts cross into `DispatchQueue.concurrentPerform`.
///
/// Iteration `i` may touch only the state that belongs to `i` (its context, its
/// slice of the input and output buffers); the call returns after all have run.
enum Parallel {
    /// The number of online processors, at least 1.
    static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    static func forEach(_ iterations: Int, _ body: (Int) -> Void) {
        if iterations <= 0 { return }
        if iterations == 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendableBox(value: escapable)
            DispatchQueue.concurrentPerform(iterations: iterations) { box.value.self($0) }
        }
    }
}

/// A blocking lock for short critical sections, built on a semaphore that is
/// created at 0 and signalled once (P8: never freed below its initial value).
final class SemaphoreLock: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    init() { semaphore.signal() }

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        semaphore.wait()
        defer { semaphore.signal() }
        return try body()
    }
}
