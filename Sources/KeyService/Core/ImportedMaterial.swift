import KeyCrypto
import Logging

/// The core of key import: spending import parameters, unwrapping material and
/// checking it fits the key spec, and taking material away again (on request
/// or when it expires).
extension KeyService {
    /// Deletes the parameters a token names and returns them: the one write that
    /// makes a token single-use, even under concurrent imports.
    func spendImportParameters(_ tokenId: String, keyId: String) async throws -> ImportParametersRecord {
        try await mutate { state, _ in
            guard let parameters = state.importParameters[tokenId], parameters.keyId == keyId else {
                throw KMSError(.invalidImportToken, "The import token is not valid for this key, or was already used.")
            }
            return ([.deleteImportParameters(id: tokenId)], parameters)
        }
    }

    /// Unwraps `EncryptedKeyMaterial` with the parameters' wrapping key, then
    /// checks it against the spec. Returns the material in its stored form: the
    /// raw bytes for symmetric and HMAC keys, OpenSSL's PKCS#8 re-encoding for
    /// asymmetric ones (so equal keys give equal bytes and equal fingerprints).
    func unwrapImport(_ encrypted: [UInt8], parameters: ImportParametersRecord, spec: KeySpec) throws -> SecureBytes {
        let wrappingKey = try AsymmetricPrivateKey(
            der: try keyring.unwrapImportWrappingKey(parameters.wrappedPrivateKey, tokenId: parameters.id))
        let material: SecureBytes
        do {
            material = try KeyMaterialWrapping.unwrap(encrypted, privateKey: wrappingKey, algorithm: parameters.wrappingAlgorithm)
        } catch {
            throw KMSError(.invalidCiphertext, "The encrypted key material could not be unwrapped with these import parameters.")
        }
        return try Self.checkedMaterial(material, spec: spec)
    }

    /// Material of the right size (symmetric, HMAC) or a PKCS#8 private key of
    /// the right type whose halves agree (asymmetric); else IncorrectKeyMaterial.
    static func checkedMaterial(_ material: SecureBytes, spec: KeySpec) throws -> SecureBytes {
        if let sizes = spec.importableMaterialSizes {
            guard sizes.contains(material.count) else {
                throw KMSError(.incorrectKeyMaterial, "Key material for \(spec.rawValue) must be \(sizes.lowerBound == sizes.upperBound ? "\(sizes.lowerBound)" : "\(sizes.lowerBound) to \(sizes.upperBound)") bytes long.")
            }
            return material
        }
        let incorrect = KMSError(.incorrectKeyMaterial, "Key material for \(spec.rawValue) must be a DER PKCS#8 private key of that type.")
        guard let key = try? AsymmetricPrivateKey(pkcs8: material), key.keyType == spec.asymmetricType, key.isConsistent() else {
            throw incorrect
        }
        return try key.pkcs8Representation()
    }

    /// Deletes an imported key's material: the key goes to PendingImport (if it
    /// was Enabled or Disabled) and its expiration settings are cleared; the
    /// fingerprint stays, so only the same material can come back. Returns nil
    /// if the key had no material.
    func deleteImportedMaterial(_ keyId: String, onlyIfExpiredAt expiry: Timestamp? = nil) async throws -> KeyRecord? {
        let deleted: KeyRecord? = try await mutate { state, _ in
            guard let entry = state.keys[keyId] else { throw KMSError.notFound("Key '\(self.partition.keyArn(keyId))' does not exist") }
            var record = entry.record
            guard record.origin == .external, record.expirationModel != nil || !entry.versions.isEmpty else { return ([], nil) }
            if let expiry {
                guard record.expirationModel == .keyMaterialExpires, let validTo = record.validTo, validTo <= expiry else { return ([], nil) }
            }
            if record.state == .enabled || record.state == .disabled { record.state = .pendingImport }
            record.expirationModel = nil
            record.validTo = nil
            return ([.putKey(record), .deleteVersions(keyId: keyId)], record)
        }
        return deleted
    }

    /// Maintenance: deletes imported material whose `ValidTo` has passed (audited
    /// as DeleteExpiredKeyMaterial) and import parameters past their 24 hours.
    func expireImportedMaterial(now: Timestamp) async -> Int {
        let (expired, staleParameters) = read { state in
            (state.keys.values.filter {
                $0.record.origin == .external && $0.record.expirationModel == .keyMaterialExpires
                    && ($0.record.validTo.map { $0 <= now } ?? false)
            }.map(\.record.id),
             state.importParameters.values.filter { $0.expiresAt <= now }.map(\.id))
        }
        var count = 0
        for id in expired {
            do {
                guard let record = try await deleteImportedMaterial(id, onlyIfExpiredAt: now) else { continue }
                count += 1
                logger.notice("imported key material expired and was deleted", metadata: ["keyId": "\(record.id)"])
                await auditMaintenance("DeleteExpiredKeyMaterial", keyId: record.id)
            } catch {
                logger.error("could not delete expired key material", metadata: ["keyId": "\(id)", "error": "\(error)"])
            }
        }
        if !staleParameters.isEmpty {
            do {
                try await mutate { state, _ in
                    (staleParameters.filter { state.importParameters[$0] != nil }.map { StoreChange.deleteImportParameters(id: $0) }, ())
                }
            } catch {
                logger.warning("could not delete expired import parameters", metadata: ["error": "\(error)"])
            }
        }
        return count
    }

    /// An audit record for something the service did on its own (no caller).
    func auditMaintenance(_ action: String, keyId: String) async {
        guard let audit else { return }
        let record = AuditRecord(
            sequence: 0, time: now.microseconds, requestId: UUIDString.random(), principalId: nil, principalName: nil,
            accessKeyId: nil, sourceAddress: nil, userAgent: nil, api: "SERVICE", action: action, keyId: keyId,
            keyVersion: nil, keyReference: nil, encryptionContext: nil, grantId: nil, outcome: .allowed, errorCode: nil, reason: nil)
        do {
            try await audit.append(record)
        } catch {
            logger.error("could not audit a maintenance event", metadata: ["action": "\(action)", "keyId": "\(keyId)"])
        }
    }
}
