import Foundation
import KeyCrypto
import Logging

/// Grant constraints on the wire (AWS `GrantConstraints`).
public struct GrantConstraints: Codable, Sendable, Equatable {
    public var encryptionContextSubset: [String: String]?
    public var encryptionContextEquals: [String: String]?
    public init(encryptionContextSubset: [String: String]? = nil, encryptionContextEquals: [String: String]? = nil) {
        self.encryptionContextSubset = encryptionContextSubset
        self.encryptionContextEquals = encryptionContextEquals
    }
}

/// A grant as listed (AWS `GrantListEntry`).
public struct GrantListEntry: Encodable, Sendable {
    public var keyId: String
    public var grantId: String
    public var name: String?
    public var creationDate: Date
    public var granteePrincipal: String
    public var retiringPrincipal: String?
    public var issuingAccount: String
    public var operations: [String]
    public var constraints: GrantConstraints?
}

extension KeyService {
    func grantEntry(_ grant: GrantRecord, _ state: borrowing ServiceState) -> GrantListEntry {
        func arn(_ id: String?) -> String? { id.map { state.principals[$0].map { partition.principalArn($0.name) } ?? $0 } }
        let constraints = grant.contextEquals == nil && grant.contextSubset == nil ? nil
            : GrantConstraints(encryptionContextSubset: grant.contextSubset, encryptionContextEquals: grant.contextEquals)
        return GrantListEntry(
            keyId: partition.keyArn(grant.keyId), grantId: grant.id, name: grant.name, creationDate: grant.createdAt.date,
            granteePrincipal: arn(grant.granteePrincipalId) ?? "", retiringPrincipal: arn(grant.retiringPrincipalId),
            issuingAccount: "arn:aws:iam::\(partition.account):root",
            operations: grant.operations.map(\.operationName).sorted(), constraints: constraints)
    }
}

/// CreateGrant: lets a grantee use one key for some operations, optionally only with a given
/// encryption context. The grantor must itself be allowed every operation it grants.
public enum CreateGrant: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var granteePrincipal: String
        public var retiringPrincipal: String?
        public var operations: [String]
        public var constraints: GrantConstraints?
        public var grantTokens: [String]?
        public var name: String?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case keyId, granteePrincipal, retiringPrincipal, operations, constraints, grantTokens, name, dryRun
        }
        public init(keyId: String, granteePrincipal: String, operations: [String], retiringPrincipal: String? = nil,
                    constraints: GrantConstraints? = nil, name: String? = nil) {
            self.keyId = keyId
            self.granteePrincipal = granteePrincipal
            self.operations = operations
            self.retiringPrincipal = retiringPrincipal
            self.constraints = constraints
            self.name = name
        }
    }

    public struct Output: Encodable, Sendable {
        public var grantToken: String
        public var grantId: String
    }

    public static let action = Action.createGrant
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        try service.validateGrantTokens(input.grantTokens)
        if let name = input.name {
            guard (1...256).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ":/_-".contains($0)) }) else {
                throw KMSError.validation("Grant names are 1 to 256 letters, digits or :/_- characters.")
            }
        }
        guard !input.operations.isEmpty, input.operations.count <= 20 else { throw KMSError.validation("Operations must list 1 to 20 operations.") }
        var parsed = Set<Action>()
        for name in input.operations {
            guard let action = Action.allCases.first(where: { $0.operationName == name }), action.isGrantable else {
                throw KMSError.validation("'\(sanitizedForMessage(name, limit: 64))' is not a grant operation.")
            }
            parsed.insert(action)
        }
        let operations = parsed
        let constraints = input.constraints
        if let c = constraints, c.encryptionContextEquals != nil, c.encryptionContextSubset != nil {
            throw KMSError.validation("Give EncryptionContextEquals or EncryptionContextSubset, not both.")
        }
        for map in [constraints?.encryptionContextEquals, constraints?.encryptionContextSubset].compactMap({ $0 }) {
            guard map.count <= 8, map.allSatisfy({ $0.value.count <= 384 }) else {
                throw KMSError.validation("Grant constraints hold at most 8 pairs with values of at most 384 characters.")
            }
        }
        let entry = try service.resolve(input.keyId, accept: .keyOnly)
        if let unsupported = operations.sorted(by: { $0.operationName < $1.operationName }).first(where: { !entry.record.canPerform($0) }) {
            throw KMSError.validation("\(unsupported.operationName) is not an operation \(service.partition.keyArn(entry.record.id)) (\(entry.record.spec.rawValue), \(entry.record.usage.rawValue)) supports.")
        }
        if constraints?.encryptionContextEquals != nil || constraints?.encryptionContextSubset != nil, !entry.record.spec.supportsSymmetricEncryption {
            // Only symmetric encryption takes an encryption context: on other keys the grant could never be used.
            throw KMSError.validation("Encryption context constraints apply only to grants on symmetric encryption keys; \(entry.record.spec.rawValue) operations take no encryption context.")
        }
        if let error = service.stateError(entry.record) { throw error }
        // No escalation: the grantor must hold every operation it hands out, under the same constraints.
        let checkContext = constraints?.encryptionContextEquals ?? constraints?.encryptionContextSubset ?? [:]
        for operation in operations where operation != .createGrant && operation != .retireGrant {
            try service.authorize(operation, keyReference: entry.record.id, encryptionContext: checkContext, context: context)
        }
        let grant = try await service.mutate { state, now in
            guard let grantee = state.principal(named: input.granteePrincipal) else {
                throw KMSError.validation("GranteePrincipal \(sanitizedForMessage(input.granteePrincipal)) is not a known principal.")
            }
            var retiring: String?
            if let name = input.retiringPrincipal {
                guard let principal = state.principal(named: name) else {
                    throw KMSError.validation("RetiringPrincipal \(sanitizedForMessage(name)) is not a known principal.")
                }
                retiring = principal.id
            }
            guard state.keys[entry.record.id] != nil else { throw KMSError.notFound("Key '\(service.partition.keyArn(entry.record.id))' does not exist") }
            // Same name and parameters: the existing grant (AWS makes named grants idempotent).
            if let name = input.name, let existing = state.grants.values.first(where: {
                $0.name == name && $0.keyId == entry.record.id && $0.granteePrincipalId == grantee.id && $0.operations == operations
                    && $0.retiringPrincipalId == retiring && $0.contextEquals == constraints?.encryptionContextEquals
                    && $0.contextSubset == constraints?.encryptionContextSubset
            }) {
                return ([], existing)
            }
            guard state.grants.values.filter({ $0.keyId == entry.record.id }).count < 50_000 else {
                throw KMSError(.limitExceeded, "A key may have at most 50000 grants.")
            }
            let grant = GrantRecord(
                id: Hex.encode(try SecureRandom.bytes(32)), token: Base64.encode(try SecureRandom.bytes(48)),
                keyId: entry.record.id, name: input.name, granteePrincipalId: grantee.id, retiringPrincipalId: retiring,
                issuingPrincipalId: context.caller.principalId, operations: operations,
                contextEquals: constraints?.encryptionContextEquals, contextSubset: constraints?.encryptionContextSubset, createdAt: now)
            return ([.putGrant(grant)], grant)
        }
        return Output(grantToken: grant.token, grantId: grant.id)
    }
}

/// ListGrants: the grants on a key, optionally one grant or one grantee's.
public enum ListGrants: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var limit: Int?
        public var marker: String?
        public var grantId: String?
        public var granteePrincipal: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, limit, marker, grantId, granteePrincipal }
        public init(keyId: String, limit: Int? = nil, marker: String? = nil) {
            self.keyId = keyId
            self.limit = limit
            self.marker = marker
        }
    }

    public struct Output: Encodable, Sendable {
        public var grants: [GrantListEntry]
        public var nextMarker: String?
        public var truncated: Bool
    }

    public static let action = Action.listGrants
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let limit = try Marker.limit(input.limit, range: 1...100, default: 50)
        let after = try Marker.parse(input.marker, listing: "grants")
        if let grantId = input.grantId { try Validate.grantId(grantId) }
        let keyId = try service.resolve(input.keyId, accept: .keyOnly).record.id
        let entries = service.read { state in
            let grantee = input.granteePrincipal.map { state.principal(named: $0)?.id ?? "-" }
            return state.grants.values
                .filter { $0.keyId == keyId && (input.grantId == nil || $0.id == input.grantId) && (grantee == nil || $0.granteePrincipalId == grantee) }
                .sorted { $0.id < $1.id }
                .map { service.grantEntry($0, state) }
        }
        let page = Marker.page(entries, key: \.grantId, after: after, limit: limit, listing: "grants")
        return Output(grants: page.items, nextMarker: page.nextMarker, truncated: page.nextMarker != nil)
    }
}

/// ListRetirableGrants: the grants a principal may retire.
public enum ListRetirableGrants: Operation {
    public struct Input: OperationInput {
        public var retiringPrincipal: String
        public var limit: Int?
        public var marker: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case retiringPrincipal, limit, marker }
        public init(retiringPrincipal: String) { self.retiringPrincipal = retiringPrincipal }
    }

    public typealias Output = ListGrants.Output
    public static let action = Action.listRetirableGrants

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let limit = try Marker.limit(input.limit, range: 1...100, default: 50)
        let after = try Marker.parse(input.marker, listing: "retirable")
        let entries = try service.read { state throws(KMSError) -> [GrantListEntry] in
            guard let principal = state.principal(named: input.retiringPrincipal) else {
                throw KMSError.notFound("Principal \(sanitizedForMessage(input.retiringPrincipal)) does not exist.")
            }
            return state.grants.values.filter { $0.retiringPrincipalId == principal.id }
                .sorted { $0.id < $1.id }.map { service.grantEntry($0, state) }
        }
        let page = Marker.page(entries, key: \.grantId, after: after, limit: limit, listing: "retirable")
        return Output(grants: page.items, nextMarker: page.nextMarker, truncated: page.nextMarker != nil)
    }
}

/// RetireGrant: ends a grant, by token or by key and grant id. Allowed to the grant's
/// retiring principal, to its grantee if the grant includes RetireGrant, and to
/// principals a binding allows RetireGrant on the key.
public enum RetireGrant: Operation {
    public struct Input: OperationInput {
        public var grantToken: String?
        public var keyId: String?
        public var grantId: String?
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable { case grantToken, keyId, grantId, dryRun }
        public init(grantToken: String? = nil, keyId: String? = nil, grantId: String? = nil) {
            self.grantToken = grantToken
            self.keyId = keyId
            self.grantId = grantId
        }
    }

    public static let action = Action.retireGrant
    public static var selfAuthorizing: Bool { true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        let grant: GrantRecord
        if let token = input.grantToken {
            guard let found = service.read({ state in state.grants.values.first { $0.token == token } }) else {
                throw KMSError(.invalidGrantToken, "The grant token is not valid.")
            }
            grant = found
        } else if let keyId = input.keyId, let grantId = input.grantId {
            try Validate.grantId(grantId)
            let key = try service.resolve(keyId, accept: .keyOnly).record.id
            guard let found = service.read({ $0.grants[grantId] }), found.keyId == key else {
                throw KMSError.notFound("Grant \(sanitizedForMessage(grantId)) does not exist on this key.")
            }
            grant = found
        } else {
            throw KMSError.validation("Give GrantToken, or KeyId and GrantId.")
        }
        let caller = context.caller.principalId
        let mayRetire = grant.retiringPrincipalId == caller || (grant.granteePrincipalId == caller && grant.operations.contains(.retireGrant))
        if !mayRetire {
            try service.authorize(.retireGrant, keyReference: grant.keyId, encryptionContext: nil, context: context)
        }
        if input.dryRun == true { throw KMSError(.dryRunOperation, "The request would have succeeded, but the DryRun option is set.") }
        try await service.mutate { state, _ in (state.grants[grant.id] == nil ? [] : [.deleteGrant(id: grant.id)], ()) }
        return EmptyOutput()
    }
}

/// RevokeGrant: ends a grant on a key, by id.
public enum RevokeGrant: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var grantId: String
        public var dryRun: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, grantId, dryRun }
        public init(keyId: String, grantId: String) {
            self.keyId = keyId
            self.grantId = grantId
        }
    }

    public static let action = Action.revokeGrant
    public static func keyReference(_ input: Input) -> String? { input.keyId }
    public static func isDryRun(_ input: Input) -> Bool { input.dryRun == true }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try Validate.grantId(input.grantId)
        let keyId = try service.resolve(input.keyId, accept: .keyOnly).record.id
        try await service.mutate { state, _ in
            guard let grant = state.grants[input.grantId], grant.keyId == keyId else {
                throw KMSError.notFound("Grant \(sanitizedForMessage(input.grantId)) does not exist on this key.")
            }
            return ([.deleteGrant(id: grant.id)], ())
        }
        return EmptyOutput()
    }
}

extension Validate {
    /// A grant id has the form CreateGrant gives it (64 lower-case hex digits);
    /// anything else is InvalidGrantId, as AWS distinguishes it from an unknown grant.
    static func grantId(_ id: String) throws(KMSError) {
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else {
            throw KMSError(.invalidGrantId, "The grant id is not valid: grant ids are 64 hexadecimal digits.")
        }
    }
}
