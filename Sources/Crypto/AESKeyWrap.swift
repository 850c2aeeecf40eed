internal import COpenSSL

/// AES key wrap with padding (RFC 5649, NIST SP 800-38F "KWP"), the second
/// half of the `RSA_AES_KEY_WRAP_*` import algorithms (OpenSSL's
/// `id-aes256-wrap-pad`, alternative IV `A65959A6`).
///
/// The key size (16, 24 or 32 bytes) picks AES-128/192/256; the service itself
/// only wraps under 256-bit keys, the other sizes exist for the known-answer
/// vectors. Unwrapping checks the integrity value and the padding and returns
/// the key only if both hold, in wiped memory.
public enum AESKeyWrap {
    /// The largest plaintext the service wraps or unwraps (a 4096-bit RSA PKCS#8
    /// key is about 2.4 KB); longer inputs are refused before OpenSSL sees them.
    public static let maximumPlaintextSize = 16 * 1024

    static func cipher(forKeySize size: Int) throws(CryptoError) -> OpaquePointer {
        switch size {
        case 16: return FetchedAlgorithms.aes128wrapPad
        case 24: return FetchedAlgorithms.aes192wrapPad
        case 32: return FetchedAlgorithms.aes256wrapPad
        default: throw CryptoError(.invalidArgument, "AES key wrap key of \(size) bytes", drainQueue: false)
        }
    }

    /// Wraps `plaintext` (1 byte or more) under `key`: the output is the
    /// plaintext's length rounded up to 8 bytes, plus 8.
    public static func wrapWithPadding(key: SecureBytes, plaintext: SecureBytes) throws(CryptoError) -> [UInt8] {
        guard (1...maximumPlaintextSize).contains(plaintext.count) else {
            throw CryptoError(.invalidArgument, "AES-KWP plaintext of \(plaintext.count) bytes", drainQueue: false)
        }
        let capacity = (plaintext.count + 7) / 8 * 8 + 8
        var output = [UInt8](repeating: 0, count: capacity)
        let written = try plaintext.withUnsafeBytes { (input) throws(CryptoError) -> Int in
            try run(encrypt: true, key: key, input: input, output: &output)
        }
        guard written == capacity else { throw CryptoError(.library, "AES-KWP wrap length", drainQueue: false) }
        return output
    }

    /// Unwraps `ciphertext`. Any failure (length, integrity value, padding) is
    /// `.authenticationFailure` and releases nothing.
    public static func unwrapWithPadding(key: SecureBytes, ciphertext: [UInt8]) throws(CryptoError) -> SecureBytes {
        guard ciphertext.count >= 16, ciphertext.count % 8 == 0, ciphertext.count <= maximumPlaintextSize + 16 else {
            throw CryptoError.authenticationFailure("AES-KWP unwrap")
        }
        var scratch = [UInt8](repeating: 0, count: ciphertext.count)
        defer { secureZero(&scratch) }
        let written: Int
        do {
            written = try ciphertext.withUnsafeBytes { (input) throws(CryptoError) -> Int in
                try run(encrypt: false, key: key, input: input, output: &scratch)
            }
        } catch {
            throw CryptoError(.authenticationFailure, "AES-KWP unwrap")
        }
        guard written >= 1, written <= ciphertext.count - 8 else { throw CryptoError.authenticationFailure("AES-KWP unwrap") }
        return SecureBytes(copying: scratch.prefix(written))
    }

    /// One EVP pass: KWP processes the whole input in a single update.
    private static func run(encrypt: Bool, key: SecureBytes, input: UnsafeRawBufferPointer,
                            output: inout [UInt8]) throws(CryptoError) -> Int {
        let cipher = try cipher(forKeySize: key.count)
        let context = try requireNonNil(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(context) }
        EVP_CIPHER_CTX_set_flags(context, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW)
        try key.withUnsafeBytes { (keyBytes) throws(CryptoError) in
            let keyPointer = keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let result = EVP_CipherInit_ex2(context, cipher, keyPointer, nil, encrypt ? 1 : 0, nil)
            try requireOne(result, "EVP_CipherInit_ex2(AES-KWP)")
        }
        var length: Int32 = 0
        let result = output.withUnsafeMutableBufferPointer { out in
            EVP_CipherUpdate(context, out.baseAddress, &length,
                             input.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(input.count))
        }
        try requireOne(result, encrypt ? "EVP_CipherUpdate(AES-KWP wrap)" : "EVP_CipherUpdate(AES-KWP unwrap)")
        var tail: Int32 = 0
        let final = output.withUnsafeMutableBufferPointer { out in
            EVP_CipherFinal_ex(context, out.baseAddress! + Int(length), &tail)
        }
        try requireOne(final, "EVP_CipherFinal_ex(AES-KWP)")
        return Int(length + tail)
    }
}
