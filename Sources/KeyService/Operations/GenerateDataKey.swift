import Foundation
import KeyCrypto
import Logging


/// GenerateDataKey: a fresh data key for envelope encryption, returned in the
/// clear and sealed under a KMS key. The service keeps no copy.
public enum GenerateDataKey: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var keySpec: String?
        public var numberOfBytes: Int?
        public var encryptionContext: [String: String]?
        public var grantTokens: [String]?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case keyId, keySpec, numberOfBytes, encryptionContext, grantTokens, dryRun
        }
        public init(keyId: String, keySpec: String? = nil, numberOfBytes: Int? = nil, encryptionContext: [String: String]? = nil) {
            self.keyId = keyId
            self.keySpec = keySpec
            self.numberOfBytes = numberOfBytes
            self.encryptionContext = encryptionContext
        }
    }

    public struct Output: Encodable, Sendable {
        public var ciphertextBlob: Blob
        public var plaintext: SecretBlob
        public var keyId: String
    }

    public static let action = Action.generateDataKey
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.encryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let (entry, dataKey, blob) = try service.generateDataKey(input, note: context.note)
        return Output(ciphertextBlob: Blob(blob), plaintext: SecretBlob(dataKey), keyId: service.partition.keyArn(entry.record.id))
    }
}

/// GenerateDataKeyWithoutPlaintext: the same, but only the sealed copy is returned.
public enum GenerateDataKeyWithoutPlaintext: Operation {
    public typealias Input = GenerateDataKey.Input
    public struct Output: Encodable, Sendable {
        public var ciphertextBlob: Blob
        public var keyId: String
    }

    public static let action = Action.generateDataKeyWithoutPlaintext
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func encryptionContext(_ input: Input) -> [String: String]? { input.encryptionContext ?? [:] }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let (entry, _, blob) = try service.generateDataKey(input, note: context.note)
        return Output(ciphertextBlob: Blob(blob), keyId: service.partition.keyArn(entry.record.id))
    }
}

extension KeyService {
    /// Validates a data-key request and makes the key: `KeySpec` (AES_256, AES_128)
    /// or `NumberOfBytes` (1–1024), exactly one of them.
    func generateDataKey(_ input: GenerateDataKey.Input, note: AuditNote? = nil) throws -> (KeyEntry, SecureBytes, [UInt8]) {
        let size: Int
        switch (input.keySpec, input.numberOfBytes) {
        case (nil, nil):
            throw KMSError.validation("Either KeySpec or NumberOfBytes is required.")
        case (.some, .some):
            throw KMSError.validation("KeySpec and NumberOfBytes must not both be given.")
        case (.some(let spec), nil):
            switch spec {
            case "AES_256": size = 32
            case "AES_128": size = 16
            default:
                throw KMSError.validation("Value '\(sanitizedForMessage(spec))' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
            }
        case (nil, .some(let count)):
            guard (1...Limits.maxDataKeyBytes).contains(count) else {
                throw KMSError.validation("NumberOfBytes must be between 1 and \(Limits.maxDataKeyBytes).")
            }
            size = count
        }
        let encryptionContext = EncryptionContext(input.encryptionContext ?? [:])
        try encryptionContext.validate()
        try validateGrantTokens(input.grantTokens)
        let entry = try encryptionKey(input.keyId)
        let dataKey = try SecureBytes.random(count: size)
        let blob = try sealBlob(entry, plaintext: dataKey, context: encryptionContext, note: note)
        return (entry, dataKey, blob)
    }
}
