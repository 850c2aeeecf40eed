import Foundation
import KeyCrypto
import Logging

/// DeleteImportedKeyMaterial: deletes an EXTERNAL key's material now. The key
/// goes to PendingImport and its expiration settings are cleared; on a key
/// already without material it does nothing. Ciphertexts made under the key
/// decrypt again once the same material is imported again (the key stays bound
/// to that material for life).
public enum DeleteImportedKeyMaterial: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId }
        public init(keyId: String) { self.keyId = keyId }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        /// The material that was deleted (absent when there was none).
        public var keyMaterialId: String?
    }

    public static let action = Action.deleteImportedKeyMaterial
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let key = try service.resolve(input.keyId, accept: .keyOnly).record
        try service.importRefusal(key)
        context.note.update { $0.keyId = key.id }
        let deleted = try await service.deleteImportedMaterial(key.id)
        if deleted != nil {
            context.logger.notice("imported key material deleted", metadata: ["keyId": "\(key.id)"])
        }
        return Output(
            keyId: service.partition.keyArn(key.id),
            keyMaterialId: deleted?.materialFingerprint.map(ImportKeyMaterial.materialId))
    }
}
