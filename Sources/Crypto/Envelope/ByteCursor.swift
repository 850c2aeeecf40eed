/// A forward-only reader of big-endian fields from untrusted bytes.
///
/// Every read names the field it reads, and a read past the end throws
/// `EnvelopeError.Code.truncated(field:)` before anything is allocated, so a
/// length field can never make the reader allocate more than the input holds.
struct ByteCursor {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// After a read past the end: how many bytes the input must have for that read to succeed.
    private(set) var needed = 0

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int, _ field: String) throws(EnvelopeError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            if count >= 0 { needed = offset + count }
            throw EnvelopeError(.truncated(field: field))
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func u8(_ field: String) throws(EnvelopeError) -> UInt8 {
        try take(1, field).first!
    }

    mutating func u16(_ field: String) throws(EnvelopeError) -> UInt16 {
        let slice = try take(2, field)
        return slice.reduce(0) { $0 << 8 | UInt16($1) }
    }

    mutating func u32(_ field: String) throws(EnvelopeError) -> UInt32 {
        let slice = try take(4, field)
        return slice.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64(_ field: String) throws(EnvelopeError) -> UInt64 {
        let slice = try take(8, field)
        return slice.reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func bytes(_ count: Int, _ field: String) throws(EnvelopeError) -> [UInt8] {
        Array(try take(count, field))
    }

    /// A u16 length, then that many bytes.
    mutating func lengthPrefixed(_ field: String) throws(EnvelopeError) -> [UInt8] {
        let length = try u16(field + " length")
        return try bytes(Int(length), field)
    }

    /// A u16 length, then that many bytes of UTF-8.
    mutating func string(_ field: String) throws(EnvelopeError) -> String {
        let raw = try lengthPrefixed(field)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw EnvelopeError(.invalidField(field: field, reason: "is not valid UTF-8"))
        }
        return text
    }
}

/// Big-endian field writers for building messages.
extension Array where Element == UInt8 {
    mutating func appendU16(_ value: Int) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendU32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendU64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A u16 length and the bytes; the caller has checked the length fits.
    mutating func appendLengthPrefixed(_ bytes: [UInt8]) {
        appendU16(bytes.count)
        append(contentsOf: bytes)
    }
}

/// Stores `value` big-endian at `pointer`.
@inline(__always)
func storeBigEndian(_ value: UInt32, at pointer: UnsafeMutableRawPointer) {
    pointer.storeBytes(of: value.bigEndian, as: UInt32.self)
}

/// Stores `value` big-endian at `pointer`.
@inline(__always)
func storeBigEndian(_ value: UInt64, at pointer: UnsafeMutableRawPointer) {
    pointer.storeBytes(of: value.bigEndian, as: UInt64.self)
}

/// Loads a big-endian u32 from `pointer` (any alignment).
@inline(__always)
func loadBigEndianU32(_ pointer: UnsafeRawPointer) -> UInt32 {
    UInt32(bigEndian: pointer.loadUnaligned(as: UInt32.self))
}
