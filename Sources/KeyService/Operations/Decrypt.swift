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
        public init(ciphertextBlob: Blob, encryptionContext: [String: String]? = nil, keyId: String? = nil, encryptionAlgorithm: String? = nil) {
            self.ciphertextBlob = ciphertextBlob
            self.encryptionContext = encryptionContext
            self.keyId = keyId
            self.encryptionAlgorithm = encryptionAlgorithm
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var plaintext: SecretBlob
        public var encryptionAlgorithm: String
    }

    public static let action = Action.decrypt
    /// The blob names its key, except an RSA ciphertext (a raw RSA block), which only the KeyId names.
    public static func keyReference(_ input: Input) -> String? {
        isRSA(input) ? input.keyId : KeyService.blobKeyId(input.ciphertextBlob) ?? input.keyId
    }

    static func isRSA(_ input: Input) -> Bool {
        input.encryptionAlgorithm.flatMap(EncryptionAlgorithm.init(rawValue:))?.oaepDigest != nil
    }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.encryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard let blob = input.ciphertextBlob else { throw KMSError.validation("CiphertextBlob is required.") }
        guard (1...CiphertextBlob.maximumSize).contains(blob.bytes.count) else {
            throw KMSError.validation("CiphertextBlob must be 1 to \(CiphertextBlob.maximumSize) bytes long.")
        }
        try service.validateGrantTokens(input.grantTokens)
        if isRSA(input) {
            guard let keyId = input.keyId else {
                throw KMSError.validation("KeyId is required to decrypt with an asymmetric KMS key.")
            }
            let entry = try service.resolve(keyId, accept: .keyOrAlias)
            guard KeyService.isRSAEncryptionKey(entry.record) else {
                throw KMSError(.invalidKeyUsage, "\(service.partition.keyArn(entry.record.id)) cannot decrypt with \(input.encryptionAlgorithm ?? "").")
            }
            let algorithm = try service.rsaAlgorithm(input.encryptionAlgorithm, for: entry.record)
            let plaintext = try service.rsaDecrypt(
                entry, ciphertext: blob.bytes, algorithm: algorithm, context: input.encryptionContext, note: context.note)
            return Output(keyId: service.partition.keyArn(entry.record.id), plaintext: SecretBlob(plaintext), encryptionAlgorithm: algorithm.rawValue)
        }
        if let keyId = input.keyId, let named = try? service.resolve(keyId, accept: .keyOrAlias),
           KeyService.isRSAEncryptionKey(named.record) {
            throw KMSError(.invalidKeyUsage, "EncryptionAlgorithm RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256 is required to decrypt with this key.")
        }
        let encryptionContext = EncryptionContext(input.encryptionContext ?? [:])
        try encryptionContext.validate()
        try Validate.symmetricAlgorithm(input.encryptionAlgorithm)
        let (entry, plaintext) = try service.openBlob(blob.bytes, context: encryptionContext, expectedKey: input.keyId, note: context.note)
        return Output(keyId: service.partition.keyArn(entry.record.id), plaintext: SecretBlob(plaintext), encryptionAlgorithm: "SYMMETRIC_DEFAULT")
    }
}
