/// What an authorization decision is about.
struct AuthorizationRequest {
    var action: Action
    var principal: PrincipalRecord?
    var key: KeyRecord?
    var encryptionContext: [String: String]?
}

/// The outcome of an authorization check. The reason is for the log and the
/// audit record only; the caller always sees a generic AccessDenied.
public struct AuthorizationDecision: Sendable, Equatable {
    public var allowed: Bool
    public var reason: String
    /// The grant that allowed the request, if a grant did.
    public var grantId: String?

    static func deny(_ reason: String) -> AuthorizationDecision { AuthorizationDecision(allowed: false, reason: reason, grantId: nil) }
}

/// Deny-by-default RBAC with grants.
///
/// 1. An unknown or disabled principal is denied.
/// 2. A deny binding whose role holds the action, whose scope covers the key and
///    whose conditions hold denies, whatever else allows.
/// 3. A key policy statement that denies the action denies.
/// 4. An allow binding (same tests) allows.
/// 5. Otherwise a grant on the key to this principal for this action, whose
///    constraints hold, allows.
/// 6. Otherwise the request is denied.
///
/// Actions on no key match only all-keys bindings. A binding with conditions
/// applies only to requests that carry an encryption context satisfying them.
enum Authorizer {
    static func decide(_ request: AuthorizationRequest, state: borrowing ServiceState) -> AuthorizationDecision {
        guard let principal = request.principal else { return .deny("unknown principal") }
        guard principal.enabled else { return .deny("principal \(principal.name) is disabled") }
        let action = request.action
        let aliases = request.key.map { state.aliasNames(of: $0.id) } ?? []
        var allowedBy: BindingRecord?
        var notes: [String] = []
        for binding in state.bindings.values where binding.principalId == principal.id {
            guard let role = state.roles[binding.role], role.actions.contains(action) else { continue }
            let inScope = action.isKeyScoped ? binding.scope.covers(request.key, aliases: aliases) : binding.scope == .allKeys
            guard inScope else {
                notes.append("binding \(binding.id) (\(binding.role) on \(binding.scope.summary)) does not cover \(request.key.map { "key " + $0.id } ?? "this request")")
                continue
            }
            if let failed = binding.conditions.first(where: { !$0.holds(in: request.encryptionContext) }) {
                notes.append("binding \(binding.id) (\(binding.role) on \(binding.scope.summary)): condition \(failed.summary) not met")
                continue
            }
            if binding.effect == .deny {
                return .deny("explicit deny: binding \(binding.id) (\(binding.role) on \(binding.scope.summary))")
            }
            allowedBy = allowedBy ?? binding
        }
        if let key = request.key, let denials = state.policyDenials[key.id],
           let statement = KeyPolicy.denyingStatement(denials, action: action, principal: principal) {
            return .deny("key policy of \(key.id) denies \(action.rawValue): statement \(statement)")
        }
        if let binding = allowedBy {
            return AuthorizationDecision(allowed: true, reason: "binding \(binding.id) (\(binding.role) on \(binding.scope.summary))", grantId: nil)
        }
        if let key = request.key, action.isGrantable {
            for grant in state.grants.values where grant.keyId == key.id && grant.granteePrincipalId == principal.id
                && grant.operations.contains(action) {
                if grant.constraintsHold(for: request.encryptionContext) {
                    return AuthorizationDecision(allowed: true, reason: "grant \(grant.id)", grantId: grant.id)
                }
                notes.append("grant \(grant.id): encryption context constraint not met")
            }
        }
        let subject = request.key.map { " on key \($0.id)" } ?? ""
        let detail = notes.isEmpty ? "no binding or grant allows it" : notes.joined(separator: "; ")
        return .deny("\(principal.name) may not \(action.rawValue)\(subject): \(detail)")
    }
}
