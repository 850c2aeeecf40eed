/// The outcome of an authorization check. The reason is for the log and the
/// audit record only; the caller always sees a generic AccessDenied.
public enum AuthorizationDecision: Sendable, Equatable {
    case allow
    case deny(reason: String)
}

/// Decides whether a principal may perform an action. Deny by default.
public protocol Authorizer: Sendable {
    func decide(action: Action, principal: PrincipalRecord?, service: KeyService) -> AuthorizationDecision
}

/// Until roles exist, the bootstrap administrator may do everything and
/// nobody else may do anything.
public struct AdministratorAuthorizer: Authorizer {
    public init() {}

    public func decide(action: Action, principal: PrincipalRecord?, service: KeyService) -> AuthorizationDecision {
        guard let principal else { return .deny(reason: "unknown principal") }
        guard principal.enabled else { return .deny(reason: "principal \(principal.name) is disabled") }
        guard service.administratorId == principal.id else {
            return .deny(reason: "no binding allows \(action.rawValue) for \(principal.name)")
        }
        return .allow
    }
}
