internal import COpenSSL

/// AES-GCM authenticated encryption (128-, 192- or 256-bit keys, chosen by key length).
///
/// The service itself only uses 256-bit keys, 12-byte nonces and 16-byte tags;
/// the other sizes exist for the known-answer vectors. Decryption writes into a
/// `SecureBytes` that is discarded (and wiped) unless the tag verifies, so no
/// unauthenticated plaintext ever reaches the caller.
public enum AESGCM {
    public static let nonceSize = 12
    public static let tagSize = 16

    /// The result of a seal.
    public struct SealedBox: Sendable, Equatable {
        public var ciphertext: [UInt8]
        public var tag: [UInt8]
    }

    static func cipher(forKeySize size: Int) throws(CryptoError) -> OpaquePointer {
        switch size {
        case 16: return FetchedAlgorithms.aes128gcm
        case 24: return FetchedAlgorithms.aes192gcm
        case 32: return FetchedAlgorithms.aes256gcm
        default: throw CryptoError(.invalidArgument, "AES-GCM key of \(size) bytes", drainQueue: false)
        }
    }

    static func checkSizes(nonce: Int, tag: Int) throws(CryptoError) {
        // OpenSSL 3's GCM takes IVs of 1...128 bytes (GCM_IV_MAX_SIZE, 1024 bits);
        // a longer one would fail inside EVP as a `.library` error.
        guard nonce >= 1, nonce <= 128 else {
            throw CryptoError(.invalidArgument, "AES-GCM nonce of \(nonce) bytes", drainQueue: false)
        }
        guard tag >= 4, tag <= 16 else {
            throw CryptoError(.invalidArgument, "AES-GCM tag of \(tag) bytes", drainQueue: false)
        }
    }

    /// Encrypts `plaintext` with `aad` authenticated alongside.
    public static func seal(
        key: SecureBytes, nonce: [UInt8], plaintext: UnsafeRawBufferPointer, aad: [UInt8], tagLength: Int = tagSize
    ) throws(CryptoError) -> SealedBox {
        try checkSizes(nonce: nonce.count, tag: tagLength)
        let cipher = try cipher(forKeySize: key.count)
        let context = try requireNonNil(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(context) }

        try requireOne(EVP_EncryptInit_ex(context, cipher, nil, nil, nil), "EVP_EncryptInit_ex")
        try requireOne(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil), "EVP_CTRL_GCM_SET_IVLEN")
        try key.withUnsafeBytes { (keyBytes) throws(CryptoError) in
            let result = nonce.withUnsafeBufferPointer { nonceBytes in
                EVP_EncryptInit_ex(context, nil, nil, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), nonceBytes.baseAddress)
            }
            try requireOne(result, "EVP_EncryptInit_ex(key)")
        }
        try updateAAD(context, aad)

        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var written: Int32 = 0
        if plaintext.count > 0 {
            let result = ciphertext.withUnsafeMutableBufferPointer { out in
                EVP_EncryptUpdate(context, out.baseAddress, &written,
                                  plaintext.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(plaintext.count))
            }
            try requireOne(result, "EVP_EncryptUpdate")
        }
        var finalWritten: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        try requireOne(scratch.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(context, $0.baseAddress, &finalWritten) },
                       "EVP_EncryptFinal_ex")
        var tag = [UInt8](repeating: 0, count: tagLength)
        let tagResult = tag.withUnsafeMutableBytes {
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), $0.baseAddress)
        }
        try requireOne(tagResult, "EVP_CTRL_GCM_GET_TAG")
        return SealedBox(ciphertext: ciphertext, tag: tag)
    }

    public static func seal(key: SecureBytes, nonce: [UInt8], plaintext: [UInt8], aad: [UInt8], tagLength: Int = tagSize) throws(CryptoError) -> SealedBox {
        try plaintext.withUnsafeBufferPointer { (buffer) throws(CryptoError) in
            try seal(key: key, nonce: nonce, plaintext: UnsafeRawBufferPointer(buffer), aad: aad, tagLength: tagLength)
        }
    }

    public static func seal(key: SecureBytes, nonce: [UInt8], plaintext: SecureBytes, aad: [UInt8]) throws(CryptoError) -> SealedBox {
        try plaintext.withUnsafeBytes { (buffer) throws(CryptoError) in try seal(key: key, nonce: nonce, plaintext: buffer, aad: aad) }
    }

    /// Decrypts and verifies. Throws `.authenticationFailure` if the tag does not verify.
    ///
    /// The tag must be exactly `expectedTagLength` bytes (16 unless a caller, such
    /// as a known-answer test, names a shorter one): GCM itself would accept any
    /// prefix of a valid tag, which would let a forger shorten it.
    public static func open(
        key: SecureBytes, nonce: [UInt8], ciphertext: UnsafeRawBufferPointer, tag: [UInt8], aad: [UInt8],
        expectedTagLength: Int = tagSize
    ) throws(CryptoError) -> SecureBytes {
        try checkSizes(nonce: nonce.count, tag: expectedTagLength)
        guard tag.count == expectedTagLength else {
            throw CryptoError(.authenticationFailure, "AES-GCM open (tag of \(tag.count) bytes, expected \(expectedTagLength))", drainQueue: false)
        }
        let cipher = try cipher(forKeySize: key.count)
        let context = try requireNonNil(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(context) }

        try requireOne(EVP_DecryptInit_ex(context, cipher, nil, nil, nil), "EVP_DecryptInit_ex")
        try requireOne(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil), "EVP_CTRL_GCM_SET_IVLEN")
        try key.withUnsafeBytes { (keyBytes) throws(CryptoError) in
            let result = nonce.withUnsafeBufferPointer { nonceBytes in
                EVP_DecryptInit_ex(context, nil, nil, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), nonceBytes.baseAddress)
            }
            try requireOne(result, "EVP_DecryptInit_ex(key)")
        }
        try updateAAD(context, aad)

        var failure: CryptoError?
        let plaintext = SecureBytes(count: ciphertext.count) { out in
            var written: Int32 = 0
            if ciphertext.count > 0 {
                let result = EVP_DecryptUpdate(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &written,
                                               ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(ciphertext.count))
                if result != 1 { failure = CryptoError(.library, "EVP_DecryptUpdate"); return }
            }
            var tagCopy = tag
            let tagResult = tagCopy.withUnsafeMutableBytes {
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tag.count), $0.baseAddress)
            }
            if tagResult != 1 { failure = CryptoError(.library, "EVP_CTRL_GCM_SET_TAG"); return }
            var scratch = [UInt8](repeating: 0, count: 16)
            var finalWritten: Int32 = 0
            let finalResult = scratch.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress, &finalWritten) }
            if finalResult != 1 { failure = CryptoError(.authenticationFailure, "AES-GCM open") }
        }
        if let failure { throw failure }
        return plaintext
    }

    public static func open(key: SecureBytes, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8], aad: [UInt8],
                            expectedTagLength: Int = tagSize) throws(CryptoError) -> SecureBytes {
        try ciphertext.withUnsafeBufferPointer { (buffer) throws(CryptoError) in
            try open(key: key, nonce: nonce, ciphertext: UnsafeRawBufferPointer(buffer), tag: tag, aad: aad, expectedTagLength: expectedTagLength)
        }
    }

    private static func updateAAD(_ context: OpaquePointer, _ aad: [UInt8]) throws(CryptoError) {
        guard !aad.isEmpty else { return }
        var written: Int32 = 0
        let result = aad.withUnsafeBufferPointer { EVP_CipherUpdate(context, nil, &written, $0.baseAddress, Int32($0.count)) }
        try requireOne(result, "EVP_CipherUpdate(aad)")
    }
}
