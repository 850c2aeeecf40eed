/// How imported key material travels to the service: AWS KMS's wrapping
/// algorithms for `ImportKeyMaterial`, on both sides (the CLI wraps, the
/// service unwraps).
public enum ImportWrappingAlgorithm: String, Sendable, CaseIterable, Equatable {
    /// RSA-OAEP, SHA-1 for the OAEP hash and MGF1: `EncryptedKeyMaterial` is one RSA block.
    case rsaesOaepSha1 = "RSAES_OAEP_SHA_1"
    /// RSA-OAEP, SHA-256 for the OAEP hash and MGF1.
    case rsaesOaepSha256 = "RSAES_OAEP_SHA_256"
    /// An ephemeral AES-256 key under RSA-OAEP-SHA-1, then the material under
    /// AES-KWP (RFC 5649): RSA block ‖ KWP output (PKCS #11 `CKM_RSA_AES_KEY_WRAP`).
    case rsaAesKeyWrapSha1 = "RSA_AES_KEY_WRAP_SHA_1"
    /// The same with RSA-OAEP-SHA-256.
    case rsaAesKeyWrapSha256 = "RSA_AES_KEY_WRAP_SHA_256"

    /// The digest of the RSA-OAEP step (both the OAEP hash and MGF1).
    public var oaepDigest: DigestAlgorithm {
        switch self {
        case .rsaesOaepSha1, .rsaAesKeyWrapSha1: .sha1
        case .rsaesOaepSha256, .rsaAesKeyWrapSha256: .sha256
        }
    }

    /// Whether the material goes under an ephemeral AES key (any size of material fits).
    public var usesAESKeyWrap: Bool { self == .rsaAesKeyWrapSha1 || self == .rsaAesKeyWrapSha256 }
}

/// Wraps and unwraps key material with an `ImportWrappingAlgorithm`.
public enum KeyMaterialWrapping {
    /// Bytes of the ephemeral AES key of the `RSA_AES_KEY_WRAP_*` algorithms.
    public static let ephemeralKeySize = 32

    /// Wraps `material` for import under the service's wrapping `publicKey`.
    /// Material too long for plain RSA-OAEP is `.invalidArgument` (use an
    /// `RSA_AES_KEY_WRAP_*` algorithm or a larger wrapping key).
    public static func wrap(_ material: SecureBytes, publicKey: AsymmetricPublicKey,
                            algorithm: ImportWrappingAlgorithm) throws(CryptoError) -> [UInt8] {
        guard !material.isEmpty else { throw CryptoError(.invalidArgument, "empty key material", drainQueue: false) }
        guard algorithm.usesAESKeyWrap else {
            return try publicKey.encryptOAEP(material, digest: algorithm.oaepDigest)
        }
        let ephemeral = try SecureBytes.random(count: ephemeralKeySize)
        let wrappedKey = try publicKey.encryptOAEP(ephemeral, digest: algorithm.oaepDigest)
        let wrappedMaterial = try AESKeyWrap.wrapWithPadding(key: ephemeral, plaintext: material)
        return wrappedKey + wrappedMaterial
    }

    /// Unwraps `EncryptedKeyMaterial` with the wrapping `privateKey`. Every
    /// failure is `.authenticationFailure`, the same whichever step failed, so
    /// the answer says nothing about the RSA padding.
    public static func unwrap(_ encrypted: [UInt8], privateKey: AsymmetricPrivateKey,
                              algorithm: ImportWrappingAlgorithm) throws(CryptoError) -> SecureBytes {
        let modulusBytes = privateKey.outputSize
        do {
            guard algorithm.usesAESKeyWrap else {
                guard encrypted.count == modulusBytes else { throw CryptoError.authenticationFailure("import unwrap") }
                let material = try privateKey.decryptOAEP(encrypted, digest: algorithm.oaepDigest)
                guard !material.isEmpty else { throw CryptoError.authenticationFailure("import unwrap") }
                return material
            }
            guard encrypted.count >= modulusBytes + 16 else { throw CryptoError.authenticationFailure("import unwrap") }
            let ephemeral = try privateKey.decryptOAEP(Array(encrypted[..<modulusBytes]), digest: algorithm.oaepDigest)
            guard ephemeral.count == ephemeralKeySize else { throw CryptoError.authenticationFailure("import unwrap") }
            return try AESKeyWrap.unwrapWithPadding(key: ephemeral, ciphertext: Array(encrypted[modulusBytes...]))
        } catch {
            throw CryptoError.authenticationFailure("import unwrap")
        }
    }
}
