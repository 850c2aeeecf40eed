/// A grant: narrow, revocable permission for one principal to use one key for
/// some operations, as AWS KMS has them.
public struct GrantRecord: Sendable, Equatable {
    public var id: String
    /// The secret-free token that names the grant in GrantTokens and RetireGrant.
    public var token: String
    public var keyId: String
    public var name: String?
    public var granteePrincipalId: String
    public var retiringPrincipalId: String?
    public var issuingPrincipalId: String
    public var operations: Set<Action>
    public var contextEquals: [String: String]?
    public var contextSubset: [String: String]?
    public var createdAt: Timestamp

    /// Whether the grant's constraints hold for a request's context.
    func constraintsHold(for context: [String: String]?) -> Bool {
        if let equals = contextEquals, (context ?? [:]) != equals { return false }
        if let subset = contextSubset {
            let actual = context ?? [:]
            for (key, value) in subset where actual[key] != value { return false }
        }
        return true
    }
}
