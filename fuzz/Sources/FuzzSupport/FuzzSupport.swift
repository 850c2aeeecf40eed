import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one libFuzzer input.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Prints why and aborts, so libFuzzer records the input as a crash.
public func reportProblem(_ problem: String) -> Never {
    let line = Array("fuzz harness: \(problem)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }  // stderr the Swift 6 way (STACK-NOTES P6)
    abort()
}

/// Runs async work to completion from libFuzzer's synchronous callback, which
/// runs on the main thread, outside the cooperative pool, so it may block.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let slot = Slot<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        slot.value = await body()
        done.signal()
    }
    done.wait()
    return slot.value!
}

/// Written once by the task, read after the semaphore.
private final class Slot<T>: @unchecked Sendable {
    var value: T?
}
