import Foundation
import KeyCrypto
import Logging

/// Decrypt: opens a ciphertext blob with the exact encryption context it was
/// sealed with. The blob names its key; a `keyId`, if given, must name the same key.
public enum Decrypt: Operation {
    public struct Input: OperationInput {
        public var ciphertextBlob: Blob?
        public var encryptionContext: [String: String]?
        public var grantTokens: [String]?
        public var keyId: String?
        public var encryptionAlgorithm: String?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case ciphertextBlob, encryptionContext, grantTokens, keyId, encryptionAlgorithm, dryRun
        }
        public init(ciphertextBlob: Blob, encryptionContext: [String: String]? = nil, keyId: String? = nil) {
            self.ciphertextBlob = ciphertextBlob
            self.encryptionContext = encryptionContext
            self.keyId = keyId
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var plaintext: SecretBlob
        public var encryptionAlgorithm: String
    }

    public static let action = Action.decrypt
    public static func keyReference(_ input: Input) -> String? { KeyService.blobKeyId(input.ciphertextBlob) ?? input.keyId }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.encryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard let blob = input.ciphertextBlob else { throw KMSError.validation("CiphertextBlob is required.") }
        guard (1...CiphertextBlob.maximumSize).contains(blob.bytes.count) else {
            throw KMSError.validation("CiphertextBlob must be 1 to \(CiphertextBlob.maximumSize) bytes long.")
        }
        let encryptionContext = EncryptionContext(input.encryptionContext ?? [:])
        try encryptionContext.validate()
        try Validate.symmetricAlgorithm(input.encryptionAlgorithm)
        try service.validateGrantTokens(input.grantTokens)
        let (entry, plaintext) = try service.openBlob(blob.bytes, context: encryptionContext, expectedKey: input.keyId, note: context.note)
        return Output(keyId: service.partition.keyArn(entry.record.id), plaintext: SecretBlob(plaintext), encryptionAlgorithm: "SYMMETRIC_DEFAULT")
    }
}
