internal import COpenSSL

/// ECDSA over NIST P-384 with SHA-384 digests, DER-encoded signatures, and SEC 1
/// compressed public points (the signing suites of the envelope format).
///
/// Signing takes a finished SHA-384 digest (the caller streams the message through
/// a `StreamingDigest`), so a multi-gigabyte message is never held in memory.
public enum P384 {
    /// Bytes of a compressed point: one `02`/`03` byte and the 48-byte X coordinate.
    public static let compressedPointSize = 49
    /// Bytes of a SHA-384 digest.
    public static let digestSize = 48
}

/// A P-384 private key. Owns its `EVP_PKEY`; immutable once made.
public final class P384SigningKey: @unchecked Sendable {
    // Immutable after init, freed once in deinit; OpenSSL allows concurrent
    // signing with one EVP_PKEY when each operation has its own EVP_PKEY_CTX.
    let key: OpaquePointer

    /// A fresh key pair from the CSPRNG.
    public init() throws(CryptoError) {
        key = try requireNonNil(kms_ec_generate("P-384"), "EVP_EC_gen(P-384)")
    }

    deinit { EVP_PKEY_free(key) }

    /// The public half, as a compressed SEC 1 point (49 bytes).
    public func compressedPublicKey() throws(CryptoError) -> [UInt8] {
        // OpenSSL hands out the uncompressed point 04 ‖ X ‖ Y; compressing is
        // choosing 02 or 03 by the parity of Y and dropping Y.
        var point = [UInt8](repeating: 0, count: 1 + 2 * 48)
        var length = 0
        let result = point.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", $0.baseAddress, $0.count, &length)
        }
        try requireOne(result, "EVP_PKEY_get_octet_string_param(encoded-pub-key)")
        guard length == 97, point[0] == 0x04 else {
            throw CryptoError(.library, "P-384 public point of unexpected form", drainQueue: false)
        }
        return [0x02 | (point[96] & 1)] + point[1...48]
    }

    /// The DER `ECDSA-Sig-Value` over a SHA-384 `digest` (48 bytes).
    public func signature(forDigest digest: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard digest.count == P384.digestSize else {
            throw CryptoError(.invalidArgument, "P-384 signature over a \(digest.count)-byte digest", drainQueue: false)
        }
        let context = try requireNonNil(EVP_PKEY_CTX_new_from_pkey(nil, key, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_sign_init(context), "EVP_PKEY_sign_init")
        try requireOne(EVP_PKEY_CTX_set_signature_md(context, FetchedAlgorithms.sha384), "EVP_PKEY_CTX_set_signature_md")
        var length = 0
        try requireOne(digest.withUnsafeBufferPointer { EVP_PKEY_sign(context, nil, &length, $0.baseAddress, $0.count) },
                       "EVP_PKEY_sign(size)")
        var signature = [UInt8](repeating: 0, count: length)
        let result = signature.withUnsafeMutableBufferPointer { out in
            digest.withUnsafeBufferPointer { EVP_PKEY_sign(context, out.baseAddress, &length, $0.baseAddress, $0.count) }
        }
        try requireOne(result, "EVP_PKEY_sign")
        return Array(signature.prefix(length))
    }
}

/// A P-384 public key, for verifying signatures. Owns its `EVP_PKEY`.
public final class P384PublicKey: @unchecked Sendable {
    let key: OpaquePointer

    /// Decodes a compressed SEC 1 point (49 bytes, `02`/`03` ‖ X); OpenSSL checks
    /// that it lies on the curve. Throws `.invalidArgument` for anything else.
    public init(compressed point: [UInt8]) throws(CryptoError) {
        guard point.count == P384.compressedPointSize, point[0] == 0x02 || point[0] == 0x03 else {
            throw CryptoError(.invalidArgument, "P-384 compressed point of \(point.count) bytes", drainQueue: false)
        }
        let context = try requireNonNil(EVP_PKEY_CTX_new_from_name(nil, "EC", nil), "EVP_PKEY_CTX_new_from_name(EC)")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_fromdata_init(context), "EVP_PKEY_fromdata_init")
        var decoded: OpaquePointer?
        var group = Array("P-384".utf8CString)
        var pointCopy = point
        let result = group.withUnsafeMutableBufferPointer { groupName in
            pointCopy.withUnsafeMutableBytes { pointBytes in
                // OSSL_PARAM keeps the key pointers: they must outlive the call, so
                // they come from static strings, not temporary bridged Strings.
                var params = [
                    OSSL_PARAM_construct_utf8_string(Self.cString("group"), groupName.baseAddress, 0),
                    OSSL_PARAM_construct_octet_string(Self.cString("pub"), pointBytes.baseAddress, pointBytes.count),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_PKEY_fromdata(context, &decoded, kms_evp_pkey_public_key_selection(), &params)
            }
        }
        guard result == 1, let decoded else {
            throw CryptoError(.invalidArgument, "P-384 point is not on the curve")
        }
        key = decoded
    }

    deinit { EVP_PKEY_free(key) }

    private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// Whether `signature` (DER) is a valid signature of the SHA-384 `digest`.
    /// A malformed or non-canonical DER encoding is simply not valid.
    public func isValidSignature(_ signature: [UInt8], forDigest digest: [UInt8]) throws(CryptoError) -> Bool {
        guard digest.count == P384.digestSize, !signature.isEmpty else { return false }
        let context = try requireNonNil(EVP_PKEY_CTX_new_from_pkey(nil, key, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_verify_init(context), "EVP_PKEY_verify_init")
        try requireOne(EVP_PKEY_CTX_set_signature_md(context, FetchedAlgorithms.sha384), "EVP_PKEY_CTX_set_signature_md")
        let result = signature.withUnsafeBufferPointer { sig in
            digest.withUnsafeBufferPointer { EVP_PKEY_verify(context, sig.baseAddress, sig.count, $0.baseAddress, $0.count) }
        }
        // 0 is "does not verify"; a negative value is a malformed signature. Either
        // way the queue may hold entries that must not blame a later call.
        if result != 1 { _ = CryptoError.drainErrorQueue() }
        return result == 1
    }
}
