import Foundation
import KeyCrypto

/// Key usage and algorithm checks shared by the asymmetric and HMAC operations:
/// the usage comes first (InvalidKeyUsage), then the key's state, then the
/// algorithm against the ones the key offers.
extension KeyService {
    /// A key (any identifier form) of `usage` that may be used now.
    func usableKey(_ raw: String, usage: KeyUsage, operation: String) throws(KMSError) -> KeyEntry {
        let entry = try resolve(raw, accept: .keyOrAlias)
        guard entry.record.usage == usage else {
            throw KMSError(.invalidKeyUsage, "\(partition.keyArn(entry.record.id)) key usage is \(entry.record.usage.rawValue) which is not valid for \(operation).")
        }
        if let error = stateError(entry.record) { throw error }
        return entry
    }

    /// Notes the key and version a request used, for its audit record.
    func noteUse(_ entry: KeyEntry, _ note: AuditNote) {
        note.update {
            $0.keyId = entry.record.id
            $0.keyVersion = entry.record.latestVersion
        }
    }
}

extension Validate {
    /// A named enum value from the request, or the AWS-style ValidationException naming the allowed set.
    static func enumValue<T: RawRepresentable & CaseIterable>(_ raw: String?, _ type: T.Type, field: String) throws(KMSError) -> T
    where T.RawValue == String {
        guard let raw else { throw KMSError.validation("\(field) is required.") }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw KMSError.validation("Value '\(sanitizedForMessage(raw))' at '\(field)' failed to satisfy constraint: Member must satisfy enum value set: [\(allowed)]")
        }
        return value
    }

    /// Sign, Verify, GenerateMac and VerifyMac messages: 1–4096 bytes.
    static func message(_ bytes: [UInt8]) throws(KMSError) {
        guard (1...Limits.maxPlaintext).contains(bytes.count) else {
            throw KMSError.validation("Message must be 1 to \(Limits.maxPlaintext) bytes long.")
        }
    }

    /// Signatures and MACs to verify: 1–6144 bytes.
    static func signatureLength(_ bytes: [UInt8], field: String) throws(KMSError) {
        guard (1...CiphertextBlob.maximumSize).contains(bytes.count) else {
            throw KMSError.validation("\(field) must be 1 to \(CiphertextBlob.maximumSize) bytes long.")
        }
    }

    /// Asymmetric and HMAC keys take no encryption context (AWS: ValidationException).
    static func noEncryptionContext(_ context: [String: String]?) throws(KMSError) {
        guard (context ?? [:]).isEmpty else {
            throw KMSError.validation("EncryptionContext is not supported with asymmetric or HMAC KMS keys.")
        }
    }
}
