import Foundation
import KeyCrypto
import Logging

/// GenerateMac: the HMAC of a 1–4096-byte message under an HMAC key
/// (HMAC_224/256/384/512). The `MacAlgorithm` must be the key's.
public enum GenerateMac: Operation {
    public struct Input: OperationInput {
        public var message: Blob
        public var keyId: String
        public var macAlgorithm: String
        public var grantTokens: [String]?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable { case message, keyId, macAlgorithm, grantTokens, dryRun }
        public init(keyId: String, message: [UInt8], macAlgorithm: String) {
            self.keyId = keyId
            self.message = Blob(message)
            self.macAlgorithm = macAlgorithm
        }
    }

    public struct Output: Encodable, Sendable {
        public var mac: Blob
        public var macAlgorithm: String
        public var keyId: String
    }

    public static let action = Action.generateMac
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let (entry, algorithm, key) = try service.macRequest(
            keyId: input.keyId, message: input.message.bytes, algorithm: input.macAlgorithm, grantTokens: input.grantTokens,
            operation: "GenerateMac", note: context.note)
        let mac = try HMAC.authenticate(algorithm.digest, key: key, data: input.message.bytes)
        return Output(mac: Blob(mac), macAlgorithm: algorithm.rawValue, keyId: service.partition.keyArn(entry.record.id))
    }
}

/// VerifyMac: recomputes the HMAC and compares in constant time. A mismatch
/// is KMSInvalidMacException, never a 200 with `MacValid: false`.
public enum VerifyMac: Operation {
    public struct Input: OperationInput {
        public var message: Blob
        public var keyId: String
        public var macAlgorithm: String
        public var mac: Blob
        public var grantTokens: [String]?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable { case message, keyId, macAlgorithm, mac, grantTokens, dryRun }
        public init(keyId: String, message: [UInt8], macAlgorithm: String, mac: [UInt8]) {
            self.keyId = keyId
            self.message = Blob(message)
            self.macAlgorithm = macAlgorithm
            self.mac = Blob(mac)
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var macValid: Bool
        public var macAlgorithm: String
    }

    public static let action = Action.verifyMac
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        try Validate.signatureLength(input.mac.bytes, field: "Mac")
        let (entry, algorithm, key) = try service.macRequest(
            keyId: input.keyId, message: input.message.bytes, algorithm: input.macAlgorithm, grantTokens: input.grantTokens,
            operation: "VerifyMac", note: context.note)
        guard try HMAC.verify(algorithm.digest, key: key, data: input.message.bytes, mac: input.mac.bytes) else {
            throw KMSError(.kmsInvalidMac, "The MAC is not valid for this message, key and algorithm.")
        }
        return Output(keyId: service.partition.keyArn(entry.record.id), macValid: true, macAlgorithm: algorithm.rawValue)
    }
}

extension KeyService {
    /// The checks GenerateMac and VerifyMac share, then the key's material.
    func macRequest(keyId: String, message: [UInt8], algorithm name: String, grantTokens: [String]?,
                    operation: String, note: AuditNote) throws -> (KeyEntry, MacAlgorithm, SecureBytes) {
        try Validate.message(message)
        try validateGrantTokens(grantTokens)
        let entry = try usableKey(keyId, usage: .generateVerifyMac, operation: operation)
        let algorithm = try Validate.enumValue(name, MacAlgorithm.self, field: "macAlgorithm")
        guard entry.record.macAlgorithms.contains(algorithm) else {
            throw KMSError(.invalidKeyUsage, "The MAC algorithm \(algorithm.rawValue) is not valid for \(partition.keyArn(entry.record.id)).")
        }
        noteUse(entry, note)
        return (entry, algorithm, try material(of: entry, version: entry.record.latestVersion))
    }
}
