import Foundation
import KeyCrypto
import Logging

/// GetParametersForImport: a fresh RSA wrapping key pair for one import into an
/// EXTERNAL key, and a one-time import token naming it. Both are valid 24
/// hours. The private half is stored only wrapped under the root key and is
/// deleted when an import uses it (whatever the outcome) or when it expires.
public enum GetParametersForImport: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var wrappingAlgorithm: String
        public var wrappingKeySpec: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, wrappingAlgorithm, wrappingKeySpec }
        public init(keyId: String, wrappingAlgorithm: String, wrappingKeySpec: String) {
            self.keyId = keyId
            self.wrappingAlgorithm = wrappingAlgorithm
            self.wrappingKeySpec = wrappingKeySpec
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var importToken: Blob
        public var publicKey: Blob
        public var parametersValidTo: Date
    }

    public static let action = Action.getParametersForImport
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    /// How long parameters stay valid, and how many one key may have outstanding
    /// (asking for more drops the oldest).
    static let validity: Int64 = 24 * 3600
    static let maximumOutstanding = 10

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        if ["RSAES_PKCS1_V1_5", "SM2PKE"].contains(input.wrappingAlgorithm) {
            throw KMSError(.unsupportedOperation, "WrappingAlgorithm \(input.wrappingAlgorithm) is not supported by this service.")
        }
        let algorithm = try Validate.enumValue(input.wrappingAlgorithm, ImportWrappingAlgorithm.self, field: "wrappingAlgorithm")
        guard input.wrappingKeySpec != "SM2" else {
            throw KMSError(.unsupportedOperation, "WrappingKeySpec SM2 is not supported by this service.")
        }
        guard let spec = KeySpec(rawValue: input.wrappingKeySpec), spec.isRSA, case .rsa(let bits)? = spec.asymmetricType else {
            throw KMSError.validation("Value '\(sanitizedForMessage(input.wrappingKeySpec))' at 'wrappingKeySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096]")
        }
        let key = try service.resolve(input.keyId, accept: .keyOnly).record
        try service.importRefusal(key)

        // The key pair is made before the write: RSA-4096 generation takes a while.
        let wrappingKey = try AsymmetricPrivateKey.generate(.rsa(bits: bits))
        let token = ImportToken(id: try SecureRandom.bytes(ImportToken.idSize), expiresAt: service.now.adding(seconds: validity))
        let parameters = ImportParametersRecord(
            id: token.idHex, keyId: key.id, wrappingAlgorithm: algorithm, wrappingKeySpec: spec,
            wrappedPrivateKey: try service.keyring.wrapImportWrappingKey(wrappingKey.pkcs8Representation(), tokenId: token.idHex),
            createdAt: service.now, expiresAt: token.expiresAt)
        try await service.mutate { state, _ in
            guard let current = state.keys[key.id]?.record else { throw KMSError.notFound("Key '\(service.partition.keyArn(key.id))' does not exist") }
            try service.importRefusal(current)
            let outstanding = state.importParameters.values.filter { $0.keyId == key.id }.sorted { $0.createdAt < $1.createdAt }
            let dropped = outstanding.prefix(max(0, outstanding.count - maximumOutstanding + 1)).map { StoreChange.deleteImportParameters(id: $0.id) }
            return (dropped + [.putImportParameters(parameters)], ())
        }
        context.note.update { $0.keyId = key.id }
        return Output(
            keyId: service.partition.keyArn(key.id), importToken: Blob(try token.serialized(keyId: key.id, keyring: service.keyring)),
            publicKey: Blob(try wrappingKey.publicKeyDER()), parametersValidTo: token.expiresAt.date)
    }
}

extension KeyService {
    /// Why a key cannot take (or lose) imported material now: it is not EXTERNAL
    /// (UnsupportedOperation) or it is pending deletion (KMSInvalidState).
    func importRefusal(_ record: KeyRecord) throws(KMSError) {
        guard record.origin == .external else {
            throw KMSError(.unsupportedOperation, "\(partition.keyArn(record.id)) does not have an EXTERNAL origin.")
        }
        guard record.state != .pendingDeletion else {
            throw KMSError(.invalidState, "\(partition.keyArn(record.id)) is pending deletion.")
        }
    }
}
