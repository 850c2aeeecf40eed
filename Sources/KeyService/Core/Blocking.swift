import Dispatch

/// Threads for work that blocks on the disk for more than a moment (audit
/// queries, whole-log verification, pruning, the readiness probe's write).
/// Request handlers run on the server's event loops (`kms server` makes them
/// Swift concurrency's executor), so anything that blocks there stalls every
/// connection of that loop; such work is handed to these threads instead.
/// Writes on the request path have threads of their own (the store's and the
/// audit log's writers).
enum Blocking {
    private static let queue = DispatchQueue(label: "kms.blocking", attributes: .concurrent)

    /// Runs `work` on a blocking-work thread and returns its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// The same, for work that cannot fail.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
