import Foundation
import KeyCrypto
import NIOHTTP1

private struct ImportParametersBody: Decodable {
    var keyId: String
    var importToken: String
    var publicKey: String
    var parametersValidTo: String
}
private struct PublicKeyBody: Decodable {
    var keyId: String
    var publicKey: String
    var keySpec: String
    var keyUsage: String
    var signingAlgorithms: [String]?
    var encryptionAlgorithms: [String]?
}
private struct SignBody: Decodable { var keyId: String; var signature: String; var signingAlgorithm: String }
private struct MacBody: Decodable { var mac: String; var keyId: String }
private struct KeyPairBody: Decodable {
    var keyId: String
    var keyPairSpec: String
    var publicKey: String
    var privateKeyCiphertextBlob: String
    var privateKeyPlaintext: String?
}
private struct IdBody: Decodable { var keyId: String }

/// Imported key material, signatures, public keys, MACs and data key pairs.
extension KeyServiceClient {
    // MARK: Importing key material

    public func getParametersForImport(keyId: String, wrappingAlgorithm: ImportWrappingAlgorithm,
                                       wrappingKeySpec: String = "RSA_4096") async throws -> ImportParameters {
        let body: [String: Any] = ["wrappingAlgorithm": wrappingAlgorithm.rawValue, "wrappingKeySpec": wrappingKeySpec]
        let result = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/import-parameters", body: body, as: ImportParametersBody.self)
        return ImportParameters(
            keyId: result.keyId, importToken: try Self.decodeBlob(result.importToken), publicKey: try Self.decodeBlob(result.publicKey),
            parametersValidTo: result.parametersValidTo)
    }

    /// Imports material already wrapped under the parameters of `importToken`.
    /// `validTo` nil means the material does not expire.
    public func importKeyMaterial(keyId: String, importToken: [UInt8], encryptedKeyMaterial: [UInt8], validTo: Date?) async throws {
        var body: [String: Any] = [
            "importToken": Base64.encode(importToken), "encryptedKeyMaterial": Base64.encode(encryptedKeyMaterial),
        ]
        if let validTo {
            body["expirationModel"] = "KEY_MATERIAL_EXPIRES"
            body["validTo"] = validTo.timeIntervalSince1970
        } else {
            body["expirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
        }
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/import", body: body, as: IdBody.self)
    }

    /// The whole import: fetch parameters, wrap `material` locally with the
    /// returned public key, import. The material never leaves this process unwrapped.
    public func importKeyMaterial(keyId: String, material: SecureBytes, validTo: Date?,
                                  algorithm: ImportWrappingAlgorithm = .rsaAesKeyWrapSha256,
                                  wrappingKeySpec: String = "RSA_4096") async throws {
        let parameters = try await getParametersForImport(keyId: keyId, wrappingAlgorithm: algorithm, wrappingKeySpec: wrappingKeySpec)
        let publicKey = try AsymmetricPublicKey(spki: parameters.publicKey)
        let wrapped = try KeyMaterialWrapping.wrap(material, publicKey: publicKey, algorithm: algorithm)
        try await importKeyMaterial(keyId: keyId, importToken: parameters.importToken, encryptedKeyMaterial: wrapped, validTo: validTo)
    }

    public func deleteImportedKeyMaterial(keyId: String) async throws {
        _ = try await send(.DELETE, "/v1/keys/\(Self.segment(keyId))/material", as: IdBody.self)
    }

    // MARK: Asymmetric keys

    public func getPublicKey(keyId: String) async throws -> PublicKeyInfo {
        let result = try await send(.GET, "/v1/keys/\(Self.segment(keyId))/public-key", as: PublicKeyBody.self)
        return PublicKeyInfo(
            keyId: result.keyId, publicKey: try Self.decodeBlob(result.publicKey), keySpec: result.keySpec, keyUsage: result.keyUsage,
            signingAlgorithms: result.signingAlgorithms ?? [], encryptionAlgorithms: result.encryptionAlgorithms ?? [])
    }

    public func sign(keyId: String, message: [UInt8], kind: MessageKind = .raw, algorithm: String) async throws -> SignResult {
        let body: [String: Any] = [
            "keyId": keyId, "message": Base64.encode(message), "messageType": kind.rawValue, "signingAlgorithm": algorithm,
        ]
        let result = try await send(.POST, "/v1/sign", body: body, as: SignBody.self)
        return SignResult(keyId: result.keyId, signature: try Self.decodeBlob(result.signature), signingAlgorithm: result.signingAlgorithm)
    }

    /// Whether the service finds `signature` valid; false for KMSInvalidSignature, other errors throw.
    public func verify(keyId: String, message: [UInt8], kind: MessageKind = .raw, signature: [UInt8], algorithm: String) async throws -> Bool {
        let body: [String: Any] = [
            "keyId": keyId, "message": Base64.encode(message), "messageType": kind.rawValue,
            "signature": Base64.encode(signature), "signingAlgorithm": algorithm,
        ]
        do {
            _ = try await send(.POST, "/v1/verify", body: body, as: IdBody.self)
            return true
        } catch let error as ClientError where error.code == "KMSInvalidSignature" {
            return false
        }
    }

    // MARK: HMAC keys

    public func generateMac(keyId: String, message: [UInt8], algorithm: String) async throws -> [UInt8] {
        let body: [String: Any] = ["keyId": keyId, "message": Base64.encode(message), "macAlgorithm": algorithm]
        return try Self.decodeBlob(try await send(.POST, "/v1/mac", body: body, as: MacBody.self).mac)
    }

    /// Whether the service finds `mac` valid; false for KMSInvalidMac, other errors throw.
    public func verifyMac(keyId: String, message: [UInt8], mac: [UInt8], algorithm: String) async throws -> Bool {
        let body: [String: Any] = ["keyId": keyId, "message": Base64.encode(message), "macAlgorithm": algorithm, "mac": Base64.encode(mac)]
        do {
            _ = try await send(.POST, "/v1/mac/verify", body: body, as: IdBody.self)
            return true
        } catch let error as ClientError where error.code == "KMSInvalidMac" {
            return false
        }
    }

    // MARK: Data key pairs

    public func generateDataKeyPair(keyId: String, keyPairSpec: String, context: [String: String] = [:],
                                    withPlaintext: Bool = true) async throws -> DataKeyPair {
        var body: [String: Any] = ["keyId": keyId, "keyPairSpec": keyPairSpec]
        if !context.isEmpty { body["encryptionContext"] = context }
        let result = try await send(.POST, withPlaintext ? "/v1/datakey-pair" : "/v1/datakey-pair/without-plaintext",
                                    body: body, as: KeyPairBody.self)
        return DataKeyPair(
            keyId: result.keyId, keyPairSpec: result.keyPairSpec, publicKey: try Self.decodeBlob(result.publicKey),
            privateKeyCiphertextBlob: try Self.decodeBlob(result.privateKeyCiphertextBlob),
            privateKeyPlaintext: try result.privateKeyPlaintext.map(Self.decodeSecret))
    }
}
