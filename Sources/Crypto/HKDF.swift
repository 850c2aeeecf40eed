internal import COpenSSL

/// HKDF (RFC 5869), extract-and-expand, over SHA-256 or SHA-512.
public enum HKDF {
    /// Derives `outputLength` bytes from `inputKey` with `salt` and `info`.
    /// An empty salt means the RFC's default (a string of zeros of the hash length).
    public static func deriveKey(
        _ algorithm: DigestAlgorithm,
        inputKey: SecureBytes,
        salt: [UInt8] = [],
        info: [UInt8] = [],
        outputLength: Int
    ) throws(CryptoError) -> SecureBytes {
        guard outputLength > 0, outputLength <= 255 * algorithm.outputSize else {
            throw CryptoError(.invalidArgument, "HKDF output length \(outputLength)", drainQueue: false)
        }
        guard inputKey.count > 0 else {
            throw CryptoError(.invalidArgument, "HKDF with an empty input key", drainQueue: false)
        }
        let context = try requireNonNil(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil), "EVP_PKEY_CTX_new_id(HKDF)")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_derive_init(context), "EVP_PKEY_derive_init")
        try requireOne(EVP_PKEY_CTX_set_hkdf_md(context, algorithm.md), "EVP_PKEY_CTX_set_hkdf_md")
        try inputKey.withUnsafeBytes { (key) throws(CryptoError) in
            try requireOne(
                EVP_PKEY_CTX_set1_hkdf_key(context, key.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(key.count)),
                "EVP_PKEY_CTX_set1_hkdf_key")
        }
        if !salt.isEmpty {
            let result = salt.withUnsafeBufferPointer { EVP_PKEY_CTX_set1_hkdf_salt(context, $0.baseAddress, Int32($0.count)) }
            try requireOne(result, "EVP_PKEY_CTX_set1_hkdf_salt")
        }
        if !info.isEmpty {
            let result = info.withUnsafeBufferPointer { EVP_PKEY_CTX_add1_hkdf_info(context, $0.baseAddress, Int32($0.count)) }
            try requireOne(result, "EVP_PKEY_CTX_add1_hkdf_info")
        }
        var written = outputLength
        var failure: CryptoError?
        let output = SecureBytes(count: outputLength) { buffer in
            let result = EVP_PKEY_derive(context, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), &written)
            if result != 1 || written != outputLength { failure = CryptoError(.library, "EVP_PKEY_derive(HKDF)") }
        }
        if let failure { throw failure }
        return output
    }
}
