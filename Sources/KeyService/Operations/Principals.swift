import Foundation
import KeyCrypto
import Logging

/// A principal as the API shows it. Secrets never appear here.
public struct PrincipalInfo: Encodable, Sendable {
    public struct AccessKeyInfo: Encodable, Sendable {
        public var accessKeyId: String
        public var status: String
        public var createDate: Date
        public var lastUsedDate: Date?
    }
    public var name: String
    public var principalId: String
    public var arn: String
    public var kind: String
    public var enabled: Bool
    public var createDate: Date
    /// The bound client certificate's SHA-256 (lowercase hex); absent when none is bound.
    public var clientCertificateFingerprint: String?
    public var accessKeys: [AccessKeyInfo]?
}

/// A new access key, with the secret shown this once.
public struct NewAccessKey: Encodable, Sendable {
    public var accessKeyId: String
    public var secretAccessKey: SecretBlobText
}

/// A secret that travels as plain text (an access key secret), never printed by `description`.
public struct SecretBlobText: Encodable, Sendable, CustomStringConvertible {
    let bytes: SecureBytes
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(decoding: bytes.exportBytes(), as: UTF8.self))
    }
    public var description: String { "SecretBlobText(redacted)" }
}

extension KeyService {
    func principalInfo(_ principal: PrincipalRecord, withKeys: Bool) -> PrincipalInfo {
        let keys = withKeys ? read { state in
            state.accessKeys.values.filter { $0.principalId == principal.id }.sorted { $0.createdAt < $1.createdAt }
        } : []
        return PrincipalInfo(
            name: principal.name, principalId: principal.id, arn: partition.principalArn(principal.name),
            kind: principal.kind.rawValue, enabled: principal.enabled, createDate: principal.createdAt.date,
            clientCertificateFingerprint: principal.clientCertificateFingerprint,
            accessKeys: withKeys ? keys.map {
                PrincipalInfo.AccessKeyInfo(accessKeyId: $0.id, status: $0.status.rawValue, createDate: $0.createdAt.date,
                                            lastUsedDate: lastUsed(accessKeyId: $0.id)?.date)
            } : nil)
    }

    /// The checks every change to identities runs inside its write: no escalation
    /// (below), then no lockout.
    static func checkIdentityChange(_ state: borrowing ServiceState, by callerId: String, after changes: [StoreChange]) throws(KMSError) {
        try checkEscalation(state, by: callerId, after: changes)
        try checkLockout(state, after: changes)
    }

    /// No escalation through identity administration. Power over identities (a role
    /// with any `iam:` change action, `admin` among them) is handed out, and the
    /// principals who hold it are changed, only by an enabled administrator: anyone
    /// else with `iam:CreateBinding` could bind itself `admin`, and anyone with
    /// `iam:CreateAccessKey` could mint a key for an administrator. Everyone may
    /// still manage their own access keys.
    static func checkEscalation(_ state: borrowing ServiceState, by callerId: String, after changes: [StoreChange]) throws(KMSError) {
        if state.effectiveAdministrators().contains(callerId) { return }
        let roles = state.roles
        let bindings = state.bindings
        func confersPower(_ actions: Set<Action>) -> Bool { actions.contains { $0.administersIdentities } }
        func confersPower(role name: String) -> Bool { roles[name].map { confersPower($0.actions) } ?? false }
        func holdsPower(_ principalId: String) -> Bool {
            bindings.values.contains { $0.principalId == principalId && $0.effect == .allow && confersPower(role: $0.role) }
        }
        func refuse(_ what: String) -> KMSError {
            KMSError(.accessDenied, "Only an enabled administrator may \(what).")
        }
        for change in changes {
            switch change {
            case .putBinding(let binding):
                if binding.effect == .allow && confersPower(role: binding.role) { throw refuse("bind a role that administers identities") }
                if holdsPower(binding.principalId) { throw refuse("change the bindings of a principal who administers identities") }
            case .deleteBinding(let id):
                if let binding = bindings[id], holdsPower(binding.principalId) {
                    throw refuse("change the bindings of a principal who administers identities")
                }
            case .putRole(let role):
                if confersPower(role.actions) { throw refuse("give a role actions that administer identities") }
            case .putAccessKey(let key):
                if key.principalId != callerId && holdsPower(key.principalId) {
                    throw refuse("create or change the access keys of another principal who administers identities")
                }
            case .deleteAccessKey(let id):
                if let key = state.accessKeys[id], key.principalId != callerId, holdsPower(key.principalId) {
                    throw refuse("create or change the access keys of another principal who administers identities")
                }
            case .putPrincipal(let principal):
                if principal.id != callerId && holdsPower(principal.id) { throw refuse("change a principal who administers identities") }
            case .deletePrincipal(let id):
                if holdsPower(id) { throw refuse("delete a principal who administers identities") }
            default:
                break
            }
        }
    }

    /// Refuses a change that would leave no enabled administrator able to sign in.
    static func checkLockout(_ state: borrowing ServiceState, after changes: [StoreChange]) throws(KMSError) {
        var next = copy state
        for change in changes { next.apply(change) }
        guard !next.effectiveAdministrators().isEmpty else {
            throw KMSError(.invalidState, "This change would leave no enabled administrator (a principal with an unconditional admin binding on all keys and an active access key); it was refused.")
        }
    }

    static func validatePrincipalName(_ name: String) throws(KMSError) {
        guard (1...64).contains(name.count),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@+=,-".contains($0)) })
        else { throw KMSError.validation("Principal names are 1 to 64 letters, digits or ._@+=,- characters.") }
    }
}

extension ServiceState {
    /// A principal by name or by `arn:aws:iam::<account>:user/<name>`.
    func principal(named reference: String) -> PrincipalRecord? {
        let name = reference.hasPrefix("arn:") ? String(reference.split(separator: "/").last ?? "") : reference
        return principals.values.first { $0.name == name }
    }
}

extension Partition {
    public func principalArn(_ name: String) -> String { "arn:aws:iam::\(account):user/\(name)" }
}

/// CreatePrincipal: a person, service or pipeline with its first access key,
/// optionally bound to a client certificate (see `ClientCertificateBinding`).
public enum CreatePrincipal: Operation {
    public struct Input: OperationInput {
        public var name: String
        public var kind: String?
        /// SHA-256 of the DER of the client certificate the principal must present (64 hex digits).
        public var clientCertificateFingerprint: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case name, kind, clientCertificateFingerprint }
        public init(name: String, kind: String? = nil, clientCertificateFingerprint: String? = nil) {
            self.name = name
            self.kind = kind
            self.clientCertificateFingerprint = clientCertificateFingerprint
        }
    }

    public struct Output: Encodable, Sendable {
        public var principal: PrincipalInfo
        public var accessKey: NewAccessKey
    }

    public static let action = Action.createPrincipal

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        try KeyService.validatePrincipalName(input.name)
        guard let kind = PrincipalRecord.Kind(rawValue: input.kind ?? "service") else {
            throw KMSError.validation("kind must be one of user, service, pipeline.")
        }
        let fingerprint = try input.clientCertificateFingerprint.map(ClientCertificateBinding.parseFingerprint)
        let (principal, key, secret) = try await service.mutate { state, now in
            // Names differing only in case would read as the same principal in bindings and audit records.
            if let existing = state.principal(named: input.name)
                ?? state.principals.values.first(where: { $0.name.lowercased() == input.name.lowercased() }) {
                throw KMSError(.alreadyExists, "A principal named \(existing.name) already exists (names differing only in case are not allowed).")
            }
            let principal = PrincipalRecord(id: UUIDString.random(), name: input.name, kind: kind, enabled: true, createdAt: now,
                                            clientCertificateFingerprint: fingerprint)
            let (key, secret) = try service.makeAccessKey(principalId: principal.id, at: now)
            return ([.putPrincipal(principal), .putAccessKey(key)], (principal, key, secret))
        }
        context.logger.notice("principal created", metadata: [
            "principal": "\(principal.name)", "accessKeyId": "\(key.id)", "clientCertificate": "\(fingerprint != nil ? "bound" : "none")",
        ])
        return Output(principal: service.principalInfo(principal, withKeys: true),
                      accessKey: NewAccessKey(accessKeyId: key.id, secretAccessKey: SecretBlobText(bytes: secret)))
    }
}

/// ListPrincipals: every principal, by name, paginated.
public enum ListPrincipals: Operation {
    public typealias Input = ListKeys.Input
    public struct Output: Encodable, Sendable {
        public var principals: [PrincipalInfo]
        public var nextMarker: String?
        public var truncated: Bool
    }

    public static let action = Action.listPrincipals

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let limit = try Marker.limit(input.limit, range: 1...1000, default: 100)
        let after = try Marker.parse(input.marker, listing: "principals")
        let all = service.read { state in state.principals.values.sorted { $0.name < $1.name } }
        let page = Marker.page(all, key: \.name, after: after, limit: limit, listing: "principals")
        return Output(principals: page.items.map { service.principalInfo($0, withKeys: false) },
                      nextMarker: page.nextMarker, truncated: page.nextMarker != nil)
    }
}

/// DescribePrincipal: one principal with its access keys (never their secrets).
public enum DescribePrincipal: Operation {
    public struct Input: OperationInput {
        public var principal: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case principal }
        public init(principal: String) { self.principal = principal }
    }

    public struct Output: Encodable, Sendable {
        public var principal: PrincipalInfo
    }

    public static let action = Action.describePrincipal

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard let principal = service.read({ $0.principal(named: input.principal) }) else {
            throw KMSError.notFound("Principal \(sanitizedForMessage(input.principal)) does not exist.")
        }
        return Output(principal: service.principalInfo(principal, withKeys: true))
    }
}

/// UpdatePrincipal: enables or disables a principal, and binds, replaces or
/// clears (with an empty string) its client certificate. Members left out stay
/// as they are. The last administrator cannot be disabled.
public enum UpdatePrincipal: Operation {
    public struct Input: OperationInput {
        public var principal: String
        public var enabled: Bool?
        /// 64 hex digits binds that certificate; "" clears the binding; absent leaves it.
        public var clientCertificateFingerprint: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case principal, enabled, clientCertificateFingerprint }
        public init(principal: String, enabled: Bool? = nil, clientCertificateFingerprint: String? = nil) {
            self.principal = principal
            self.enabled = enabled
            self.clientCertificateFingerprint = clientCertificateFingerprint
        }
    }

    public static let action = Action.updatePrincipal

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        guard input.enabled != nil || input.clientCertificateFingerprint != nil else {
            throw KMSError.validation("Give enabled, clientCertificateFingerprint or both.")
        }
        // Outer nil: leave the binding as it is; inner nil: clear it.
        let fingerprint: String?? = try input.clientCertificateFingerprint.map { text in
            try text.isEmpty ? nil : ClientCertificateBinding.parseFingerprint(text)
        }
        let name = try await service.mutate { state, _ in
            guard var principal = state.principal(named: input.principal) else {
                throw KMSError.notFound("Principal \(sanitizedForMessage(input.principal)) does not exist.")
            }
            if let enabled = input.enabled { principal.enabled = enabled }
            if let fingerprint { principal.clientCertificateFingerprint = fingerprint }
            let changes: [StoreChange] = [.putPrincipal(principal)]
            try KeyService.checkIdentityChange(state, by: context.caller.principalId, after: changes)
            return (changes, principal.name)
        }
        if let fingerprint {
            context.logger.notice(fingerprint == nil ? "client certificate binding cleared" : "client certificate bound",
                                  metadata: ["principal": "\(name)"])
        }
        return EmptyOutput()
    }
}

/// DeletePrincipal: removes a principal with its access keys and bindings. The last administrator cannot be deleted.
public enum DeletePrincipal: Operation {
    public typealias Input = DescribePrincipal.Input
    public static let action = Action.deletePrincipal

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        let removedKeys = try await service.mutate { state, _ in
            guard let principal = state.principal(named: input.principal) else {
                throw KMSError.notFound("Principal \(sanitizedForMessage(input.principal)) does not exist.")
            }
            let changes: [StoreChange] = [.deletePrincipal(id: principal.id)]
            try KeyService.checkIdentityChange(state, by: context.caller.principalId, after: changes)
            return (changes, state.accessKeys.values.filter { $0.principalId == principal.id }.map(\.id))
        }
        for id in removedKeys { service.forgetCredential(accessKeyId: id) }
        return EmptyOutput()
    }
}
