internal import COpenSSL

/// PKCS#8 encoding, strict loading and type inspection of asymmetric keys: what
/// key import and `GenerateDataKeyPair` need beyond `AsymmetricKey.swift`.
extension AsymmetricPrivateKey {
    /// Loads a DER PKCS#8 `PrivateKeyInfo` and nothing else: the whole input must
    /// be one structure (no trailing bytes) holding a key OpenSSL can use.
    public convenience init(pkcs8 der: SecureBytes) throws(CryptoError) {
        let loaded = der.withUnsafeBytes { bytes -> OpaquePointer? in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return nil }
            var pointer: UnsafePointer<UInt8>? = UnsafePointer(base)
            guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &pointer, bytes.count) else { return nil }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            guard pointer == UnsafePointer(base) + bytes.count else { return nil }
            return EVP_PKCS82PKEY(info)
        }
        guard let loaded else { throw CryptoError(.invalidArgument, "not a DER PKCS#8 private key") }
        self.init(owning: loaded)
    }

    /// The private key as DER PKCS#8 `PrivateKeyInfo`, in wiped memory.
    public func pkcs8Representation() throws(CryptoError) -> SecureBytes {
        let info = try requireNonNil(EVP_PKEY2PKCS8(key), "EVP_PKEY2PKCS8")
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, nil)
        guard length > 0 else { throw CryptoError(.library, "i2d_PKCS8_PRIV_KEY_INFO") }
        var written: Int32 = 0
        let out = SecureBytes(count: Int(length)) { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            written = i2d_PKCS8_PRIV_KEY_INFO(info, &pointer)
        }
        guard written == length else { throw CryptoError(.library, "i2d_PKCS8_PRIV_KEY_INFO") }
        return out
    }

    /// The key's type, or nil for a type the service does not use (other curves, RSA-PSS-only keys…).
    public var keyType: AsymmetricKeyType? { AsymmetricKeyInspection.type(of: key) }

    /// Bytes of a signature or RSA block (the modulus size for RSA).
    public var outputSize: Int { Int(EVP_PKEY_get_size(key)) }

    /// Whether the private and public halves belong together (an imported key
    /// whose public half was tampered with fails here).
    public func isConsistent() -> Bool {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            _ = CryptoError.drainErrorQueue()
            return false
        }
        defer { EVP_PKEY_CTX_free(context) }
        let result = EVP_PKEY_pairwise_check(context)
        _ = CryptoError.drainErrorQueue()
        // -2: the check is not implemented for this type (it then has no separate public half to contradict).
        return result == 1 || result == -2
    }
}

extension AsymmetricPublicKey {
    /// The key's type, or nil for a type the service does not use.
    public var keyType: AsymmetricKeyType? { AsymmetricKeyInspection.type(of: key) }

    /// Bytes of a signature or RSA block (the modulus size for RSA).
    public var outputSize: Int { Int(EVP_PKEY_get_size(key)) }
}

enum AsymmetricKeyInspection {
    static func type(of key: OpaquePointer) -> AsymmetricKeyType? {
        if EVP_PKEY_is_a(key, "RSA") == 1 {
            let bits = Int(EVP_PKEY_get_bits(key))
            return [2048, 3072, 4096].contains(bits) ? .rsa(bits: bits) : nil
        }
        if EVP_PKEY_is_a(key, "ED25519") == 1 { return .ed25519 }
        guard EVP_PKEY_is_a(key, "EC") == 1 else { return nil }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else {
            _ = CryptoError.drainErrorQueue()
            return nil
        }
        switch String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) {
        case "prime256v1", "P-256": return .ecP256
        case "secp384r1", "P-384": return .ecP384
        case "secp521r1", "P-521": return .ecP521
        default: return nil
        }
    }
}
