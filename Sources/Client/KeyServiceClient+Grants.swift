import Foundation
import NIOHTTP1

private struct Empty: Decodable {}
private struct PolicyBody: Decodable { var policy: String; var policyName: String }
private struct GrantList: Decodable { var grants: [GrantWire]; var nextMarker: String? }

/// A grant as the service spells it (AWS `GrantListEntry`).
struct GrantWire: Decodable {
    struct Constraints: Decodable {
        var encryptionContextSubset: [String: String]?
        var encryptionContextEquals: [String: String]?
    }
    var keyId: String
    var grantId: String
    var name: String?
    var creationDate: String
    var granteePrincipal: String
    var retiringPrincipal: String?
    var issuingAccount: String
    var operations: [String]
    var constraints: Constraints?

    var entry: GrantEntry {
        let constraint: GrantConstraint? = constraints.flatMap { c in
            c.encryptionContextEquals.map(GrantConstraint.contextEquals) ?? c.encryptionContextSubset.map(GrantConstraint.contextSubset)
        }
        return GrantEntry(keyId: keyId, grantId: grantId, name: name, creationDate: creationDate, granteePrincipal: granteePrincipal,
                          retiringPrincipal: retiringPrincipal, issuingAccount: issuingAccount, operations: operations,
                          constraint: constraint)
    }
}

extension KeyServiceClient {
    // MARK: Grants

    /// The request body of `createGrant`.
    static func grantBody(keyId: String, grantee: String, operations: [String], retiringPrincipal: String?,
                          constraint: GrantConstraint?, name: String?) -> [String: Any] {
        var body: [String: Any] = ["keyId": keyId, "granteePrincipal": grantee, "operations": operations]
        if let retiringPrincipal { body["retiringPrincipal"] = retiringPrincipal }
        if let constraint { body["constraints"] = constraint.jsonObject }
        if let name { body["name"] = name }
        return body
    }

    /// Lets `grantee` (a principal name or ARN) use one key for `operations` (such as `Decrypt`),
    /// optionally only with a given encryption context. A named grant is idempotent.
    public func createGrant(keyId: String, grantee: String, operations: [String], retiringPrincipal: String? = nil,
                            constraints: GrantConstraint? = nil, name: String? = nil) async throws -> CreatedGrant {
        let body = Self.grantBody(keyId: keyId, grantee: grantee, operations: operations, retiringPrincipal: retiringPrincipal,
                                  constraint: constraints, name: name)
        return try await send(.POST, "/v1/grants", body: body, as: CreatedGrant.self)
    }

    /// One page of the grants on a key.
    public func listGrants(keyId: String, limit: Int? = nil, marker: String? = nil) async throws -> Page<GrantEntry> {
        let list = try await send(.GET, "/v1/keys/\(Self.segment(keyId))/grants", query: Self.pagingQuery(limit, marker),
                                  as: GrantList.self)
        return Page(items: list.grants.map(\.entry), nextMarker: list.nextMarker)
    }

    /// Every grant on a key, following pagination.
    public func allGrants(keyId: String) async throws -> [GrantEntry] {
        try await Self.collect { marker in try await self.listGrants(keyId: keyId, limit: 100, marker: marker) }
    }

    /// One page of the grants a principal may retire.
    public func listRetirableGrants(retiringPrincipal: String, limit: Int? = nil, marker: String? = nil) async throws -> Page<GrantEntry> {
        var query = Self.pagingQuery(limit, marker)
        query.append(("retiringPrincipal", retiringPrincipal))
        let list = try await send(.GET, "/v1/grants/retirable", query: query, as: GrantList.self)
        return Page(items: list.grants.map(\.entry), nextMarker: list.nextMarker)
    }

    /// Every grant a principal may retire, following pagination.
    public func allRetirableGrants(retiringPrincipal: String) async throws -> [GrantEntry] {
        try await Self.collect { marker in
            try await self.listRetirableGrants(retiringPrincipal: retiringPrincipal, limit: 100, marker: marker)
        }
    }

    /// Ends a grant by its token (the retiring principal, or a grantee the grant lets retire it).
    public func retireGrant(token: String) async throws {
        _ = try await send(.POST, "/v1/grants/retire", body: ["grantToken": token], as: Empty.self)
    }

    /// Ends a grant by key and grant id.
    public func retireGrant(keyId: String, grantId: String) async throws {
        _ = try await send(.POST, "/v1/grants/retire", body: ["keyId": keyId, "grantId": grantId], as: Empty.self)
    }

    /// Ends a grant as a key manager (needs kms:RevokeGrant on the key).
    public func revokeGrant(keyId: String, grantId: String) async throws {
        _ = try await send(.DELETE, "/v1/keys/\(Self.segment(keyId))/grants/\(Self.segment(grantId))", as: Empty.self)
    }

    // MARK: Key policies

    /// The key's policy document (the default one until a policy is put).
    public func getKeyPolicy(keyId: String) async throws -> String {
        try await send(.GET, "/v1/keys/\(Self.segment(keyId))/policy", as: PolicyBody.self).policy
    }

    /// Replaces the key's policy document. The service refuses a policy that would deny
    /// the caller kms:PutKeyPolicy unless `bypassLockoutCheck` is set.
    public func putKeyPolicy(keyId: String, policy: String, bypassLockoutCheck: Bool = false) async throws {
        var body: [String: Any] = ["policy": policy]
        if bypassLockoutCheck { body["bypassPolicyLockoutSafetyCheck"] = true }
        _ = try await send(.PUT, "/v1/keys/\(Self.segment(keyId))/policy", body: body, as: Empty.self)
    }

    // MARK: Helpers

    static func pagingQuery(_ limit: Int?, _ marker: String?) -> [(String, String)] {
        var query: [(String, String)] = []
        if let limit { query.append(("limit", String(limit))) }
        if let marker { query.append(("marker", marker)) }
        return query
    }

    /// Every item of a listing, page after page.
    static func collect<Item>(_ page: (String?) async throws -> Page<Item>) async throws -> [Item] {
        var all: [Item] = []
        var marker: String?
        repeat {
            let next = try await page(marker)
            all += next.items
            marker = next.nextMarker
        } while marker != nil
        return all
    }
}
