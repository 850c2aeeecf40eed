import Foundation
import KeyCrypto

/// A key's metadata as the service describes it.
public struct KeyMetadata: Decodable, Sendable, Equatable {
    public var keyId: String
    public var arn: String
    public var awsAccountId: String
    public var creationDate: String
    public var enabled: Bool
    public var description: String
    public var keyUsage: String
    public var keyState: String
    public var deletionDate: String?
    public var origin: String
    public var keyManager: String
    public var keySpec: String
    public var encryptionAlgorithms: [String]?
    public var signingAlgorithms: [String]?
    public var macAlgorithms: [String]?
    /// Imported keys: KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE, and when the material expires.
    public var expirationModel: String?
    public var validTo: String?
    public var multiRegion: Bool
}

/// One page of a listing.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextMarker: String?
    public var truncated: Bool { nextMarker != nil }
}

public struct KeyListEntry: Decodable, Sendable, Equatable {
    public var keyId: String
    public var keyArn: String
}

public struct AliasEntry: Decodable, Sendable, Equatable {
    public var aliasName: String
    public var aliasArn: String
    public var targetKeyId: String
    public var creationDate: String
    public var lastUpdatedDate: String
}

public struct RotationEntry: Decodable, Sendable, Equatable {
    public var keyId: String
    public var rotationDate: String
    public var rotationType: String
}

public struct RotationStatus: Decodable, Sendable, Equatable {
    public var keyRotationEnabled: Bool
    public var keyId: String
    public var rotationPeriodInDays: Int?
    public var nextRotationDate: String?
}

public struct DeletionSchedule: Decodable, Sendable, Equatable {
    public var keyId: String
    public var deletionDate: String
    public var keyState: String
    public var pendingWindowInDays: Int
}

/// The result of Encrypt or ReEncrypt: a ciphertext blob and the key ARN that sealed it.
public struct EncryptResult: Sendable, Equatable {
    public var ciphertextBlob: [UInt8]
    public var keyId: String

    public init(ciphertextBlob: [UInt8], keyId: String) {
        self.ciphertextBlob = ciphertextBlob
        self.keyId = keyId
    }
}

/// The result of Decrypt. The plaintext is held in wiped memory.
public struct DecryptResult: Sendable {
    public var plaintext: SecureBytes
    public var keyId: String

    public init(plaintext: SecureBytes, keyId: String) {
        self.plaintext = plaintext
        self.keyId = keyId
    }
}

/// A data key: the plaintext (nil when generated without) and its sealed copy.
public struct DataKey: Sendable {
    public var plaintext: SecureBytes?
    public var ciphertextBlob: [UInt8]
    public var keyId: String

    public init(plaintext: SecureBytes?, ciphertextBlob: [UInt8], keyId: String) {
        self.plaintext = plaintext
        self.ciphertextBlob = ciphertextBlob
        self.keyId = keyId
    }
}

/// How to size a data key.
public enum DataKeySize: Sendable, Equatable {
    case aes256, aes128, bytes(Int)
}
