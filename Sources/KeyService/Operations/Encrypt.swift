import Foundation
import KeyCrypto
import Logging

/// Encrypt: seals up to 4096 bytes under a key's newest version, bound to the
/// encryption context. Accepts all four identifier forms. RSA keys of usage
/// ENCRYPT_DECRYPT encrypt with RSA-OAEP instead (see `RSAEncryption.swift`).
public enum Encrypt: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var plaintext: SecretBlob
        public var encryptionContext: [String: String]?
        public var grantTokens: [String]?
        public var encryptionAlgorithm: String?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case keyId, plaintext, encryptionContext, grantTokens, encryptionAlgorithm, dryRun
        }
        public init(keyId: String, plaintext: SecretBlob, encryptionContext: [String: String]? = nil, encryptionAlgorithm: String? = nil) {
            self.keyId = keyId
            self.plaintext = plaintext
            self.encryptionContext = encryptionContext
            self.encryptionAlgorithm = encryptionAlgorithm
        }
    }

    public struct Output: Encodable, Sendable {
        public var ciphertextBlob: Blob
        public var keyId: String
        public var encryptionAlgorithm: String
    }

    public static let action = Action.encrypt
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.encryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard (1...Limits.maxPlaintext).contains(input.plaintext.bytes.count) else {
            throw KMSError.validation("Plaintext must be 1 to \(Limits.maxPlaintext) bytes long.")
        }
        try service.validateGrantTokens(input.grantTokens)
        let named = try service.resolve(input.keyId, accept: .keyOrAlias)
        if KeyService.isRSAEncryptionKey(named.record) {
            let algorithm = try service.rsaAlgorithm(input.encryptionAlgorithm, for: named.record)
            let ciphertext = try service.rsaEncrypt(
                named, plaintext: input.plaintext.bytes, algorithm: algorithm, context: input.encryptionContext, note: context.note)
            return Output(ciphertextBlob: Blob(ciphertext), keyId: service.partition.keyArn(named.record.id), encryptionAlgorithm: algorithm.rawValue)
        }
        let encryptionContext = EncryptionContext(input.encryptionContext ?? [:])
        try encryptionContext.validate()
        try Validate.symmetricAlgorithm(input.encryptionAlgorithm)
        let entry = try service.encryptionKey(input.keyId)
        let blob = try service.sealBlob(entry, plaintext: input.plaintext.bytes, context: encryptionContext, note: context.note)
        return Output(ciphertextBlob: Blob(blob), keyId: service.partition.keyArn(entry.record.id), encryptionAlgorithm: "SYMMETRIC_DEFAULT")
    }
}
