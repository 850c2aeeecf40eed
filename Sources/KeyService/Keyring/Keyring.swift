import KeyCrypto

/// Wraps and unwraps secrets under subkeys of the root key.
///
/// The root key is never used directly: HKDF-SHA256 derives one subkey per
/// purpose (key material, credentials, audit signing, import wrapping keys,
/// import tokens, material fingerprints), so a ciphertext or MAC of one kind
/// can never be taken for another. Every wrap binds the owner's identity as AAD.
public struct Keyring: Sendable {
    private let materialKey: SecureBytes
    private let credentialKey: SecureBytes
    private let auditKey: SecureBytes
    private let importWrappingKey: SecureBytes
    private let importTokenKey: SecureBytes
    private let fingerprintKey: SecureBytes

    public init(rootKey: SecureBytes) throws {
        materialKey = try HKDF.deriveKey(.sha256, inputKey: rootKey, info: Array("kms/v1/key-material".utf8), outputLength: 32)
        credentialKey = try HKDF.deriveKey(.sha256, inputKey: rootKey, info: Array("kms/v1/credentials".utf8), outputLength: 32)
        auditKey = try HKDF.deriveKey(.sha256, inputKey: rootKey, info: Array("kms/v1/audit-signing".utf8), outputLength: 32)
        importWrappingKey = try HKDF.deriveKey(.sha256, inputKey: rootKey, info: Array("kms/v1/import-wrapping-key".utf8), outputLength: 32)
        importTokenKey = try HKDF.deriveKey(.sha256, inputKey: rootKey, info: Array("kms/v1/import-token".utf8), outputLength: 32)
        fingerprintKey = try HKDF.deriveKey(.sha256, inputKey: rootKey, info: Array("kms/v1/material-fingerprint".utf8), outputLength: 32)
    }

    static func materialAAD(keyId: String, version: Int) -> [UInt8] {
        Array("kms/v1/key-material|\(keyId)|\(version)".utf8)
    }

    static func credentialAAD(accessKeyId: String) -> [UInt8] {
        Array("kms/v1/credentials|\(accessKeyId)".utf8)
    }

    public func wrapMaterial(_ material: SecureBytes, keyId: String, version: Int) throws -> [UInt8] {
        try wrap(material, key: materialKey, aad: Self.materialAAD(keyId: keyId, version: version))
    }

    public func unwrapMaterial(_ wrapped: [UInt8], keyId: String, version: Int) throws -> SecureBytes {
        try unwrap(wrapped, key: materialKey, aad: Self.materialAAD(keyId: keyId, version: version))
    }

    public func wrapSecret(_ secret: SecureBytes, accessKeyId: String) throws -> [UInt8] {
        try wrap(secret, key: credentialKey, aad: Self.credentialAAD(accessKeyId: accessKeyId))
    }

    public func unwrapSecret(_ wrapped: [UInt8], accessKeyId: String) throws -> SecureBytes {
        try unwrap(wrapped, key: credentialKey, aad: Self.credentialAAD(accessKeyId: accessKeyId))
    }

    public func wrapAuditSigningKey(_ der: SecureBytes) throws -> [UInt8] {
        try wrap(der, key: auditKey, aad: Array("kms/v1/audit-signing".utf8))
    }

    public func unwrapAuditSigningKey(_ wrapped: [UInt8]) throws -> SecureBytes {
        try unwrap(wrapped, key: auditKey, aad: Array("kms/v1/audit-signing".utf8))
    }

    /// Wraps the RSA private key of one set of import parameters, bound to its token id.
    public func wrapImportWrappingKey(_ der: SecureBytes, tokenId: String) throws -> [UInt8] {
        try wrap(der, key: importWrappingKey, aad: Array("kms/v1/import-wrapping-key|\(tokenId)".utf8))
    }

    public func unwrapImportWrappingKey(_ wrapped: [UInt8], tokenId: String) throws -> SecureBytes {
        try unwrap(wrapped, key: importWrappingKey, aad: Array("kms/v1/import-wrapping-key|\(tokenId)".utf8))
    }

    /// The MAC that makes an import token authentic.
    func importTokenMAC(_ bytes: [UInt8]) throws -> [UInt8] {
        try HMAC.authenticate(.sha256, key: importTokenKey, data: bytes)
    }

    /// The keyed fingerprint of imported material: HMAC-SHA256 over the key id and
    /// the material, so equal material on different keys gives unrelated values.
    func materialFingerprint(_ material: SecureBytes, keyId: String) throws -> [UInt8] {
        let prefix = Array("kms/v1/material-fingerprint|\(keyId)|".utf8)
        let message = SecureBytes(count: prefix.count + material.count) { buffer in
            buffer.copyBytes(from: prefix)
            material.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[prefix.count...]).copyMemory(from: $0) }
        }
        return try message.withUnsafeBytes { bytes in try HMAC.authenticate(.sha256, key: fingerprintKey, data: bytes) }
    }

    /// nonce (12) ‖ ciphertext ‖ tag (16).
    private func wrap(_ secret: SecureBytes, key: SecureBytes, aad: [UInt8]) throws -> [UInt8] {
        let nonce = try SecureRandom.bytes(AESGCM.nonceSize)
        let box = try AESGCM.seal(key: key, nonce: nonce, plaintext: secret, aad: aad)
        return nonce + box.ciphertext + box.tag
    }

    private func unwrap(_ wrapped: [UInt8], key: SecureBytes, aad: [UInt8]) throws -> SecureBytes {
        guard wrapped.count >= AESGCM.nonceSize + AESGCM.tagSize else {
            throw CryptoError.authenticationFailure("unwrap")
        }
        let nonce = Array(wrapped[0..<AESGCM.nonceSize])
        let tag = Array(wrapped[(wrapped.count - AESGCM.tagSize)...])
        let ciphertext = Array(wrapped[AESGCM.nonceSize..<(wrapped.count - AESGCM.tagSize)])
        return try AESGCM.open(key: key, nonce: nonce, ciphertext: ciphertext, tag: tag, aad: aad)
    }
}
