import Foundation
import KeyCrypto
@testable import KeyService
// KeyService's Operation, not Foundation's.
import protocol KeyService.Operation

// What OpenAPITests compares the document with: the members every operation's
// input accepts, and encoded sample outputs of every operation.

/// Every member each operation's input accepts, by AWS operation name.
func acceptedFields() -> [String: Set<String>] {
    [
        "CreateKey": Set(CreateKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListKeys": Set(ListKeys.Input.CodingKeys.allCases.map(\.stringValue)),
        "DescribeKey": Set(DescribeKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateKeyDescription": Set(UpdateKeyDescription.Input.CodingKeys.allCases.map(\.stringValue)),
        "EnableKey": Set(EnableKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "DisableKey": Set(DisableKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "ScheduleKeyDeletion": Set(ScheduleKeyDeletion.Input.CodingKeys.allCases.map(\.stringValue)),
        "CancelKeyDeletion": Set(CancelKeyDeletion.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListResourceTags": Set(ListResourceTags.Input.CodingKeys.allCases.map(\.stringValue)),
        "TagResource": Set(TagResource.Input.CodingKeys.allCases.map(\.stringValue)),
        "UntagResource": Set(UntagResource.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetKeyRotationStatus": Set(GetKeyRotationStatus.Input.CodingKeys.allCases.map(\.stringValue)),
        "EnableKeyRotation": Set(EnableKeyRotation.Input.CodingKeys.allCases.map(\.stringValue)),
        "DisableKeyRotation": Set(DisableKeyRotation.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListKeyRotations": Set(ListKeyRotations.Input.CodingKeys.allCases.map(\.stringValue)),
        "RotateKeyOnDemand": Set(RotateKeyOnDemand.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListAliases": Set(ListAliases.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateAlias": Set(CreateAlias.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateAlias": Set(UpdateAlias.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteAlias": Set(DeleteAlias.Input.CodingKeys.allCases.map(\.stringValue)),
        "Encrypt": Set(Encrypt.Input.CodingKeys.allCases.map(\.stringValue)),
        "Decrypt": Set(Decrypt.Input.CodingKeys.allCases.map(\.stringValue)),
        "ReEncrypt": Set(ReEncrypt.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKey": Set(GenerateDataKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKeyWithoutPlaintext": Set(GenerateDataKeyWithoutPlaintext.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateRandom": Set(GenerateRandom.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKeyPair": Set(GenerateDataKeyPair.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKeyPairWithoutPlaintext": Set(GenerateDataKeyPairWithoutPlaintext.Input.CodingKeys.allCases.map(\.stringValue)),
        "Sign": Set(Sign.Input.CodingKeys.allCases.map(\.stringValue)),
        "Verify": Set(Verify.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetPublicKey": Set(GetPublicKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateMac": Set(GenerateMac.Input.CodingKeys.allCases.map(\.stringValue)),
        "VerifyMac": Set(VerifyMac.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetParametersForImport": Set(GetParametersForImport.Input.CodingKeys.allCases.map(\.stringValue)),
        "ImportKeyMaterial": Set(ImportKeyMaterial.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteImportedKeyMaterial": Set(DeleteImportedKeyMaterial.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateGrant": Set(CreateGrant.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListGrants": Set(ListGrants.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListRetirableGrants": Set(ListRetirableGrants.Input.CodingKeys.allCases.map(\.stringValue)),
        "RetireGrant": Set(RetireGrant.Input.CodingKeys.allCases.map(\.stringValue)),
        "RevokeGrant": Set(RevokeGrant.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetKeyPolicy": Set(GetKeyPolicy.Input.CodingKeys.allCases.map(\.stringValue)),
        "PutKeyPolicy": Set(PutKeyPolicy.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListKeyPolicies": Set(ListKeyPolicies.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreatePrincipal": Set(CreatePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListPrincipals": Set(ListPrincipals.Input.CodingKeys.allCases.map(\.stringValue)),
        "DescribePrincipal": Set(DescribePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdatePrincipal": Set(UpdatePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeletePrincipal": Set(DeletePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateAccessKey": Set(CreateAccessKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateAccessKey": Set(UpdateAccessKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteAccessKey": Set(DeleteAccessKey.Input.CodingKeys.allCases.map(\.stringValue)),
        // EmptyInput's only case is a placeholder, not a member.
        "ListRoles": Set(ListRoles.Input.CodingKeys.allCases.map(\.stringValue)).subtracting([EmptyInput.CodingKeys._none.stringValue]),
        "CreateRole": Set(CreateRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "DescribeRole": Set(DescribeRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateRole": Set(UpdateRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteRole": Set(DeleteRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateBinding": Set(CreateBinding.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListBindings": Set(ListBindings.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteBinding": Set(DeleteBinding.Input.CodingKeys.allCases.map(\.stringValue)),
        "QueryAuditLog": Set(QueryAuditLog.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetAuditCheckpoint": Set(GetAuditCheckpoint.Input.CodingKeys.allCases.map(\.stringValue))
            .subtracting([EmptyInput.CodingKeys._none.stringValue]),
        "VerifyAuditLog": Set(VerifyAuditLog.Input.CodingKeys.allCases.map(\.stringValue)),
        "PruneAuditLog": Set(PruneAuditLog.Input.CodingKeys.allCases.map(\.stringValue)),
    ]
}

/// One encoded output: `exact` when every optional member is set.
struct OutputSample {
    var operationId: String
    var json: Any
    var exact: Bool
}

func outputSamples() throws -> [OutputSample] {
    let keyId = "1234abcd-12ab-34cd-56ef-1234567890ab"
    let arn = Partition().keyArn(keyId)
    let now = Timestamp(microseconds: 1_795_926_087_123_456)
    let blob = Blob([1, 2, 3, 4])
    let secret = SecretBlob(SecureBytes(copying: [5, 6, 7]))
    func record(_ state: KeyState) -> KeyRecord {
        KeyRecord(
            id: keyId, createdAt: now, description: "test", state: state, usage: .encryptDecrypt, spec: .symmetricDefault,
            origin: .awsKMS, rotationEnabled: false, rotationPeriodDays: nil, nextRotationAt: nil,
            deletionAt: state == .pendingDeletion ? now.adding(days: 30) : nil, latestVersion: 1, tags: [])
    }
    // The exact sample sets every optional member at once (a real key has only some of them), to check the shape.
    var pending = KeyMetadata(record(.pendingDeletion), partition: Partition(), now: now)
    pending.signingAlgorithms = ["ECDSA_SHA_256"]
    pending.macAlgorithms = ["HMAC_SHA_256"]
    pending.expirationModel = "KEY_MATERIAL_EXPIRES"
    pending.validTo = now.adding(days: 90).date
    let enabled = KeyMetadata(record(.enabled), partition: Partition(), now: now)
    var samples: [OutputSample] = []
    func add(_ operationId: String, _ output: some Encodable, exact: Bool = true) throws {
        let data = try WireCoding.restEncoder.encode(output)
        samples.append(OutputSample(operationId: operationId, json: try JSONSerialization.jsonObject(with: Data(data)), exact: exact))
    }
    /// An operation whose output is `{}` (checked by the type system).
    func addEmpty<Op: Operation>(_ operation: Op.Type) throws where Op.Output == EmptyOutput {
        try add(Op.action.operationName, EmptyOutput())
    }
    try add("CreateKey", CreateKey.Output(keyMetadata: pending))
    try add("CreateKey", CreateKey.Output(keyMetadata: enabled), exact: false)
    try add("DescribeKey", DescribeKey.Output(keyMetadata: pending))
    try add("DescribeKey", DescribeKey.Output(keyMetadata: enabled), exact: false)
    try add("ListKeys", ListKeys.Output(keys: [.init(keyId: keyId, keyArn: arn)], nextMarker: "bWFya2Vy", truncated: true))
    try add("ListKeys", ListKeys.Output(keys: [], nextMarker: nil, truncated: false), exact: false)
    try addEmpty(UpdateKeyDescription.self)
    try addEmpty(EnableKey.self)
    try addEmpty(DisableKey.self)
    try addEmpty(TagResource.self)
    try addEmpty(UntagResource.self)
    try addEmpty(EnableKeyRotation.self)
    try addEmpty(DisableKeyRotation.self)
    try addEmpty(CreateAlias.self)
    try addEmpty(UpdateAlias.self)
    try addEmpty(DeleteAlias.self)
    try add("ScheduleKeyDeletion", ScheduleKeyDeletion.Output(
        keyId: arn, deletionDate: now.adding(days: 7).date, keyState: "PendingDeletion", pendingWindowInDays: 7))
    try add("CancelKeyDeletion", CancelKeyDeletion.Output(keyId: arn))
    try add("ListResourceTags", ListResourceTags.Output(
        tags: [WireTag(tagKey: "team", tagValue: "core")], nextMarker: "bWFya2Vy", truncated: true))
    try add("GetKeyRotationStatus", GetKeyRotationStatus.Output(
        keyRotationEnabled: true, keyId: arn, rotationPeriodInDays: 365, nextRotationDate: now.adding(days: 365).date))
    try add("GetKeyRotationStatus", GetKeyRotationStatus.Output(
        keyRotationEnabled: false, keyId: arn, rotationPeriodInDays: nil, nextRotationDate: nil), exact: false)
    try add("ListKeyRotations", ListKeyRotations.Output(
        rotations: [.init(keyId: arn, rotationDate: now.date, rotationType: "ON_DEMAND")], nextMarker: "bWFya2Vy", truncated: true))
    try add("RotateKeyOnDemand", RotateKeyOnDemand.Output(keyId: arn))
    try add("ListAliases", ListAliases.Output(
        aliases: [.init(aliasName: "alias/test", aliasArn: Partition().aliasArn("alias/test"), targetKeyId: keyId,
                        creationDate: now.date, lastUpdatedDate: now.date)],
        nextMarker: "bWFya2Vy", truncated: true))
    try add("Encrypt", Encrypt.Output(ciphertextBlob: blob, keyId: arn, encryptionAlgorithm: "SYMMETRIC_DEFAULT"))
    try add("Decrypt", Decrypt.Output(keyId: arn, plaintext: secret, encryptionAlgorithm: "SYMMETRIC_DEFAULT"))
    try add("ReEncrypt", ReEncrypt.Output(
        ciphertextBlob: blob, sourceKeyId: arn, keyId: arn, sourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
        destinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT"))
    try add("GenerateDataKey", GenerateDataKey.Output(ciphertextBlob: blob, plaintext: secret, keyId: arn))
    try add("GenerateDataKeyWithoutPlaintext", GenerateDataKeyWithoutPlaintext.Output(ciphertextBlob: blob, keyId: arn))
    try add("GenerateRandom", GenerateRandom.Output(plaintext: secret))

    // Asymmetric and HMAC keys, key pairs, imported material.
    try add("GenerateDataKeyPair", GenerateDataKeyPair.Output(
        privateKeyCiphertextBlob: blob, privateKeyPlaintext: secret, publicKey: blob, keyId: arn, keyPairSpec: "ECC_NIST_P256"))
    try add("GenerateDataKeyPairWithoutPlaintext", GenerateDataKeyPairWithoutPlaintext.Output(
        privateKeyCiphertextBlob: blob, publicKey: blob, keyId: arn, keyPairSpec: "RSA_2048"))
    try add("Sign", Sign.Output(keyId: arn, signature: blob, signingAlgorithm: "ECDSA_SHA_256"))
    try add("Verify", Verify.Output(keyId: arn, signatureValid: true, signingAlgorithm: "ECDSA_SHA_256"))
    try add("GetPublicKey", GetPublicKey.Output(
        keyId: arn, publicKey: blob, customerMasterKeySpec: "RSA_2048", keySpec: "RSA_2048", keyUsage: "ENCRYPT_DECRYPT",
        encryptionAlgorithms: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], signingAlgorithms: ["RSASSA_PSS_SHA_256"]))
    try add("GetPublicKey", GetPublicKey.Output(
        keyId: arn, publicKey: blob, customerMasterKeySpec: "ECC_NIST_P256", keySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY",
        encryptionAlgorithms: nil, signingAlgorithms: ["ECDSA_SHA_256"]), exact: false)
    try add("GenerateMac", GenerateMac.Output(mac: blob, macAlgorithm: "HMAC_SHA_256", keyId: arn))
    try add("VerifyMac", VerifyMac.Output(keyId: arn, macValid: true, macAlgorithm: "HMAC_SHA_256"))
    try add("GetParametersForImport", GetParametersForImport.Output(
        keyId: arn, importToken: blob, publicKey: blob, parametersValidTo: now.adding(days: 1).date))
    try add("ImportKeyMaterial", ImportKeyMaterial.Output(keyId: arn, keyMaterialId: String(repeating: "ab", count: 32)))
    try add("DeleteImportedKeyMaterial", DeleteImportedKeyMaterial.Output(keyId: arn, keyMaterialId: String(repeating: "ab", count: 32)))
    try add("DeleteImportedKeyMaterial", DeleteImportedKeyMaterial.Output(keyId: arn, keyMaterialId: nil), exact: false)

    // Grants and key policies. Exact samples set every optional member, to check the shape.
    let grantId = String(repeating: "0f", count: 32)
    let principalArn = Partition().principalArn("build-pipeline")
    let grant = GrantListEntry(
        keyId: arn, grantId: grantId, name: "ci", creationDate: now.date, granteePrincipal: principalArn,
        retiringPrincipal: principalArn, issuingAccount: "arn:aws:iam::\(Partition().account):root",
        operations: ["Decrypt", "Encrypt"],
        constraints: GrantConstraints(encryptionContextSubset: ["tenant": "acme"], encryptionContextEquals: ["tenant": "acme"]))
    let bareGrant = GrantListEntry(
        keyId: arn, grantId: grantId, name: nil, creationDate: now.date, granteePrincipal: principalArn,
        retiringPrincipal: nil, issuingAccount: "arn:aws:iam::\(Partition().account):root", operations: ["Encrypt"],
        constraints: nil)
    try add("CreateGrant", CreateGrant.Output(grantToken: "dG9rZW4=", grantId: grantId))
    try add("ListGrants", ListGrants.Output(grants: [grant], nextMarker: "bWFya2Vy", truncated: true))
    try add("ListGrants", ListGrants.Output(grants: [bareGrant], nextMarker: nil, truncated: false), exact: false)
    try add("ListRetirableGrants", ListRetirableGrants.Output(grants: [grant], nextMarker: "bWFya2Vy", truncated: true))
    try addEmpty(RetireGrant.self)
    try addEmpty(RevokeGrant.self)
    try add("GetKeyPolicy", GetKeyPolicy.Output(policy: KeyPolicy.defaultPolicy(account: Partition().account), policyName: "default"))
    try addEmpty(PutKeyPolicy.self)
    try add("ListKeyPolicies", ListKeyPolicies.Output(policyNames: ["default"], truncated: false))

    // Principals and access keys.
    let usedKey = PrincipalInfo.AccessKeyInfo(
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEF", status: "Active", createDate: now.date, lastUsedDate: now.date)
    let unusedKey = PrincipalInfo.AccessKeyInfo(
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEG", status: "Inactive", createDate: now.date, lastUsedDate: nil)
    func principal(_ keys: [PrincipalInfo.AccessKeyInfo]?, bound: Bool = true) -> PrincipalInfo {
        PrincipalInfo(name: "build-pipeline", principalId: keyId, arn: principalArn, kind: "pipeline", enabled: true,
                      createDate: now.date, clientCertificateFingerprint: bound ? String(repeating: "3b", count: 32) : nil,
                      accessKeys: keys)
    }
    let newKey = NewAccessKey(
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEF", secretAccessKey: SecretBlobText(bytes: SecureBytes(copying: Array("c2VjcmV0".utf8))))
    try add("CreatePrincipal", CreatePrincipal.Output(principal: principal([usedKey]), accessKey: newKey))
    try add("ListPrincipals", ListPrincipals.Output(principals: [principal([usedKey])], nextMarker: "bWFya2Vy", truncated: true))
    try add("ListPrincipals", ListPrincipals.Output(principals: [principal(nil, bound: false)], nextMarker: nil, truncated: false), exact: false)
    try add("DescribePrincipal", DescribePrincipal.Output(principal: principal([usedKey])))
    try add("DescribePrincipal", DescribePrincipal.Output(principal: principal([unusedKey], bound: false)), exact: false)
    try addEmpty(UpdatePrincipal.self)
    try addEmpty(DeletePrincipal.self)
    try add("CreateAccessKey", CreateAccessKey.Output(accessKey: newKey))
    try addEmpty(UpdateAccessKey.self)
    try addEmpty(DeleteAccessKey.self)

    // Roles.
    let role = RoleInfo(RoleRecord(name: "ci-encrypt", description: "CI", actions: [.encrypt, .generateDataKey]))
    try add("ListRoles", ListRoles.Output(roles: [role]))
    try add("CreateRole", CreateRole.Output(role: role))
    try add("DescribeRole", DescribeRole.Output(role: role))
    try add("UpdateRole", UpdateRole.Output(role: role))
    try addEmpty(DeleteRole.self)

    // Bindings: the exact sample sets every scope member at once (a real binding has one), to check the shape.
    let binding = BindingInfo(
        bindingId: keyId, principal: "build-pipeline", role: "key-user", effect: "Allow", allKeys: true, keyId: keyId,
        aliasPrefix: "alias/team-a/", tagKey: "team", tagValue: "payments",
        conditions: [.init(key: "tenant", equals: "acme", matches: "ac*")], createDate: now.date)
    let tagBinding = BindingInfo(
        bindingId: keyId, principal: "build-pipeline", role: "key-user", effect: "Deny", tagKey: "team", tagValue: "payments",
        conditions: [.init(key: "tenant")], createDate: now.date)
    try add("CreateBinding", CreateBinding.Output(binding: binding))
    try add("CreateBinding", CreateBinding.Output(binding: tagBinding), exact: false)
    try add("ListBindings", ListBindings.Output(bindings: [binding]))
    try add("ListBindings", ListBindings.Output(bindings: []), exact: false)
    try addEmpty(DeleteBinding.self)

    // The audit log.
    let auditRecord = AuditRecord(
        sequence: 7, time: now.microseconds, requestId: keyId, principalId: keyId, principalName: "build-pipeline",
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEF", sourceAddress: "127.0.0.1", userAgent: "kms-cli", api: "REST", action: "Encrypt",
        keyId: keyId, keyVersion: 1, keyReference: "alias/test", encryptionContext: ["tenant": "acme"], grantId: grantId,
        outcome: .denied, errorCode: "AccessDeniedException", reason: "no binding allows it")
    let bareRecord = AuditRecord(
        sequence: 8, time: now.microseconds, requestId: keyId, principalId: nil, principalName: nil, accessKeyId: nil,
        sourceAddress: nil, userAgent: nil, api: "AWS", action: "ListKeys", keyId: nil, keyVersion: nil, keyReference: nil,
        encryptionContext: nil, grantId: nil, outcome: .allowed, errorCode: nil, reason: nil)
    let hash = [UInt8](repeating: 0xab, count: 32)
    let checkpoint = AuditCheckpoint(sequence: 7, chainHash: Hex.encode(hash), time: now.microseconds, signature: "MEUCIQ==")
    try add("QueryAuditLog", QueryAuditLog.Output(
        records: [AuditRecordView(auditRecord, hash: hash, partition: Partition())], nextSequence: 7, lastSequence: 8))
    try add("QueryAuditLog", QueryAuditLog.Output(
        records: [AuditRecordView(bareRecord, hash: hash, partition: Partition())], nextSequence: nil, lastSequence: 8), exact: false)
    try add("GetAuditCheckpoint", GetAuditCheckpoint.Output(checkpoint: checkpoint, publicKey: "-----BEGIN PUBLIC KEY-----"))
    try add("GetAuditCheckpoint", GetAuditCheckpoint.Output(checkpoint: nil, publicKey: "-----BEGIN PUBLIC KEY-----"), exact: false)
    try add("VerifyAuditLog", AuditVerification(
        ok: false, recordsChecked: 8, checkpointsChecked: 1, firstSequence: 1, lastSequence: 8, firstBadSequence: 5,
        problem: "record 5 does not match the chain"))
    try add("VerifyAuditLog", AuditVerification(
        ok: true, recordsChecked: 0, checkpointsChecked: 0, firstSequence: nil, lastSequence: nil, firstBadSequence: nil,
        problem: nil), exact: false)
    try add("PruneAuditLog", PruneAuditLog.Output(deleted: 6, anchor: checkpoint))
    try add("PruneAuditLog", PruneAuditLog.Output(deleted: 0, anchor: nil), exact: false)
    return samples
}
