/// What a request asks to do: the one vocabulary that roles, bindings, grants,
/// the authorizer and audit records name. Every `Operation` has exactly one.
public enum Action: String, Sendable, CaseIterable, Codable, Hashable {
    // Key lifecycle.
    case createKey = "kms:CreateKey"
    case describeKey = "kms:DescribeKey"
    case listKeys = "kms:ListKeys"
    case updateKeyDescription = "kms:UpdateKeyDescription"
    case enableKey = "kms:EnableKey"
    case disableKey = "kms:DisableKey"
    case scheduleKeyDeletion = "kms:ScheduleKeyDeletion"
    case cancelKeyDeletion = "kms:CancelKeyDeletion"
    // Tags.
    case tagResource = "kms:TagResource"
    case untagResource = "kms:UntagResource"
    case listResourceTags = "kms:ListResourceTags"
    // Aliases.
    case createAlias = "kms:CreateAlias"
    case updateAlias = "kms:UpdateAlias"
    case deleteAlias = "kms:DeleteAlias"
    case listAliases = "kms:ListAliases"
    // Rotation.
    case enableKeyRotation = "kms:EnableKeyRotation"
    case disableKeyRotation = "kms:DisableKeyRotation"
    case getKeyRotationStatus = "kms:GetKeyRotationStatus"
    case rotateKeyOnDemand = "kms:RotateKeyOnDemand"
    case listKeyRotations = "kms:ListKeyRotations"
    // Cryptographic operations.
    case encrypt = "kms:Encrypt"
    case decrypt = "kms:Decrypt"
    case reEncryptFrom = "kms:ReEncryptFrom"
    case reEncryptTo = "kms:ReEncryptTo"
    case generateDataKey = "kms:GenerateDataKey"
    case generateDataKeyWithoutPlaintext = "kms:GenerateDataKeyWithoutPlaintext"
    case generateRandom = "kms:GenerateRandom"
    case generateDataKeyPair = "kms:GenerateDataKeyPair"
    case generateDataKeyPairWithoutPlaintext = "kms:GenerateDataKeyPairWithoutPlaintext"
    // Asymmetric and HMAC keys.
    case sign = "kms:Sign"
    case verify = "kms:Verify"
    case getPublicKey = "kms:GetPublicKey"
    case generateMac = "kms:GenerateMac"
    case verifyMac = "kms:VerifyMac"
    // Imported key material.
    case getParametersForImport = "kms:GetParametersForImport"
    case importKeyMaterial = "kms:ImportKeyMaterial"
    case deleteImportedKeyMaterial = "kms:DeleteImportedKeyMaterial"
    // Grants.
    case createGrant = "kms:CreateGrant"
    case listGrants = "kms:ListGrants"
    case listRetirableGrants = "kms:ListRetirableGrants"
    case retireGrant = "kms:RetireGrant"
    case revokeGrant = "kms:RevokeGrant"
    // Key policies.
    case getKeyPolicy = "kms:GetKeyPolicy"
    case putKeyPolicy = "kms:PutKeyPolicy"
    case listKeyPolicies = "kms:ListKeyPolicies"
    // Identity and access administration.
    case createPrincipal = "iam:CreatePrincipal"
    case listPrincipals = "iam:ListPrincipals"
    case describePrincipal = "iam:DescribePrincipal"
    case updatePrincipal = "iam:UpdatePrincipal"
    case deletePrincipal = "iam:DeletePrincipal"
    case createAccessKey = "iam:CreateAccessKey"
    case updateAccessKey = "iam:UpdateAccessKey"
    case deleteAccessKey = "iam:DeleteAccessKey"
    case createRole = "iam:CreateRole"
    case listRoles = "iam:ListRoles"
    case describeRole = "iam:DescribeRole"
    case updateRole = "iam:UpdateRole"
    case deleteRole = "iam:DeleteRole"
    case createBinding = "iam:CreateBinding"
    case listBindings = "iam:ListBindings"
    case deleteBinding = "iam:DeleteBinding"
    // Audit.
    case readAuditLog = "audit:ReadAuditLog"
    case pruneAuditLog = "audit:PruneAuditLog"

    /// The operation name without the service prefix (`kms:`, `iam:`, `audit:`), as AWS and the audit log spell it.
    public var operationName: String { String(rawValue[rawValue.index(after: rawValue.firstIndex(of: ":")!)...]) }

    /// Whether the action acts on one key (and so can be scoped to keys, aliases or tags).
    public var isKeyScoped: Bool {
        switch self {
        case .createKey, .listKeys, .generateRandom, .listRetirableGrants, .readAuditLog, .pruneAuditLog:
            false
        case .createPrincipal, .listPrincipals, .describePrincipal, .updatePrincipal, .deletePrincipal,
             .createAccessKey, .updateAccessKey, .deleteAccessKey, .createRole, .listRoles, .describeRole,
             .updateRole, .deleteRole, .createBinding, .listBindings, .deleteBinding:
            false
        default:
            true
        }
    }

    /// Whether a grant may allow this action (AWS: the grant operations). Key
    /// administration, import included, is never granted.
    public var isGrantable: Bool {
        switch self {
        case .encrypt, .decrypt, .reEncryptFrom, .reEncryptTo, .generateDataKey, .generateDataKeyWithoutPlaintext,
             .generateDataKeyPair, .generateDataKeyPairWithoutPlaintext, .sign, .verify, .getPublicKey,
             .generateMac, .verifyMac, .describeKey, .createGrant, .retireGrant:
            true
        default:
            false
        }
    }

    /// Whether the action changes identities: principals, their access keys, roles or
    /// bindings. A role with any of these can make its holder more powerful, so only
    /// an administrator hands one out (`KeyService.checkEscalation`).
    public var administersIdentities: Bool {
        switch self {
        case .createPrincipal, .updatePrincipal, .deletePrincipal, .createAccessKey, .updateAccessKey, .deleteAccessKey,
             .createRole, .updateRole, .deleteRole, .createBinding, .deleteBinding:
            true
        default:
            false
        }
    }

    /// Whether the action touches a key's material (authorised before any is read).
    public var isCryptographic: Bool {
        switch self {
        case .encrypt, .decrypt, .reEncryptFrom, .reEncryptTo, .generateDataKey, .generateDataKeyWithoutPlaintext,
             .generateDataKeyPair, .generateDataKeyPairWithoutPlaintext, .sign, .verify, .generateMac, .verifyMac,
             .importKeyMaterial:
            true
        default:
            false
        }
    }
}
