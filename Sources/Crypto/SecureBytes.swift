internal import COpenSSL

/// A buffer for key material and other secrets.
///
/// The storage is wiped (`OPENSSL_cleanse`) over its whole capacity when the
/// last reference goes away, equality is constant-time (`CRYPTO_memcmp`), and
/// `description` never prints the contents. Values are immutable once made.
public struct SecureBytes: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    final class Storage: @unchecked Sendable {
        // Immutable after init; freed and wiped once in deinit.
        let pointer: UnsafeMutableRawPointer
        let count: Int

        init(count: Int) {
            self.count = count
            // Allocate at least one byte so the pointer is always valid.
            self.pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
            self.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        }

        deinit {
            OPENSSL_cleanse(pointer, max(count, 1))
            pointer.deallocate()
        }
    }

    let storage: Storage

    /// The number of bytes held.
    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.count == 0 }

    /// A buffer of `count` bytes filled by `initializer`, which must write them all.
    public init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        precondition(count >= 0, "negative SecureBytes size")
        storage = Storage(count: count)
        try initializer(UnsafeMutableRawBufferPointer(start: storage.pointer, count: count))
    }

    /// A copy of `bytes`. The caller remains responsible for wiping its own copy.
    public init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        self.init(count: bytes.count) { buffer in
            _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
        }
    }

    /// `count` bytes from the CSPRNG.
    public static func random(count: Int) throws(CryptoError) -> SecureBytes {
        let storage = Storage(count: count)
        if count > 0 {
            try requireOne(RAND_bytes(storage.pointer.assumingMemoryBound(to: UInt8.self), Int32(count)), "RAND_bytes")
        }
        return SecureBytes(storage: storage)
    }

    private init(storage: Storage) { self.storage = storage }

    /// Lends the bytes for the duration of `body`. Do not let them escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// A new buffer holding bytes `range` of this one.
    public func slice(_ range: Range<Int>) -> SecureBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "SecureBytes slice out of range")
        return withUnsafeBytes { bytes in SecureBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[range])) }
    }

    /// Copies the bytes out into an array, for the one place a secret must leave
    /// this type: serialising it into a response the caller asked for.
    public func exportBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Constant-time comparison (the length is not secret).
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.count == 0 { return true }
        return CRYPTO_memcmp(lhs.storage.pointer, rhs.storage.pointer, lhs.count) == 0
    }

    public var description: String { "SecureBytes(\(count) bytes)" }
    public var debugDescription: String { description }
}

/// Constant-time comparison of two byte sequences of public length.
public func constantTimeEquals<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
where A.Element == UInt8, B.Element == UInt8 {
    let left = Array(a), right = Array(b)
    guard left.count == right.count else { return false }
    if left.isEmpty { return true }
    return left.withUnsafeBytes { l in
        right.withUnsafeBytes { r in CRYPTO_memcmp(l.baseAddress, r.baseAddress, l.count) == 0 }
    }
}

/// Overwrites an array's bytes with zeros in a way the optimiser keeps.
public func secureZero(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        if let base = buffer.baseAddress, buffer.count > 0 { OPENSSL_cleanse(base, buffer.count) }
    }
}
