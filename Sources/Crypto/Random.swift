internal import COpenSSL

/// The CSPRNG (OpenSSL's `RAND_bytes`).
public enum SecureRandom {
    /// `count` random bytes for public values (nonces, ids, salts).
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let result = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        try requireOne(result, "RAND_bytes")
        return out
    }
}
