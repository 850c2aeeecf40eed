import Foundation
import KeyCrypto

/// Encrypt and Decrypt with RSA keys of usage ENCRYPT_DECRYPT: RSA-OAEP with
/// SHA-1 or SHA-256 (`RSAES_OAEP_SHA_1`/`_256`), no encryption context, the
/// plaintext limits of AWS (k − 2·hLen − 2 bytes), and a raw RSA block as the
/// ciphertext, which names no key: Decrypt needs the KeyId and the algorithm.
extension KeyService {
    /// Whether `record` is an RSA key that encrypts.
    static func isRSAEncryptionKey(_ record: KeyRecord) -> Bool {
        record.spec.isRSA && record.usage == .encryptDecrypt
    }

    /// The RSA algorithm a request names for an RSA encryption key (required; SYMMETRIC_DEFAULT is wrong usage).
    func rsaAlgorithm(_ raw: String?, for record: KeyRecord) throws(KMSError) -> EncryptionAlgorithm {
        guard let raw else {
            throw KMSError.validation("EncryptionAlgorithm is required with an asymmetric KMS key.")
        }
        let algorithm = try Validate.enumValue(raw, EncryptionAlgorithm.self, field: "encryptionAlgorithm")
        guard record.encryptionAlgorithms.contains(algorithm), algorithm.oaepDigest != nil else {
            throw KMSError(.invalidKeyUsage, "The encryption algorithm \(algorithm.rawValue) is not valid for \(partition.keyArn(record.id)).")
        }
        return algorithm
    }

    /// RSA-OAEP encryption under an RSA key's public half.
    func rsaEncrypt(_ entry: KeyEntry, plaintext: SecureBytes, algorithm: EncryptionAlgorithm,
                    context: [String: String]?, note: AuditNote) throws -> [UInt8] {
        try Validate.noEncryptionContext(context)
        if let error = stateError(entry.record) { throw error }
        guard let digest = algorithm.oaepDigest, let modulus = entry.record.spec.rsaModulusBytes else { throw KMSError.internalFailure }
        let limit = RSAOAEP.maximumPlaintextSize(modulusBytes: modulus, digest: digest)
        guard plaintext.count <= limit else {
            throw KMSError.validation("Plaintext must be at most \(limit) bytes long for \(entry.record.spec.rawValue) with \(algorithm.rawValue).")
        }
        noteUse(entry, note)
        return try keyPair(of: entry).publicKey.encryptOAEP(plaintext, digest: digest)
    }

    /// RSA-OAEP decryption with an RSA key's private half. Any failure is InvalidCiphertext.
    func rsaDecrypt(_ entry: KeyEntry, ciphertext: [UInt8], algorithm: EncryptionAlgorithm,
                    context: [String: String]?, note: AuditNote) throws -> SecureBytes {
        try Validate.noEncryptionContext(context)
        if let error = stateError(entry.record) { throw error }
        guard let digest = algorithm.oaepDigest else { throw KMSError.internalFailure }
        noteUse(entry, note)
        let invalid = KMSError(.invalidCiphertext, "The ciphertext is invalid, or was not made for this request.")
        guard ciphertext.count == entry.record.spec.rsaModulusBytes else { throw invalid }
        do {
            return try keyPair(of: entry).privateKey.decryptOAEP(ciphertext, digest: digest)
        } catch let error as KMSError {
            throw error
        } catch {
            throw invalid
        }
    }
}
