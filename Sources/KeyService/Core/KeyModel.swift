import Foundation

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

    /// The usages a key of this spec may be created with; the first is the default.
    public var allowedUsages: [KeyUsage] {
        switch self {
        case .symmetricDefault: [.encryptDecrypt]
        }
    }

    /// Whether the key encrypts with AES-256-GCM blobs (Encrypt, Decrypt, data keys).
    public var supportsSymmetricEncryption: Bool { self == .symmetricDefault }
    /// Whether automatic and on-demand rotation apply.
    public var supportsRotation: Bool { self == .symmetricDefault }
    /// Size of one version's material in bytes.
    public var materialSize: Int {
        switch self {
        case .symmetricDefault: 32
        }
    }
    public var encryptionAlgorithms: [String]? { supportsSymmetricEncryption ? ["SYMMETRIC_DEFAULT"] : nil }
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

    public var isUsableForCrypto: Bool { state == .enabled }
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
