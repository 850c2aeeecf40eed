import Foundation
import KeyCrypto
import NIOHTTP1

private struct Empty: Decodable {}
private struct PrincipalBody: Decodable { var principal: PrincipalInfo }
private struct PrincipalList: Decodable { var principals: [PrincipalInfo]; var nextMarker: String? }
private struct AccessKeyBody: Decodable {
    var accessKeyId: String
    var secretAccessKey: String
    var newAccessKey: NewAccessKey {
        NewAccessKey(accessKeyId: accessKeyId, secretAccessKey: SecureBytes(copying: Array(secretAccessKey.utf8)))
    }
}
private struct CreatedPrincipal: Decodable { var principal: PrincipalInfo; var accessKey: AccessKeyBody }
private struct CreatedAccessKey: Decodable { var accessKey: AccessKeyBody }
private struct RoleBody: Decodable { var role: RoleInfo }
private struct RoleList: Decodable { var roles: [RoleInfo] }
private struct BindingBody: Decodable { var binding: BindingWire }
private struct BindingList: Decodable { var bindings: [BindingWire] }

/// A binding as the service spells it: one of four scope members, conditions as objects.
struct BindingWire: Decodable {
    struct ConditionWire: Decodable { var key: String; var equals: String?; var matches: String? }
    var bindingId: String
    var principal: String
    var role: String
    var effect: String
    var allKeys: Bool?
    var keyId: String?
    var aliasPrefix: String?
    var tagKey: String?
    var tagValue: String?
    var conditions: [ConditionWire]
    var createDate: String

    func info() throws -> BindingInfo {
        let scope: BindingScope
        if allKeys == true {
            scope = .allKeys
        } else if let keyId {
            scope = .key(keyId)
        } else if let aliasPrefix {
            scope = .aliasPrefix(aliasPrefix)
        } else if let tagKey, let tagValue {
            scope = .tag(key: tagKey, value: tagValue)
        } else {
            throw ClientError.invalidResponse("binding \(bindingId) has no scope")
        }
        guard let effect = BindingEffect(rawValue: effect) else {
            throw ClientError.invalidResponse("binding \(bindingId) has an unknown effect")
        }
        let conditions = conditions.map { condition -> Condition in
            if let value = condition.equals { return .equals(key: condition.key, value: value) }
            if let pattern = condition.matches { return .matches(key: condition.key, pattern: pattern) }
            return .hasKey(condition.key)
        }
        return BindingInfo(bindingId: bindingId, principal: principal, role: role, effect: effect, scope: scope,
                           conditions: conditions, createDate: createDate)
    }
}

extension KeyServiceClient {
    // MARK: Principals

    /// Creates a principal with its first access key. The secret is returned only now.
    /// With a client certificate fingerprint (`ClientCertificate.fingerprint`), the
    /// principal's requests must also present that certificate over TLS.
    public func createPrincipal(name: String, kind: PrincipalKind? = nil,
                                clientCertificateFingerprint: String? = nil) async throws -> (PrincipalInfo, NewAccessKey) {
        var body: [String: Any] = ["name": name]
        if let kind { body["kind"] = kind.rawValue }
        if let clientCertificateFingerprint { body["clientCertificateFingerprint"] = clientCertificateFingerprint }
        let created = try await send(.POST, "/v1/principals", body: body, as: CreatedPrincipal.self)
        return (created.principal, created.accessKey.newAccessKey)
    }

    /// One page of principals, by name (access keys are not listed).
    public func listPrincipals(limit: Int? = nil, marker: String? = nil) async throws -> Page<PrincipalInfo> {
        let list = try await send(.GET, "/v1/principals", query: Self.pagingQuery(limit, marker), as: PrincipalList.self)
        return Page(items: list.principals, nextMarker: list.nextMarker)
    }

    /// Every principal, following pagination.
    public func allPrincipals() async throws -> [PrincipalInfo] {
        try await Self.collect { marker in try await self.listPrincipals(limit: 1000, marker: marker) }
    }

    /// A principal (by name or ARN) with its access keys.
    public func describePrincipal(_ principal: String) async throws -> PrincipalInfo {
        try await send(.GET, "/v1/principals/\(Self.segment(principal))", as: PrincipalBody.self).principal
    }

    /// Enables or disables a principal. The service refuses to disable the last administrator.
    public func setPrincipalEnabled(_ principal: String, enabled: Bool) async throws {
        _ = try await send(.PATCH, "/v1/principals/\(Self.segment(principal))", body: ["enabled": enabled], as: Empty.self)
    }

    /// Binds a client certificate (its fingerprint, see `ClientCertificate.fingerprint`) to a
    /// principal, replacing any bound before; nil clears the binding.
    public func setPrincipalClientCertificate(_ principal: String, fingerprint: String?) async throws {
        _ = try await send(.PATCH, "/v1/principals/\(Self.segment(principal))",
                           body: ["clientCertificateFingerprint": fingerprint ?? ""], as: Empty.self)
    }

    /// Deletes a principal with its access keys and bindings. The service refuses to delete the last administrator.
    public func deletePrincipal(_ principal: String) async throws {
        _ = try await send(.DELETE, "/v1/principals/\(Self.segment(principal))", as: Empty.self)
    }

    // MARK: Access keys

    /// Adds an access key to a principal (at most two each). The secret is returned only now.
    public func createAccessKey(principal: String) async throws -> NewAccessKey {
        try await send(.POST, "/v1/principals/\(Self.segment(principal))/access-keys", as: CreatedAccessKey.self)
            .accessKey.newAccessKey
    }

    /// Activates or deactivates one of a principal's access keys.
    public func setAccessKeyStatus(principal: String, accessKeyId: String, active: Bool) async throws {
        _ = try await send(.PATCH, "/v1/principals/\(Self.segment(principal))/access-keys/\(Self.segment(accessKeyId))",
                           body: ["status": active ? "Active" : "Inactive"], as: Empty.self)
    }

    /// Deletes one of a principal's access keys for good.
    public func deleteAccessKey(principal: String, accessKeyId: String) async throws {
        _ = try await send(.DELETE, "/v1/principals/\(Self.segment(principal))/access-keys/\(Self.segment(accessKeyId))",
                           as: Empty.self)
    }

    // MARK: Roles

    /// Built-in and custom roles, by name.
    public func listRoles() async throws -> [RoleInfo] {
        try await send(.GET, "/v1/roles", as: RoleList.self).roles
    }

    public func describeRole(_ name: String) async throws -> RoleInfo {
        try await send(.GET, "/v1/roles/\(Self.segment(name))", as: RoleBody.self).role
    }

    /// Creates a custom role from action names (`kms:Encrypt`, or `Encrypt` for short).
    public func createRole(name: String, description: String? = nil, actions: [String]) async throws -> RoleInfo {
        var body: [String: Any] = ["name": name, "actions": actions]
        if let description { body["description"] = description }
        return try await send(.POST, "/v1/roles", body: body, as: RoleBody.self).role
    }

    /// Changes a custom role's description or actions (whichever is given).
    public func updateRole(_ name: String, description: String? = nil, actions: [String]? = nil) async throws -> RoleInfo {
        var body: [String: Any] = [:]
        if let description { body["description"] = description }
        if let actions { body["actions"] = actions }
        return try await send(.PATCH, "/v1/roles/\(Self.segment(name))", body: body, as: RoleBody.self).role
    }

    /// Deletes a custom role no binding uses.
    public func deleteRole(_ name: String) async throws {
        _ = try await send(.DELETE, "/v1/roles/\(Self.segment(name))", as: Empty.self)
    }

    // MARK: Bindings

    /// The request body of `createBinding`.
    static func bindingBody(principal: String, role: String, scope: BindingScope, conditions: [Condition],
                            effect: BindingEffect) -> [String: Any] {
        var body: [String: Any] = ["principal": principal, "role": role, "effect": effect.rawValue]
        body.merge(scope.jsonMembers) { current, _ in current }
        if !conditions.isEmpty { body["conditions"] = conditions.map(\.jsonObject) }
        return body
    }

    /// Gives (or, with `.deny`, takes away) a role's actions to a principal on a scope,
    /// only when every condition holds on the request's encryption context.
    public func createBinding(principal: String, role: String, scope: BindingScope, conditions: [Condition] = [],
                              effect: BindingEffect = .allow) async throws -> BindingInfo {
        let body = Self.bindingBody(principal: principal, role: role, scope: scope, conditions: conditions, effect: effect)
        return try await send(.POST, "/v1/bindings", body: body, as: BindingBody.self).binding.info()
    }

    /// All bindings, or one principal's.
    public func listBindings(principal: String? = nil) async throws -> [BindingInfo] {
        let query = principal.map { [("principal", $0)] } ?? []
        return try await send(.GET, "/v1/bindings", query: query, as: BindingList.self).bindings.map { try $0.info() }
    }

    /// Deletes a binding. The service refuses to remove the last administrator's.
    public func deleteBinding(id: String) async throws {
        _ = try await send(.DELETE, "/v1/bindings/\(Self.segment(id))", as: Empty.self)
    }
}
