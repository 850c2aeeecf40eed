import Foundation
import KeyCrypto
import Logging

/// GetPublicKey: the public half of an asymmetric key as DER
/// SubjectPublicKeyInfo, with what the key may be used for, so a caller can
/// verify or encrypt without the service. Symmetric and HMAC keys have none
/// (UnsupportedOperation).
public enum GetPublicKey: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var grantTokens: [String]?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, grantTokens }
        public init(keyId: String) { self.keyId = keyId }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var publicKey: Blob
        public var customerMasterKeySpec: String
        public var keySpec: String
        public var keyUsage: String
        public var encryptionAlgorithms: [String]?
        public var signingAlgorithms: [String]?
    }

    public static let action = Action.getPublicKey
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        try service.validateGrantTokens(input.grantTokens)
        let entry = try service.resolve(input.keyId, accept: .keyOrAlias)
        let record = entry.record
        guard record.spec.isAsymmetric else {
            throw KMSError(.unsupportedOperation, "\(service.partition.keyArn(record.id)) is not an asymmetric key and has no public key.")
        }
        if let error = service.stateError(record) { throw error }
        service.noteUse(entry, context.note)
        let pair = try service.keyPair(of: entry)
        return Output(
            keyId: service.partition.keyArn(record.id), publicKey: Blob(pair.publicKeyDER),
            customerMasterKeySpec: record.spec.rawValue, keySpec: record.spec.rawValue, keyUsage: record.usage.rawValue,
            encryptionAlgorithms: record.encryptionAlgorithms.isEmpty ? nil : record.encryptionAlgorithms.map(\.rawValue),
            signingAlgorithms: record.signingAlgorithms.isEmpty ? nil : record.signingAlgorithms.map(\.rawValue))
    }
}
