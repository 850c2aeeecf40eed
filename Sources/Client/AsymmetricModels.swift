import Foundation
import KeyCrypto

/// What GetParametersForImport hands out: a one-time RSA wrapping key and token.
public struct ImportParameters: Sendable, Equatable {
    public var keyId: String
    public var importToken: [UInt8]
    /// DER SubjectPublicKeyInfo of the RSA wrapping key.
    public var publicKey: [UInt8]
    public var parametersValidTo: String
}

/// A key's public half and what it may be used for.
public struct PublicKeyInfo: Sendable, Equatable {
    public var keyId: String
    /// DER SubjectPublicKeyInfo.
    public var publicKey: [UInt8]
    public var keySpec: String
    public var keyUsage: String
    public var signingAlgorithms: [String]
    public var encryptionAlgorithms: [String]
}

/// A signature and how it was made.
public struct SignResult: Sendable, Equatable {
    public var keyId: String
    public var signature: [UInt8]
    public var signingAlgorithm: String
}

/// A data key pair: the public key, the private key sealed under a KMS key, and
/// (unless generated without) the private key in the clear, all DER.
public struct DataKeyPair: Sendable {
    public var keyId: String
    public var keyPairSpec: String
    public var publicKey: [UInt8]
    public var privateKeyCiphertextBlob: [UInt8]
    public var privateKeyPlaintext: SecureBytes?
}

/// How a message is given to Sign and Verify.
public enum MessageKind: String, Sendable {
    /// The message itself (at most 4096 bytes); the service hashes it.
    case raw = "RAW"
    /// The message's hash, made with the signing algorithm's hash function.
    case digest = "DIGEST"
}
