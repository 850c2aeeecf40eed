internal import COpenSSL

/// The asymmetric key types the service uses.
public enum AsymmetricKeyType: Sendable, Equatable {
    case ecP256, ecP384, ecP521
    case rsa(bits: Int)
    case ed25519

    var curveName: String? {
        switch self {
        case .ecP256: "P-256"
        case .ecP384: "P-384"
        case .ecP521: "P-521"
        default: nil
        }
    }
}

/// How a signature is made: the digest, and for RSA the padding.
public enum SignaturePadding: Sendable, Equatable {
    case none, pkcs1v15, pss
}

/// A private key (EC, RSA or Ed25519). Owns its `EVP_PKEY`; immutable once made.
public final class AsymmetricPrivateKey: @unchecked Sendable {
    let key: OpaquePointer

    init(owning key: OpaquePointer) { self.key = key }
    deinit { EVP_PKEY_free(key) }

    /// A new key from the CSPRNG.
    public static func generate(_ type: AsymmetricKeyType) throws(CryptoError) -> AsymmetricPrivateKey {
        let key: OpaquePointer?
        switch type {
        case .ecP256, .ecP384, .ecP521: key = kms_generate_ec(type.curveName!)
        case .rsa(let bits):
            guard [2048, 3072, 4096].contains(bits) else {
                throw CryptoError(.invalidArgument, "RSA key of \(bits) bits", drainQueue: false)
            }
            key = kms_generate_rsa(bits)
        case .ed25519: key = kms_generate_ed25519()
        }
        return AsymmetricPrivateKey(owning: try requireNonNil(key, "EVP_PKEY_Q_keygen"))
    }

    /// Loads a DER private key (PKCS#8 or the traditional form of its type).
    public init(der: SecureBytes) throws(CryptoError) {
        let loaded = der.withUnsafeBytes { bytes -> OpaquePointer? in
            var pointer: UnsafePointer<UInt8>? = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return d2i_AutoPrivateKey(nil, &pointer, bytes.count)
        }
        key = try requireNonNil(loaded, "d2i_AutoPrivateKey")
    }

    /// The private key as DER, in wiped memory (for wrapping under the root key).
    public func derRepresentation() throws(CryptoError) -> SecureBytes {
        let length = i2d_PrivateKey(key, nil)
        guard length > 0 else { throw CryptoError(.library, "i2d_PrivateKey") }
        var written: Int32 = 0
        let out = SecureBytes(count: Int(length)) { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            written = i2d_PrivateKey(key, &pointer)
        }
        guard written == length else { throw CryptoError(.library, "i2d_PrivateKey") }
        return out
    }

    /// The public half as DER SubjectPublicKeyInfo.
    public func publicKeyDER() throws(CryptoError) -> [UInt8] {
        try AsymmetricPublicKey.spki(of: key)
    }

    public var publicKey: AsymmetricPublicKey {
        get throws(CryptoError) { try AsymmetricPublicKey(spki: publicKeyDER()) }
    }

    /// Signs `message`, hashing it with `digest` (ECDSA gives DER signatures; Ed25519 ignores `digest`).
    public func sign(message: [UInt8], digest: DigestAlgorithm?, padding: SignaturePadding = .none) throws(CryptoError) -> [UInt8] {
        let context = try requireNonNil(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        try requireOne(EVP_DigestSignInit(context, &keyContext, digest?.md, nil, key), "EVP_DigestSignInit")
        try AsymmetricPublicKey.configure(keyContext, padding: padding)
        var length = 0
        try message.withUnsafeBufferPointer { (m) throws(CryptoError) in
            try requireOne(EVP_DigestSign(context, nil, &length, m.baseAddress, m.count), "EVP_DigestSign(size)")
        }
        var signature = [UInt8](repeating: 0, count: length)
        try message.withUnsafeBufferPointer { (m) throws(CryptoError) in
            let result = signature.withUnsafeMutableBufferPointer { EVP_DigestSign(context, $0.baseAddress, &length, m.baseAddress, m.count) }
            try requireOne(result, "EVP_DigestSign")
        }
        return Array(signature.prefix(length))
    }
}

/// A public key, for verifying signatures. Owns its `EVP_PKEY`.
public final class AsymmetricPublicKey: @unchecked Sendable {
    let key: OpaquePointer

    deinit { EVP_PKEY_free(key) }

    /// Loads DER SubjectPublicKeyInfo; anything else is `.invalidArgument`.
    public init(spki: [UInt8]) throws(CryptoError) {
        let loaded = spki.withUnsafeBufferPointer { bytes -> OpaquePointer? in
            var pointer: UnsafePointer<UInt8>? = bytes.baseAddress
            return d2i_PUBKEY(nil, &pointer, bytes.count)
        }
        guard let loaded else { throw CryptoError(.invalidArgument, "not a DER SubjectPublicKeyInfo") }
        key = loaded
    }

    /// Loads a PEM `PUBLIC KEY` block.
    public convenience init(pem: String) throws(CryptoError) {
        let body = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard pem.contains("-----BEGIN PUBLIC KEY-----"), let der = Base64.decode(body) else {
            throw CryptoError(.invalidArgument, "not a PEM public key", drainQueue: false)
        }
        try self.init(spki: der)
    }

    public func derRepresentation() throws(CryptoError) -> [UInt8] { try Self.spki(of: key) }

    /// PEM `PUBLIC KEY` text.
    public func pemRepresentation() throws(CryptoError) -> String {
        let base64 = Array(Base64.encode(try derRepresentation()))
        var lines = ["-----BEGIN PUBLIC KEY-----"]
        var index = 0
        while index < base64.count {
            lines.append(String(base64[index..<min(index + 64, base64.count)]))
            index += 64
        }
        lines.append("-----END PUBLIC KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `signature` is valid for `message`. Malformed signatures are simply invalid.
    public func isValidSignature(_ signature: [UInt8], message: [UInt8], digest: DigestAlgorithm?, padding: SignaturePadding = .none) throws(CryptoError) -> Bool {
        let context = try requireNonNil(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        try requireOne(EVP_DigestVerifyInit(context, &keyContext, digest?.md, nil, key), "EVP_DigestVerifyInit")
        try Self.configure(keyContext, padding: padding)
        let result = signature.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in EVP_DigestVerify(context, s.baseAddress, s.count, m.baseAddress, m.count) }
        }
        _ = CryptoError.drainErrorQueue()
        return result == 1
    }

    static func spki(of key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { throw CryptoError(.library, "i2d_PUBKEY") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PUBKEY(key, &pointer)
        }
        guard written == length else { throw CryptoError(.library, "i2d_PUBKEY") }
        return out
    }

    static func configure(_ keyContext: OpaquePointer?, padding: SignaturePadding) throws(CryptoError) {
        switch padding {
        case .none: return
        case .pkcs1v15: try requireOne(EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING), "EVP_PKEY_CTX_set_rsa_padding")
        case .pss:
            try requireOne(EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING), "EVP_PKEY_CTX_set_rsa_padding(PSS)")
            try requireOne(EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST), "EVP_PKEY_CTX_set_rsa_pss_saltlen")
        }
    }
}
