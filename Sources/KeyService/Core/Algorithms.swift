import KeyCrypto

/// The signing algorithms of asymmetric keys, as AWS names them.
public enum SigningAlgorithm: String, Sendable, Codable, CaseIterable {
    case rsassaPssSha256 = "RSASSA_PSS_SHA_256"
    case rsassaPssSha384 = "RSASSA_PSS_SHA_384"
    case rsassaPssSha512 = "RSASSA_PSS_SHA_512"
    case rsassaPkcs1V15Sha256 = "RSASSA_PKCS1_V1_5_SHA_256"
    case rsassaPkcs1V15Sha384 = "RSASSA_PKCS1_V1_5_SHA_384"
    case rsassaPkcs1V15Sha512 = "RSASSA_PKCS1_V1_5_SHA_512"
    case ecdsaSha256 = "ECDSA_SHA_256"
    case ecdsaSha384 = "ECDSA_SHA_384"
    case ecdsaSha512 = "ECDSA_SHA_512"
    case ed25519Sha512 = "ED25519_SHA_512"

    /// The hash a RAW message goes through (Ed25519 hashes internally with SHA-512).
    public var digest: DigestAlgorithm {
        switch self {
        case .rsassaPssSha256, .rsassaPkcs1V15Sha256, .ecdsaSha256: .sha256
        case .rsassaPssSha384, .rsassaPkcs1V15Sha384, .ecdsaSha384: .sha384
        case .rsassaPssSha512, .rsassaPkcs1V15Sha512, .ecdsaSha512, .ed25519Sha512: .sha512
        }
    }

    /// RSA padding (PSS with salt length = hash length, as AWS); none for ECDSA and Ed25519.
    public var padding: SignaturePadding {
        switch self {
        case .rsassaPssSha256, .rsassaPssSha384, .rsassaPssSha512: .pss
        case .rsassaPkcs1V15Sha256, .rsassaPkcs1V15Sha384, .rsassaPkcs1V15Sha512: .pkcs1v15
        case .ecdsaSha256, .ecdsaSha384, .ecdsaSha512, .ed25519Sha512: .none
        }
    }

    /// Whether the algorithm signs a precomputed digest (`MessageType` `DIGEST`); pure Ed25519 does not.
    public var acceptsDigest: Bool { self != .ed25519Sha512 }

    /// The digest OpenSSL is told for a RAW message (nil: Ed25519 takes the message whole).
    public var messageDigest: DigestAlgorithm? { self == .ed25519Sha512 ? nil : digest }
}

/// The encryption algorithms, as AWS names them.
public enum EncryptionAlgorithm: String, Sendable, Codable, CaseIterable {
    case symmetricDefault = "SYMMETRIC_DEFAULT"
    case rsaesOaepSha1 = "RSAES_OAEP_SHA_1"
    case rsaesOaepSha256 = "RSAES_OAEP_SHA_256"

    /// The OAEP digest (hash and MGF1) of the RSA algorithms.
    public var oaepDigest: DigestAlgorithm? {
        switch self {
        case .symmetricDefault: nil
        case .rsaesOaepSha1: .sha1
        case .rsaesOaepSha256: .sha256
        }
    }
}

/// The MAC algorithms of HMAC keys, as AWS names them.
public enum MacAlgorithm: String, Sendable, Codable, CaseIterable {
    case hmacSha224 = "HMAC_SHA_224"
    case hmacSha256 = "HMAC_SHA_256"
    case hmacSha384 = "HMAC_SHA_384"
    case hmacSha512 = "HMAC_SHA_512"

    public var digest: DigestAlgorithm {
        switch self {
        case .hmacSha224: .sha224
        case .hmacSha256: .sha256
        case .hmacSha384: .sha384
        case .hmacSha512: .sha512
        }
    }
}

/// The key pair specs of `GenerateDataKeyPair` that this service can make.
public enum KeyPairSpec: String, Sendable, CaseIterable {
    case rsa2048 = "RSA_2048"
    case rsa3072 = "RSA_3072"
    case rsa4096 = "RSA_4096"
    case eccNistP256 = "ECC_NIST_P256"
    case eccNistP384 = "ECC_NIST_P384"
    case eccNistP521 = "ECC_NIST_P521"
    case eccNistEdwards25519 = "ECC_NIST_EDWARDS25519"

    /// Specs AWS defines that this service does not generate (UnsupportedOperation, not Validation).
    static let knownUnsupported: Set<String> = ["ECC_SECG_P256K1", "SM2"]

    /// The key spec of the same name.
    public var keySpec: KeySpec { KeySpec(rawValue: rawValue)! }
}

/// `MessageType` of Sign and Verify.
public enum MessageType: String, Sendable, CaseIterable {
    case raw = "RAW"
    case digest = "DIGEST"
}
