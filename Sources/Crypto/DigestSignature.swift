internal import COpenSSL

/// Signatures over a digest the caller already computed (AWS `MessageType`
/// `DIGEST`): `EVP_PKEY_sign`/`EVP_PKEY_verify` with the signature digest set,
/// so OpenSSL adds the DigestInfo (PKCS #1 v1.5) or uses the right hash for
/// PSS and checks the digest's length. The result is the same signature a
/// `sign(message:digest:padding:)` over the message itself would give.
///
/// Ed25519 signs messages, not digests, and is refused here.
extension AsymmetricPrivateKey {
    /// Signs a finished digest made with `algorithm` (its length must match).
    public func sign(digest: [UInt8], algorithm: DigestAlgorithm, padding: SignaturePadding = .none) throws(CryptoError) -> [UInt8] {
        guard digest.count == algorithm.outputSize else {
            throw CryptoError(.invalidArgument, "a \(digest.count)-byte digest for \(algorithm.rawValue)", drainQueue: false)
        }
        guard keyType != .ed25519 else {
            throw CryptoError(.invalidArgument, "Ed25519 signs messages, not digests", drainQueue: false)
        }
        let context = try requireNonNil(EVP_PKEY_CTX_new_from_pkey(nil, key, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_sign_init(context), "EVP_PKEY_sign_init")
        try requireOne(EVP_PKEY_CTX_set_signature_md(context, algorithm.md), "EVP_PKEY_CTX_set_signature_md")
        try AsymmetricPublicKey.configure(context, padding: padding)
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

extension AsymmetricPublicKey {
    /// Whether `signature` is valid for a finished `digest` made with `algorithm`.
    /// A digest of the wrong length or a malformed signature is simply not valid.
    public func isValidSignature(_ signature: [UInt8], digest: [UInt8], algorithm: DigestAlgorithm,
                                 padding: SignaturePadding = .none) throws(CryptoError) -> Bool {
        guard digest.count == algorithm.outputSize, !signature.isEmpty, keyType != .ed25519 else { return false }
        let context = try requireNonNil(EVP_PKEY_CTX_new_from_pkey(nil, key, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_verify_init(context), "EVP_PKEY_verify_init")
        try requireOne(EVP_PKEY_CTX_set_signature_md(context, algorithm.md), "EVP_PKEY_CTX_set_signature_md")
        try Self.configure(context, padding: padding)
        let result = signature.withUnsafeBufferPointer { sig in
            digest.withUnsafeBufferPointer { EVP_PKEY_verify(context, sig.baseAddress, sig.count, $0.baseAddress, $0.count) }
        }
        // 0 is "does not verify", a negative value a malformed signature; drain either way.
        if result != 1 { _ = CryptoError.drainErrorQueue() }
        return result == 1
    }
}
