import Foundation
import KeyCrypto
import Logging

/// GenerateDataKeyPair: a fresh asymmetric key pair made outside any KMS key:
/// the public key (DER SubjectPublicKeyInfo), the private key in the clear
/// (DER PKCS#8) and the same private key sealed under a symmetric KMS key as
/// an ordinary ciphertext blob (Decrypt it with the same encryption context).
/// The service keeps no copy.
public enum GenerateDataKeyPair: Operation {
    public struct Input: OperationInput {
        public var encryptionContext: [String: String]?
        public var keyId: String
        public var keyPairSpec: String
        public var grantTokens: [String]?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable { case encryptionContext, keyId, keyPairSpec, grantTokens, dryRun }
        public init(keyId: String, keyPairSpec: String, encryptionContext: [String: String]? = nil) {
            self.keyId = keyId
            self.keyPairSpec = keyPairSpec
            self.encryptionContext = encryptionContext
        }
    }

    public struct Output: Encodable, Sendable {
        public var privateKeyCiphertextBlob: Blob
        public var privateKeyPlaintext: SecretBlob
        public var publicKey: Blob
        public var keyId: String
        public var keyPairSpec: String
    }

    public static let action = Action.generateDataKeyPair
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.encryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let pair = try service.generateDataKeyPair(input, note: context.note)
        return Output(
            privateKeyCiphertextBlob: Blob(pair.blob), privateKeyPlaintext: SecretBlob(pair.privateKey),
            publicKey: Blob(pair.publicKey), keyId: service.partition.keyArn(pair.entry.record.id), keyPairSpec: pair.spec.rawValue)
    }
}

/// GenerateDataKeyPairWithoutPlaintext: the same, without the private key in the clear.
public enum GenerateDataKeyPairWithoutPlaintext: Operation {
    public typealias Input = GenerateDataKeyPair.Input
    public struct Output: Encodable, Sendable {
        public var privateKeyCiphertextBlob: Blob
        public var publicKey: Blob
        public var keyId: String
        public var keyPairSpec: String
    }

    public static let action = Action.generateDataKeyPairWithoutPlaintext
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.encryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let pair = try service.generateDataKeyPair(input, note: context.note)
        return Output(
            privateKeyCiphertextBlob: Blob(pair.blob), publicKey: Blob(pair.publicKey),
            keyId: service.partition.keyArn(pair.entry.record.id), keyPairSpec: pair.spec.rawValue)
    }
}

extension KeyService {
    /// Validates a key-pair request (spec, context, grant tokens, a symmetric
    /// encryption key), then makes the pair and seals its private half.
    func generateDataKeyPair(_ input: GenerateDataKeyPair.Input, note: AuditNote) throws
        -> (entry: KeyEntry, spec: KeyPairSpec, privateKey: SecureBytes, publicKey: [UInt8], blob: [UInt8]) {
        guard let spec = KeyPairSpec(rawValue: input.keyPairSpec) else {
            if KeyPairSpec.knownUnsupported.contains(input.keyPairSpec) {
                throw KMSError(.unsupportedOperation, "KeyPairSpec \(input.keyPairSpec) is not supported by this service.")
            }
            _ = try Validate.enumValue(input.keyPairSpec, KeyPairSpec.self, field: "keyPairSpec")
            throw KMSError.internalFailure
        }
        let encryptionContext = EncryptionContext(input.encryptionContext ?? [:])
        try encryptionContext.validate()
        try validateGrantTokens(input.grantTokens)
        let entry = try encryptionKey(input.keyId)
        guard let type = spec.keySpec.asymmetricType else { throw KMSError.internalFailure }
        let key = try AsymmetricPrivateKey.generate(type)
        let privateKey = try key.pkcs8Representation()
        let blob = try sealBlob(entry, plaintext: privateKey, context: encryptionContext, note: note)
        return (entry, spec, privateKey, try key.publicKeyDER(), blob)
    }
}
