internal import COpenSSL

/// RSA-OAEP (PKCS #1 v2.2, RFC 8017 §7.1) with one digest for both the OAEP
/// hash and MGF1, as AWS's `RSAES_OAEP_SHA_1` / `RSAES_OAEP_SHA_256` and the
/// import wrapping algorithms use it. The label is empty unless given (the
/// service never sets one; the Wycheproof vectors do).
public enum RSAOAEP {
    /// The largest plaintext for a modulus of `modulusBytes` and `digest`: k − 2·hLen − 2.
    public static func maximumPlaintextSize(modulusBytes: Int, digest: DigestAlgorithm) -> Int {
        modulusBytes - 2 * digest.outputSize - 2
    }

    static let labelName: StaticString = "oaep-label"

    /// Sets OAEP padding, the OAEP and MGF1 digests, and the label on a fresh encrypt/decrypt context.
    static func configure(_ context: OpaquePointer, digest: DigestAlgorithm, label: [UInt8]) throws(CryptoError) {
        try requireOne(EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING), "EVP_PKEY_CTX_set_rsa_padding(OAEP)")
        try requireOne(EVP_PKEY_CTX_set_rsa_oaep_md(context, digest.md), "EVP_PKEY_CTX_set_rsa_oaep_md")
        try requireOne(EVP_PKEY_CTX_set_rsa_mgf1_md(context, digest.md), "EVP_PKEY_CTX_set_rsa_mgf1_md")
        guard !label.isEmpty else { return }
        // The provider copies the label; the parameter's key must be a static string.
        var copy = label
        let result = copy.withUnsafeMutableBytes { bytes in
            var params = [
                OSSL_PARAM_construct_octet_string(
                    UnsafeRawPointer(labelName.utf8Start).assumingMemoryBound(to: CChar.self), bytes.baseAddress, bytes.count),
                OSSL_PARAM_construct_end(),
            ]
            return EVP_PKEY_CTX_set_params(context, &params)
        }
        try requireOne(result, "EVP_PKEY_CTX_set_params(oaep-label)")
    }
}

extension AsymmetricPublicKey {
    /// Encrypts `plaintext` with RSA-OAEP; longer than the OAEP limit is `.invalidArgument`.
    public func encryptOAEP(_ plaintext: SecureBytes, digest: DigestAlgorithm, label: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard case .rsa = keyType else { throw CryptoError(.invalidArgument, "RSA-OAEP with a non-RSA key", drainQueue: false) }
        guard plaintext.count <= RSAOAEP.maximumPlaintextSize(modulusBytes: outputSize, digest: digest) else {
            throw CryptoError(.invalidArgument, "RSA-OAEP plaintext of \(plaintext.count) bytes", drainQueue: false)
        }
        let context = try requireNonNil(EVP_PKEY_CTX_new_from_pkey(nil, key, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_encrypt_init(context), "EVP_PKEY_encrypt_init")
        try RSAOAEP.configure(context, digest: digest, label: label)
        var length = outputSize
        var out = [UInt8](repeating: 0, count: length)
        let result = plaintext.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { output in
                EVP_PKEY_encrypt(context, output.baseAddress, &length,
                                 input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count)
            }
        }
        try requireOne(result, "EVP_PKEY_encrypt(OAEP)")
        return Array(out.prefix(length))
    }
}

extension AsymmetricPrivateKey {
    /// Decrypts an RSA-OAEP block. Every failure (length, padding, label) is
    /// `.authenticationFailure`, without saying which check failed.
    public func decryptOAEP(_ ciphertext: [UInt8], digest: DigestAlgorithm, label: [UInt8] = []) throws(CryptoError) -> SecureBytes {
        guard case .rsa = keyType, ciphertext.count == outputSize else {
            throw CryptoError.authenticationFailure("RSA-OAEP decrypt")
        }
        let context = try requireNonNil(EVP_PKEY_CTX_new_from_pkey(nil, key, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try requireOne(EVP_PKEY_decrypt_init(context), "EVP_PKEY_decrypt_init")
        try RSAOAEP.configure(context, digest: digest, label: label)
        var length = outputSize
        var result: Int32 = 0
        // Decrypted straight into wiped memory; sliced to the message length below.
        let scratch = SecureBytes(count: length) { output in
            result = ciphertext.withUnsafeBufferPointer { input in
                EVP_PKEY_decrypt(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length,
                                 input.baseAddress, input.count)
            }
        }
        guard result == 1 else {
            _ = CryptoError.drainErrorQueue()
            throw CryptoError.authenticationFailure("RSA-OAEP decrypt")
        }
        return scratch.slice(0..<length)
    }
}
