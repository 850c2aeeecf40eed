internal import COpenSSL

/// A reusable AES-GCM context for bulk work: the key schedule is set once, and
/// each seal or open sets only the 12-byte nonce and writes into caller buffers.
///
/// One context per thread: it is deliberately not `Sendable`. Seal and open may
/// work in place (`ciphertext == plaintext`). After a failed `open` the output
/// buffer holds unauthenticated bytes that the caller must discard.
public final class AESGCMContext {
    /// Whether this context seals or opens.
    public enum Direction: Sendable { case seal, open }

    public let direction: Direction
    private let context: OpaquePointer
    // EVP lengths are `int`; larger buffers go through in pieces of this size.
    private static let maxPiece = 1 << 30

    /// A context for `key` (16, 24 or 32 bytes) in `direction`.
    public init(key: SecureBytes, direction: Direction) throws(CryptoError) {
        let cipher = try AESGCM.cipher(forKeySize: key.count)
        self.direction = direction
        context = try requireNonNil(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        let encrypt: Int32 = direction == .seal ? 1 : 0
        let result = key.withUnsafeBytes { keyBytes in
            EVP_CipherInit_ex(context, cipher, nil, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, encrypt)
        }
        guard result == 1 else {
            let error = CryptoError(.library, "EVP_CipherInit_ex(key)")
            EVP_CIPHER_CTX_free(context)
            throw error
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Encrypts `plaintext` into `ciphertext` (same length) and writes the 16-byte tag.
    public func seal(
        nonce: UnsafeRawPointer, aad: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
        ciphertext: UnsafeMutableRawPointer, tag: UnsafeMutableRawPointer
    ) throws(CryptoError) {
        precondition(direction == .seal, "AESGCMContext: seal on an opening context")
        try start(nonce: nonce, aad: aad)
        try update(plaintext, into: ciphertext, "EVP_EncryptUpdate")
        var scratch = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        try requireOne(scratch.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(context, $0.baseAddress, &written) },
                       "EVP_EncryptFinal_ex")
        try requireOne(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(AESGCM.tagSize), tag), "EVP_CTRL_GCM_GET_TAG")
    }

    /// Decrypts `ciphertext` into `plaintext` (same length) and checks the 16-byte tag.
    /// Throws `.authenticationFailure` if it does not verify.
    public func open(
        nonce: UnsafeRawPointer, aad: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawPointer, plaintext: UnsafeMutableRawPointer
    ) throws(CryptoError) {
        precondition(direction == .open, "AESGCMContext: open on a sealing context")
        try start(nonce: nonce, aad: aad)
        try update(ciphertext, into: plaintext, "EVP_DecryptUpdate")
        try requireOne(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(AESGCM.tagSize), UnsafeMutableRawPointer(mutating: tag)),
                       "EVP_CTRL_GCM_SET_TAG")
        var scratch = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        let result = scratch.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress, &written) }
        guard result == 1 else {
            _ = CryptoError.drainErrorQueue()
            throw CryptoError.authenticationFailure("AES-GCM open")
        }
    }

    /// Sets the nonce (keeping the key schedule) and feeds the AAD.
    private func start(nonce: UnsafeRawPointer, aad: UnsafeRawBufferPointer) throws(CryptoError) {
        let result = EVP_CipherInit_ex(context, nil, nil, nil, nonce.assumingMemoryBound(to: UInt8.self), -1)
        try requireOne(result, "EVP_CipherInit_ex(nonce)")
        var offset = 0
        while offset < aad.count {
            let piece = min(aad.count - offset, Self.maxPiece)
            var written: Int32 = 0
            let base = (aad.baseAddress! + offset).assumingMemoryBound(to: UInt8.self)
            try requireOne(EVP_CipherUpdate(context, nil, &written, base, Int32(piece)), "EVP_CipherUpdate(aad)")
            offset += piece
        }
    }

    private func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, _ name: String) throws(CryptoError) {
        var offset = 0
        while offset < input.count {
            let piece = min(input.count - offset, Self.maxPiece)
            var written: Int32 = 0
            let result = EVP_CipherUpdate(
                context, (output + offset).assumingMemoryBound(to: UInt8.self), &written,
                (input.baseAddress! + offset).assumingMemoryBound(to: UInt8.self), Int32(piece))
            guard result == 1, Int(written) == piece else { throw CryptoError(.library, name) }
            offset += piece
        }
    }
}
