internal import COpenSSL

/// HMAC over SHA-2 (RFC 2104).
public enum HMAC {
    /// The MAC of `data` under `key`.
    public static func authenticate(
        _ algorithm: DigestAlgorithm, key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer
    ) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.outputSize)
        var length: UInt32 = 0
        // A zero-length buffer may have a nil base address; OpenSSL wants a valid pointer.
        var empty: UInt8 = 0
        let result = withUnsafePointer(to: &empty) { emptyPointer in
            out.withUnsafeMutableBufferPointer { outBuffer in
                COpenSSL.HMAC(
                    algorithm.md,
                    key.baseAddress ?? UnsafeRawPointer(emptyPointer), Int32(key.count),
                    (data.baseAddress ?? UnsafeRawPointer(emptyPointer)).assumingMemoryBound(to: UInt8.self), data.count,
                    outBuffer.baseAddress, &length)
            }
        }
        guard result != nil, Int(length) == algorithm.outputSize else {
            throw CryptoError(.library, "HMAC(\(algorithm.rawValue))")
        }
        return out
    }

    public static func authenticate(_ algorithm: DigestAlgorithm, key: SecureBytes, data: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        try key.withUnsafeBytes { (keyBuffer) throws(CryptoError) in try authenticate(algorithm, key: keyBuffer, data: data) }
    }

    public static func authenticate(_ algorithm: DigestAlgorithm, key: SecureBytes, data: [UInt8]) throws(CryptoError) -> [UInt8] {
        try data.withUnsafeBufferPointer { (dataBuffer) throws(CryptoError) in
            try authenticate(algorithm, key: key, data: UnsafeRawBufferPointer(dataBuffer))
        }
    }

    /// Whether `mac` is the MAC of `data` under `key`, compared in constant time.
    /// A truncated MAC never verifies.
    public static func verify(_ algorithm: DigestAlgorithm, key: SecureBytes, data: [UInt8], mac: [UInt8]) throws(CryptoError) -> Bool {
        let expected = try authenticate(algorithm, key: key, data: data)
        return constantTimeEquals(expected, mac)
    }
}
