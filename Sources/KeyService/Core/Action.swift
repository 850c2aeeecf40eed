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

    /// The operation name without the `kms:` prefix, as AWS and the audit log spell it.
    public var operationName: String { String(rawValue.dropFirst(4)) }

    /// Whether the action touches a key's material (authorised before any is read).
    public var isCryptographic: Bool {
        switch self {
        case .encrypt, .decrypt, .reEncryptFrom, .reEncryptTo, .generateDataKey, .generateDataKeyWithoutPlaintext:
            true
        default:
            false
        }
    }
}
