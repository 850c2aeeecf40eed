import Foundation
import KeyCrypto

/// The lifecycle state of a KMS key (the AWS values that occur on one region).
public enum KeyState: String, Sendable, Codable, CaseIterable {
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
    case pendingImport = "PendingImport"
}

public enum KeyUsage: String, Sendable, Codable, CaseIterable {
    case encryptDecrypt = "ENCRYPT_DECRYPT"
    case signVerify = "SIGN_VERIFY"
    case generateVerifyMac = "GENERATE_VERIFY_MAC"
}

public enum KeyOrigin: String, Sendable, Codable, CaseIterable {
    case awsKMS = "AWS_KMS"
    case external = "EXTERNAL"
}

/// The kind of key material. Capability questions are answered here, not in handlers.
public enum KeySpec: String, Sendable, Codable, CaseIterable {
    case symmetricDefault = "SYMMETRIC_DEFAULT"
    case rsa2048 = "RSA_2048"
    case rsa3072 = "RSA_3072"
    case rsa4096 = "RSA_4096"
    case eccNistP256 = "ECC_NIST_P256"
    case eccNistP384 = "ECC_NIST_P384"
    case eccNistP521 = "ECC_NIST_P521"
    case eccNistEdwards25519 = "ECC_NIST_EDWARDS25519"
    case hmac224 = "HMAC_224"
    case hmac256 = "HMAC_256"
    case hmac384 = "HMAC_384"
    case hmac512 = "HMAC_512"

    /// The usages a key of this spec may be created with; the first is the default.
    public var allowedUsages: [KeyUsage] {
        switch self {
        case .symmetricDefault: [.encryptDecrypt]
        case .rsa2048, .rsa3072, .rsa4096: [.encryptDecrypt, .signVerify]
        case .eccNistP256, .eccNistP384, .eccNistP521, .eccNistEdwards25519: [.signVerify]
        case .hmac224, .hmac256, .hmac384, .hmac512: [.generateVerifyMac]
        }
    }

    /// The asymmetric key type behind the spec (nil for symmetric and HMAC keys).
    public var asymmetricType: AsymmetricKeyType? {
        switch self {
        case .rsa2048: .rsa(bits: 2048)
        case .rsa3072: .rsa(bits: 3072)
        case .rsa4096: .rsa(bits: 4096)
        case .eccNistP256: .ecP256
        case .eccNistP384: .ecP384
        case .eccNistP521: .ecP521
        case .eccNistEdwards25519: .ed25519
        case .symmetricDefault, .hmac224, .hmac256, .hmac384, .hmac512: nil
        }
    }

    public var isAsymmetric: Bool { asymmetricType != nil }
    public var isRSA: Bool { [.rsa2048, .rsa3072, .rsa4096].contains(self) }

    /// Whether the key encrypts with AES-256-GCM blobs (Encrypt, Decrypt, data keys).
    public var supportsSymmetricEncryption: Bool { self == .symmetricDefault }
    /// Whether automatic and on-demand rotation apply.
    public var supportsRotation: Bool { self == .symmetricDefault }

    /// Size in bytes of material the service generates: the key for symmetric and
    /// HMAC specs; nil for asymmetric specs, whose material is a PKCS#8 DER private key.
    public var materialSize: Int? {
        switch self {
        case .symmetricDefault: 32
        case .hmac224: 28
        case .hmac256: 32
        case .hmac384: 48
        case .hmac512: 64
        default: nil
        }
    }

    /// Sizes of raw material accepted on import (AWS: 32 bytes for symmetric keys;
    /// from the digest size up to the HMAC block size for HMAC keys).
    public var importableMaterialSizes: ClosedRange<Int>? {
        switch self {
        case .symmetricDefault: 32...32
        case .hmac224: 28...64
        case .hmac256: 32...64
        case .hmac384: 48...128
        case .hmac512: 64...128
        default: nil
        }
    }

    /// Everything a key of this spec could sign with (if its usage is SIGN_VERIFY).
    public var signingAlgorithms: [SigningAlgorithm] {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096:
            [.rsassaPssSha256, .rsassaPssSha384, .rsassaPssSha512, .rsassaPkcs1V15Sha256, .rsassaPkcs1V15Sha384, .rsassaPkcs1V15Sha512]
        case .eccNistP256: [.ecdsaSha256]
        case .eccNistP384: [.ecdsaSha384]
        case .eccNistP521: [.ecdsaSha512]
        case .eccNistEdwards25519: [.ed25519Sha512]
        case .symmetricDefault, .hmac224, .hmac256, .hmac384, .hmac512: []
        }
    }

    /// Everything a key of this spec could encrypt with (if its usage is ENCRYPT_DECRYPT).
    public var encryptionAlgorithms: [EncryptionAlgorithm] {
        switch self {
        case .symmetricDefault: [.symmetricDefault]
        case .rsa2048, .rsa3072, .rsa4096: [.rsaesOaepSha1, .rsaesOaepSha256]
        default: []
        }
    }

    /// The one MAC algorithm of an HMAC spec.
    public var macAlgorithms: [MacAlgorithm] {
        switch self {
        case .hmac224: [.hmacSha224]
        case .hmac256: [.hmacSha256]
        case .hmac384: [.hmacSha384]
        case .hmac512: [.hmacSha512]
        default: []
        }
    }

    /// The RSA modulus in bytes (RSA specs only).
    public var rsaModulusBytes: Int? {
        if case .rsa(let bits) = asymmetricType { return bits / 8 }
        return nil
    }
}

/// Whether imported key material expires (AWS `ExpirationModel`).
public enum ExpirationModel: String, Sendable, Codable, CaseIterable {
    case keyMaterialExpires = "KEY_MATERIAL_EXPIRES"
    case keyMaterialDoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE"
}

/// How a key version came to be.
public enum RotationType: String, Sendable, Codable {
    case initial = "INITIAL"
    case automatic = "AUTOMATIC"
    case onDemand = "ON_DEMAND"
}

public struct Tag: Sendable, Codable, Equatable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A KMS key's metadata as persisted. Material lives in `KeyVersionRecord`s.
public struct KeyRecord: Sendable, Equatable {
    public var id: String
    public var createdAt: Timestamp
    public var description: String
    public var state: KeyState
    public var usage: KeyUsage
    public var spec: KeySpec
    public var origin: KeyOrigin
    public var rotationEnabled: Bool
    public var rotationPeriodDays: Int?
    public var nextRotationAt: Timestamp?
    public var deletionAt: Timestamp?
    public var latestVersion: Int
    public var tags: [Tag]
    /// Imported keys: whether the current material expires, and when. Nil while no material is imported.
    public var expirationModel: ExpirationModel? = nil
    public var validTo: Timestamp? = nil
    /// Imported keys: a keyed fingerprint (HMAC under a root-key subkey) of the first
    /// material ever imported. Kept for life, so a re-import must bring the same bytes.
    public var materialFingerprint: [UInt8]? = nil

    public var isUsableForCrypto: Bool { state == .enabled }

    /// The state callers see at `now`: imported material past its ValidTo makes an
    /// enabled or disabled key PendingImport at once, though maintenance deletes the
    /// material (and stores the state) only on its next run.
    public func effectiveState(at now: Timestamp) -> KeyState {
        if state == .enabled || state == .disabled, expirationModel == .keyMaterialExpires, let validTo, validTo <= now {
            return .pendingImport
        }
        return state
    }

    /// Whether a grant on this key may allow `action`: the operation must be one the
    /// key can perform (no Sign on a symmetric key, no GenerateDataKey on an
    /// asymmetric one), as AWS checks in CreateGrant.
    public func canPerform(_ action: Action) -> Bool {
        switch action {
        case .encrypt, .decrypt, .reEncryptFrom, .reEncryptTo:
            usage == .encryptDecrypt
        case .generateDataKey, .generateDataKeyWithoutPlaintext, .generateDataKeyPair, .generateDataKeyPairWithoutPlaintext:
            usage == .encryptDecrypt && spec.supportsSymmetricEncryption
        case .sign, .verify:
            usage == .signVerify
        case .getPublicKey:
            spec.isAsymmetric
        case .generateMac, .verifyMac:
            usage == .generateVerifyMac
        default:
            true
        }
    }

    /// The algorithms the key offers, by spec and usage (AWS lists only the ones of its usage).
    public var encryptionAlgorithms: [EncryptionAlgorithm] { usage == .encryptDecrypt ? spec.encryptionAlgorithms : [] }
    public var signingAlgorithms: [SigningAlgorithm] { usage == .signVerify ? spec.signingAlgorithms : [] }
    public var macAlgorithms: [MacAlgorithm] { usage == .generateVerifyMac ? spec.macAlgorithms : [] }
}

/// One version of a key's material, wrapped under the root key.
public struct KeyVersionRecord: Sendable, Equatable {
    public var keyId: String
    public var version: Int
    public var createdAt: Timestamp
    public var rotationType: RotationType
    /// nonce ‖ ciphertext ‖ tag under the material-wrapping key, AAD binds key id and version.
    public var wrappedMaterial: [UInt8]
}

public struct AliasRecord: Sendable, Equatable {
    public var name: String
    public var targetKeyId: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

/// Microseconds since the Unix epoch, UTC.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var microseconds: Int64
    public init(microseconds: Int64) { self.microseconds = microseconds }
    public init(seconds: Int64) { self.microseconds = seconds * 1_000_000 }
    /// Epoch seconds (from untrusted input): nil for NaN, an infinity, or a time whose
    /// microseconds do not fit Int64 (about ±292,000 years), instead of a trapping conversion.
    public init?(epochSeconds: Double) {
        guard let microseconds = Int64(exactly: (epochSeconds * 1_000_000).rounded()) else { return nil }
        self.microseconds = microseconds
    }

    public static func now() -> Timestamp {
        Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
    public var secondsSinceEpoch: Double { Double(microseconds) / 1_000_000 }
    public var date: Date { Date(timeIntervalSince1970: secondsSinceEpoch) }
    public func adding(days: Int) -> Timestamp { Timestamp(microseconds: microseconds + Int64(days) * 86_400_000_000) }
    public func adding(seconds: Int64) -> Timestamp { Timestamp(microseconds: microseconds + seconds * 1_000_000) }
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// RFC 3339 with microseconds, UTC (`2026-11-29T04:41:27.123456Z`).
    public var iso8601: String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let micros = microseconds - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(micros))
    }
}

/// Where this server's keys live: the values in every ARN it issues.
public struct Partition: Sendable, Equatable {
    public var region: String
    public var account: String
    public init(region: String = "us-east-1", account: String = "000000000000") {
        self.region = region
        self.account = account
    }
    public func keyArn(_ keyId: String) -> String { "arn:aws:kms:\(region):\(account):key/\(keyId)" }
    public func aliasArn(_ aliasName: String) -> String { "arn:aws:kms:\(region):\(account):\(aliasName)" }
}
