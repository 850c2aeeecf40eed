import Dispatch

/// A buffer of message bytes (ciphertext when encrypting, verified plaintext when
/// decrypting) handed from an encryptor or decryptor to its sink.
///
/// The sink owns the chunk until it calls `release()`; it may release it on
/// another thread (a pipelined writer does). Pooled chunks go back to their pool
/// so a stream of any length uses a fixed amount of memory; the producer blocks
/// while every pooled chunk is out.
public final class OutputChunk: @unchecked Sendable {
    // Written by the producer before hand-off, read by the one consumer after it.
    let storage: UnsafeMutableRawPointer
    public let capacity: Int
    public internal(set) var count = 0
    // Weak: the pool holds its free chunks, and a chunk may outlive its pool.
    private weak var pool: ChunkPool?

    init(capacity: Int, pool: ChunkPool?) {
        self.capacity = capacity
        self.storage = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 64)
        self.pool = pool
    }

    /// A standalone (unpooled) chunk holding a copy of `bytes`.
    convenience init(copying bytes: [UInt8]) {
        self.init(capacity: bytes.count, pool: nil)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { storage.copyMemory(from: base, byteCount: $0.count) } }
        count = bytes.count
    }

    deinit { storage.deallocate() }

    /// The bytes, valid until `release()`.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    /// A copy of the bytes as an array.
    public var array: [UInt8] { Array(bytes) }

    /// Gives the chunk back; the caller must not use it afterwards.
    public func release() {
        count = 0
        pool?.put(self)
    }
}

/// A fixed set of equal-sized chunks: `take()` blocks until one is free.
final class ChunkPool: @unchecked Sendable {
    let chunkCapacity: Int
    private let available = DispatchSemaphore(value: 0)
    private let lock = SemaphoreLock()
    private var free: [OutputChunk] = []

    init(count: Int, chunkCapacity: Int) {
        self.chunkCapacity = chunkCapacity
        for _ in 0..<count {
            free.append(OutputChunk(capacity: chunkCapacity, pool: self))
            available.signal()
        }
    }

    func take() -> OutputChunk {
        available.wait()
        return lock.withLock { free.removeLast() }
    }

    func put(_ chunk: OutputChunk) {
        lock.withLock { free.append(chunk) }
        available.signal()
    }
}
