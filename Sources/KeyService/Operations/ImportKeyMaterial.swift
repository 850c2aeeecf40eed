import Foundation
import KeyCrypto
import Logging

/// ImportKeyMaterial: unwraps material sent under the parameters of an import
/// token and makes it the key's; the key becomes Enabled (from PendingImport).
///
/// Checks, in order: sizes and the expiration fields (ValidationException); the
/// key is EXTERNAL and not pending deletion; the token is authentic and for
/// this key (InvalidImportToken), not expired (ExpiredImportToken) and unused.
/// The token is then spent, whatever follows: a wrapping key decrypts at most
/// one ciphertext, so it cannot serve as a padding oracle. Then the material
/// unwraps (InvalidCiphertext) and fits the key spec (IncorrectKeyMaterial), and
/// a key that ever had material takes only the same bytes again
/// (IncorrectKeyMaterial, by keyed fingerprint compared in constant time).
public enum ImportKeyMaterial: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var importToken: Blob
        public var encryptedKeyMaterial: Blob
        public var validTo: WireDate?
        public var expirationModel: String?
        public var importType: String?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case keyId, importToken, encryptedKeyMaterial, validTo, expirationModel, importType
        }
        public init(keyId: String, importToken: [UInt8], encryptedKeyMaterial: [UInt8], expirationModel: String? = nil, validTo: Timestamp? = nil) {
            self.keyId = keyId
            self.importToken = Blob(importToken)
            self.encryptedKeyMaterial = Blob(encryptedKeyMaterial)
            self.expirationModel = expirationModel
            self.validTo = validTo.map(WireDate.init)
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var keyMaterialId: String
    }

    public static let action = Action.importKeyMaterial
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    static let maximumValidity = 365

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        for (field, blob) in [("ImportToken", input.importToken), ("EncryptedKeyMaterial", input.encryptedKeyMaterial)] {
            guard (1...CiphertextBlob.maximumSize).contains(blob.bytes.count) else {
                throw KMSError.validation("\(field) must be 1 to \(CiphertextBlob.maximumSize) bytes long.")
            }
        }
        let now = service.now
        let model = try input.expirationModel.map { (raw) throws(KMSError) in
            try Validate.enumValue(raw, ExpirationModel.self, field: "expirationModel")
        } ?? .keyMaterialExpires
        let validTo = try expiry(model: model, validTo: input.validTo?.timestamp, now: now)
        guard input.importType == nil || ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"].contains(input.importType!) else {
            throw KMSError.validation("ImportType must be NEW_KEY_MATERIAL or EXISTING_KEY_MATERIAL.")
        }
        let key = try service.resolve(input.keyId, accept: .keyOnly).record
        try service.importRefusal(key)
        if input.importType == "NEW_KEY_MATERIAL", key.materialFingerprint != nil {
            throw KMSError(.unsupportedOperation, "New key material for an existing imported key (rotation) is not supported by this service.")
        }
        let token = try ImportToken.parse(input.importToken.bytes, keyId: key.id, keyring: service.keyring)
        guard now < token.expiresAt else { throw KMSError(.expiredImportToken, "The import token has expired.") }
        context.note.update { $0.keyId = key.id }

        let parameters = try await service.spendImportParameters(token.idHex, keyId: key.id)
        let material = try service.unwrapImport(input.encryptedKeyMaterial.bytes, parameters: parameters, spec: key.spec)
        let fingerprint = try service.keyring.materialFingerprint(material, keyId: key.id)
        let record = try await service.mutate { state, now in
            guard let entry = state.keys[key.id] else { throw KMSError.notFound("Key '\(service.partition.keyArn(key.id))' does not exist") }
            var record = entry.record
            try service.importRefusal(record)
            if let existing = record.materialFingerprint, !constantTimeEquals(existing, fingerprint) {
                throw KMSError(.incorrectKeyMaterial, "The key material is not the material previously imported into this key.")
            }
            record.materialFingerprint = fingerprint
            record.expirationModel = model
            record.validTo = validTo
            if record.state == .pendingImport { record.state = .enabled }
            var changes: [StoreChange] = [.putKey(record)]
            if entry.versions.isEmpty {
                changes.append(.addVersion(try service.wrapVersion(material, keyId: record.id, version: record.latestVersion, type: .initial, at: now)))
            }
            return (changes, record)
        }
        context.note.update { $0.keyVersion = record.latestVersion }
        context.logger.notice("key material imported", metadata: ["keyId": "\(record.id)"])
        return Output(keyId: service.partition.keyArn(record.id), keyMaterialId: materialId(fingerprint))
    }

    /// `ValidTo` is required with KEY_MATERIAL_EXPIRES (in the future, at most 365
    /// days ahead) and forbidden with KEY_MATERIAL_DOES_NOT_EXPIRE.
    static func expiry(model: ExpirationModel, validTo: Timestamp?, now: Timestamp) throws(KMSError) -> Timestamp? {
        switch model {
        case .keyMaterialDoesNotExpire:
            guard validTo == nil else { throw KMSError.validation("ValidTo must not be set with KEY_MATERIAL_DOES_NOT_EXPIRE.") }
            return nil
        case .keyMaterialExpires:
            guard let validTo else { throw KMSError.validation("ValidTo is required with KEY_MATERIAL_EXPIRES.") }
            guard validTo > now, validTo <= now.adding(days: maximumValidity) else {
                throw KMSError.validation("ValidTo must be in the future and at most \(maximumValidity) days ahead.")
            }
            return validTo
        }
    }

    /// The AWS-style `KeyMaterialId` (64 hex): a one-way function of the fingerprint.
    static func materialId(_ fingerprint: [UInt8]) -> String {
        Hex.encode((try? Digest.hash(.sha256, Array("kms/v1/key-material-id|".utf8) + fingerprint)) ?? [])
    }
}
