/// Standard base64 (RFC 4648, `+` `/`, `=` padding) that can decode straight into
/// `SecureBytes`, so a secret arriving as base64 never sits in an unwiped buffer.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { encode($0) } }
    public static func encode(_ bytes: SecureBytes) -> String { bytes.withUnsafeBytes { encode($0) } }

    /// The decoded length of a well-formed string, or nil.
    static func decodedLength(_ utf8: [UInt8]) -> Int? {
        guard utf8.count % 4 == 0 else { return nil }
        if utf8.isEmpty { return 0 }
        var padding = 0
        if utf8[utf8.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if utf8[utf8.count - 2] == UInt8(ascii: "=") { padding += 1 }
        return utf8.count / 4 * 3 - padding
    }

    /// Strict decoding: canonical padding, no whitespace, no stray characters.
    static func decode(_ utf8: [UInt8], into out: UnsafeMutableRawBufferPointer) -> Bool {
        var written = 0
        var index = 0
        while index < utf8.count {
            let isLast = index + 4 == utf8.count
            var values: [UInt32] = [0, 0, 0, 0]
            var pad = 0
            for offset in 0..<4 {
                let char = utf8[index + offset]
                if char == UInt8(ascii: "=") {
                    guard isLast, offset >= 2 else { return false }
                    pad += 1
                    continue
                }
                guard pad == 0 else { return false }
                let value = decodeTable[Int(char)]
                guard value != 0xff else { return false }
                values[offset] = UInt32(value)
            }
            let n = values[0] << 18 | values[1] << 12 | values[2] << 6 | values[3]
            // Non-canonical encodings (stray low bits before padding) are rejected.
            if pad == 1, n & 0xff != 0 { return false }
            if pad == 2, n & 0xffff != 0 { return false }
            let bytes = [UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
            for byte in bytes.prefix(3 - pad) {
                out[written] = byte
                written += 1
            }
            index += 4
        }
        return written == out.count
    }

    public static func decode(_ string: String) -> [UInt8]? {
        let utf8 = Array(string.utf8)
        guard let length = decodedLength(utf8) else { return nil }
        var out = [UInt8](repeating: 0, count: length)
        let ok = out.withUnsafeMutableBytes { decode(utf8, into: $0) }
        return ok ? out : nil
    }

    public static func decodeSecret(_ string: String) -> SecureBytes? {
        var utf8 = Array(string.utf8)
        defer { secureZero(&utf8) }
        guard let length = decodedLength(utf8) else { return nil }
        var ok = false
        let out = SecureBytes(count: length) { ok = decode(utf8, into: $0) }
        return ok ? out : nil
    }
}
