import Foundation
import KeyCrypto
import Logging

/// A role as the API shows it.
public struct RoleInfo: Encodable, Sendable {
    public var name: String
    public var description: String
    public var actions: [String]
    public var builtIn: Bool

    init(_ role: RoleRecord) {
        name = role.name
        description = role.description
        actions = role.actions.map(\.rawValue).sorted()
        builtIn = role.builtIn
    }
}

extension RoleRecord {
    /// Parses action names (`kms:Encrypt`, or `Encrypt` for short); unknown names are refused.
    static func parseActions(_ names: [String]) throws(KMSError) -> Set<Action> {
        var actions = Set<Action>()
        for name in names {
            if let action = Action(rawValue: name) ?? Action.allCases.first(where: { $0.operationName == name }) {
                actions.insert(action)
            } else {
                throw KMSError.validation("Unknown action '\(sanitizedForMessage(name, limit: 64))'.")
            }
        }
        guard !actions.isEmpty else { throw KMSError.validation("A role needs at least one action.") }
        return actions
    }
}

/// ListRoles: built-in and custom roles.
public enum ListRoles: Operation {
    public typealias Input = EmptyInput
    public struct Output: Encodable, Sendable { public var roles: [RoleInfo] }
    public static let action = Action.listRoles
    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        Output(roles: service.read { state in state.roles.values.sorted { $0.name < $1.name }.map(RoleInfo.init) })
    }
}

/// DescribeRole: one role and its actions.
public enum DescribeRole: Operation {
    public struct Input: OperationInput {
        public var name: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case name }
        public init(name: String) { self.name = name }
    }
    public struct Output: Encodable, Sendable { public var role: RoleInfo }
    public static let action = Action.describeRole
    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard let role = service.read({ $0.roles[input.name] }) else {
            throw KMSError.notFound("Role \(sanitizedForMessage(input.name)) does not exist.")
        }
        return Output(role: RoleInfo(role))
    }
}

/// CreateRole: a custom role, a named set of actions.
public enum CreateRole: Operation {
    public struct Input: OperationInput {
        public var name: String
        public var description: String?
        public var actions: [String]
        public enum CodingKeys: String, CodingKey, CaseIterable { case name, description, actions }
        public init(name: String, description: String? = nil, actions: [String]) {
            self.name = name
            self.description = description
            self.actions = actions
        }
    }
    public typealias Output = DescribeRole.Output
    public static let action = Action.createRole
    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        try RoleRecord.validateName(input.name)
        try Validate.description(input.description ?? "")
        let role = RoleRecord(name: input.name, description: input.description ?? "", actions: try RoleRecord.parseActions(input.actions))
        try await service.mutate { state, _ in
            // Names differing only in case (a custom "Admin" beside the built-in "admin") would read as the same role in a binding list.
            if let existing = state.roles.values.first(where: { $0.name.lowercased() == input.name.lowercased() }) {
                throw KMSError(.alreadyExists, "A role named \(existing.name) already exists; role names differing only in case are not allowed.")
            }
            let changes: [StoreChange] = [.putRole(role)]
            try KeyService.checkEscalation(state, by: context.caller.principalId, after: changes)
            return (changes, ())
        }
        return Output(role: RoleInfo(role))
    }
}

/// UpdateRole: changes a custom role's description or actions (built-in roles are fixed).
public enum UpdateRole: Operation {
    public struct Input: OperationInput {
        public var name: String
        public var description: String?
        public var actions: [String]?
        public enum CodingKeys: String, CodingKey, CaseIterable { case name, description, actions }
        public init(name: String, description: String? = nil, actions: [String]? = nil) {
            self.name = name
            self.description = description
            self.actions = actions
        }
    }
    public typealias Output = DescribeRole.Output
    public static let action = Action.updateRole
    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard input.description != nil || input.actions != nil else {
            throw KMSError.validation("Give description or actions (or both) to change.")
        }
        try Validate.description(input.description ?? "")
        let actions = try input.actions.map { names throws(KMSError) in try RoleRecord.parseActions(names) }
        let role = try await service.mutate { state, _ in
            guard var role = state.roles[input.name] else { throw KMSError.notFound("Role \(sanitizedForMessage(input.name)) does not exist.") }
            guard !role.builtIn else { throw KMSError(.unsupportedOperation, "Built-in roles cannot be changed.") }
            if let description = input.description { role.description = description }
            if let actions { role.actions = actions }
            let changes: [StoreChange] = [.putRole(role)]
            try KeyService.checkIdentityChange(state, by: context.caller.principalId, after: changes)
            return (changes, role)
        }
        return Output(role: RoleInfo(role))
    }
}

/// DeleteRole: removes a custom role that no binding uses.
public enum DeleteRole: Operation {
    public typealias Input = DescribeRole.Input
    public static let action = Action.deleteRole
    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try await service.mutate { state, _ in
            guard let role = state.roles[input.name] else { throw KMSError.notFound("Role \(sanitizedForMessage(input.name)) does not exist.") }
            guard !role.builtIn else { throw KMSError(.unsupportedOperation, "Built-in roles cannot be deleted.") }
            guard !state.bindings.values.contains(where: { $0.role == role.name }) else {
                throw KMSError(.invalidState, "Role \(role.name) is used by bindings; delete them first.")
            }
            return ([.deleteRole(name: role.name)], ())
        }
        return EmptyOutput()
    }
}
