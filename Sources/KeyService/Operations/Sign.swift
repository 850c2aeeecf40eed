import Foundation
import KeyCrypto
import Logging

/// Sign: a signature with the private key of a SIGN_VERIFY key, which never
/// leaves the service. `MessageType` RAW (default) hashes the message (1–4096
/// bytes) with the algorithm's hash; DIGEST takes the hash itself, whose length
/// must match. ECDSA signatures are DER `ECDSA-Sig-Value`; RSA-PSS uses a salt
/// as long as the hash. Signatures verify with `openssl dgst -verify`.
public enum Sign: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var message: Blob
        public var messageType: String?
        public var signingAlgorithm: String
        public var grantTokens: [String]?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case keyId, message, messageType, signingAlgorithm, grantTokens, dryRun
        }
        public init(keyId: String, message: [UInt8], messageType: String? = nil, signingAlgorithm: String) {
            self.keyId = keyId
            self.message = Blob(message)
            self.messageType = messageType
            self.signingAlgorithm = signingAlgorithm
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var signature: Blob
        public var signingAlgorithm: String
    }

    public static let action = Action.sign
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let (entry, algorithm, type) = try service.signingRequest(
            keyId: input.keyId, message: input.message.bytes, messageType: input.messageType,
            algorithm: input.signingAlgorithm, grantTokens: input.grantTokens, operation: "Sign")
        service.noteUse(entry, context.note)
        let key = try service.keyPair(of: entry).privateKey
        let signature = switch type {
        case .raw: try key.sign(message: input.message.bytes, digest: algorithm.messageDigest, padding: algorithm.padding)
        case .digest: try key.sign(digest: input.message.bytes, algorithm: algorithm.digest, padding: algorithm.padding)
        }
        return Output(keyId: service.partition.keyArn(entry.record.id), signature: Blob(signature), signingAlgorithm: algorithm.rawValue)
    }
}

/// Verify: checks a signature with the key's public half. An invalid signature
/// is KMSInvalidSignatureException, never a 200 with `SignatureValid: false`.
public enum Verify: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var message: Blob
        public var messageType: String?
        public var signature: Blob
        public var signingAlgorithm: String
        public var grantTokens: [String]?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case keyId, message, messageType, signature, signingAlgorithm, grantTokens, dryRun
        }
        public init(keyId: String, message: [UInt8], messageType: String? = nil, signature: [UInt8], signingAlgorithm: String) {
            self.keyId = keyId
            self.message = Blob(message)
            self.messageType = messageType
            self.signature = Blob(signature)
            self.signingAlgorithm = signingAlgorithm
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var signatureValid: Bool
        public var signingAlgorithm: String
    }

    public static let action = Action.verify
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        try Validate.signatureLength(input.signature.bytes, field: "Signature")
        let (entry, algorithm, type) = try service.signingRequest(
            keyId: input.keyId, message: input.message.bytes, messageType: input.messageType,
            algorithm: input.signingAlgorithm, grantTokens: input.grantTokens, operation: "Verify")
        service.noteUse(entry, context.note)
        let key = try service.keyPair(of: entry).publicKey
        let valid = switch type {
        case .raw:
            try key.isValidSignature(input.signature.bytes, message: input.message.bytes, digest: algorithm.messageDigest, padding: algorithm.padding)
        case .digest:
            try key.isValidSignature(input.signature.bytes, digest: input.message.bytes, algorithm: algorithm.digest, padding: algorithm.padding)
        }
        guard valid else { throw KMSError(.kmsInvalidSignature, "The signature is not valid for this message, key and algorithm.") }
        return Output(keyId: service.partition.keyArn(entry.record.id), signatureValid: true, signingAlgorithm: algorithm.rawValue)
    }
}

extension KeyService {
    /// The checks Sign and Verify share, in order: message size, grant tokens, key
    /// usage and state, the algorithm against the key's, the message type.
    func signingRequest(keyId: String, message: [UInt8], messageType: String?, algorithm name: String,
                        grantTokens: [String]?, operation: String) throws(KMSError) -> (KeyEntry, SigningAlgorithm, MessageType) {
        try Validate.message(message)
        try validateGrantTokens(grantTokens)
        let entry = try usableKey(keyId, usage: .signVerify, operation: operation)
        let algorithm = try Validate.enumValue(name, SigningAlgorithm.self, field: "signingAlgorithm")
        guard entry.record.signingAlgorithms.contains(algorithm) else {
            throw KMSError(.invalidKeyUsage, "The signing algorithm \(algorithm.rawValue) is not valid for \(partition.keyArn(entry.record.id)).")
        }
        let type = try messageType.map { (raw) throws(KMSError) in try Validate.enumValue(raw, MessageType.self, field: "messageType") } ?? .raw
        if type == .digest {
            guard algorithm.acceptsDigest else {
                throw KMSError.validation("\(algorithm.rawValue) signs messages only: MessageType must be RAW.")
            }
            guard message.count == algorithm.digest.outputSize else {
                throw KMSError.validation("A DIGEST message for \(algorithm.rawValue) must be \(algorithm.digest.outputSize) bytes long.")
            }
        }
        return (entry, algorithm, type)
    }
}
