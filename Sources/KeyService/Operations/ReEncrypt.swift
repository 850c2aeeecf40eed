import Foundation
import KeyCrypto
import Logging

/// ReEncrypt: opens a blob and seals its plaintext under another key (or context)
/// inside the server; the plaintext never leaves. Needs ReEncryptFrom on the
/// source key and ReEncryptTo on the destination.
public enum ReEncrypt: Operation {
    public struct Input: OperationInput {
        public var ciphertextBlob: Blob
        public var sourceEncryptionContext: [String: String]?
        public var sourceKeyId: String?
        public var destinationKeyId: String
        public var destinationEncryptionContext: [String: String]?
        public var sourceEncryptionAlgorithm: String?
        public var destinationEncryptionAlgorithm: String?
        public var grantTokens: [String]?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case ciphertextBlob, sourceEncryptionContext, sourceKeyId, destinationKeyId, destinationEncryptionContext
            case sourceEncryptionAlgorithm, destinationEncryptionAlgorithm, grantTokens, dryRun
        }
        public init(ciphertextBlob: Blob, destinationKeyId: String, sourceEncryptionContext: [String: String]? = nil,
                    destinationEncryptionContext: [String: String]? = nil) {
            self.ciphertextBlob = ciphertextBlob
            self.destinationKeyId = destinationKeyId
            self.sourceEncryptionContext = sourceEncryptionContext
            self.destinationEncryptionContext = destinationEncryptionContext
        }
    }

    public struct Output: Encodable, Sendable {
        public var ciphertextBlob: Blob
        public var sourceKeyId: String
        public var keyId: String
        public var sourceEncryptionAlgorithm: String
        public var destinationEncryptionAlgorithm: String
    }

    public static let action = Action.reEncryptFrom
    public static func keyReference(_ input: Input) -> String? { KeyService.blobKeyId(input.ciphertextBlob) ?? input.sourceKeyId }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.sourceEncryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard (1...CiphertextBlob.maximumSize).contains(input.ciphertextBlob.bytes.count) else {
            throw KMSError.validation("CiphertextBlob must be 1 to \(CiphertextBlob.maximumSize) bytes long.")
        }
        let sourceContext = EncryptionContext(input.sourceEncryptionContext ?? [:])
        let destinationContext = EncryptionContext(input.destinationEncryptionContext ?? [:])
        try sourceContext.validate()
        try destinationContext.validate()
        for algorithm in [input.sourceEncryptionAlgorithm, input.destinationEncryptionAlgorithm] {
            if algorithm.flatMap(EncryptionAlgorithm.init(rawValue:))?.oaepDigest != nil {
                throw KMSError(.unsupportedOperation, "ReEncrypt with asymmetric KMS keys is not supported by this service.")
            }
        }
        try Validate.symmetricAlgorithm(input.sourceEncryptionAlgorithm)
        try Validate.symmetricAlgorithm(input.destinationEncryptionAlgorithm)
        try service.validateGrantTokens(input.grantTokens)
        // The second half of authorization, before any material is touched.
        try service.authorize(.reEncryptTo, keyReference: input.destinationKeyId, encryptionContext: input.destinationEncryptionContext, context: context)
        let destination = try service.encryptionKey(input.destinationKeyId)
        let (source, plaintext) = try service.openBlob(input.ciphertextBlob.bytes, context: sourceContext, expectedKey: input.sourceKeyId, note: context.note)
        let blob = try service.sealBlob(destination, plaintext: plaintext, context: destinationContext)
        return Output(
            ciphertextBlob: Blob(blob), sourceKeyId: service.partition.keyArn(source.record.id),
            keyId: service.partition.keyArn(destination.record.id),
            sourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT", destinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT")
    }
}
