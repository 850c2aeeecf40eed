import Foundation
import KeyCrypto
import Logging

/// A binding as the API shows it.
public struct BindingInfo: Encodable, Sendable {
    public struct Condition: Codable, Sendable, Equatable {
        public var key: String
        public var equals: String?
        public var matches: String?
        public init(key: String, equals: String? = nil, matches: String? = nil) {
            self.key = key
            self.equals = equals
            self.matches = matches
        }
    }
    public var bindingId: String
    public var principal: String
    public var role: String
    public var effect: String
    public var allKeys: Bool?
    public var keyId: String?
    public var aliasPrefix: String?
    public var tagKey: String?
    public var tagValue: String?
    public var conditions: [Condition]
    public var createDate: Date
}

extension KeyService {
    func bindingInfo(_ binding: BindingRecord, principalName: String) -> BindingInfo {
        var info = BindingInfo(bindingId: binding.id, principal: principalName, role: binding.role, effect: binding.effect.rawValue,
                               conditions: binding.conditions.map(BindingInfo.Condition.init), createDate: binding.createdAt.date)
        switch binding.scope {
        case .allKeys: info.allKeys = true
        case .key(let id): info.keyId = id
        case .aliasPrefix(let prefix): info.aliasPrefix = prefix
        case .tag(let key, let value): (info.tagKey, info.tagValue) = (key, value)
        }
        return info
    }
}

extension BindingInfo.Condition {
    init(_ condition: ContextCondition) {
        switch condition {
        case .hasKey(let key): self.init(key: key)
        case .equals(let key, let value): self.init(key: key, equals: value)
        case .matches(let key, let pattern): self.init(key: key, matches: pattern)
        }
    }

    func parsed() throws(KMSError) -> ContextCondition {
        guard !key.isEmpty else { throw KMSError.validation("A condition needs a key.") }
        switch (equals, matches) {
        case (nil, nil): return .hasKey(key)
        case (.some(let value), nil): return .equals(key: key, value: value)
        case (nil, .some(let pattern)): return .matches(key: key, pattern: pattern)
        default: throw KMSError.validation("A condition takes equals or matches, not both.")
        }
    }
}

/// CreateBinding: gives a principal a role on a scope (all keys, one key, an alias prefix or a tag),
/// optionally only under encryption-context conditions; effect Deny takes the role's actions away.
public enum CreateBinding: Operation {
    public struct Input: OperationInput {
        public var principal: String
        public var role: String
        public var effect: String?
        public var allKeys: Bool?
        public var keyId: String?
        public var aliasPrefix: String?
        public var tagKey: String?
        public var tagValue: String?
        public var conditions: [BindingInfo.Condition]?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case principal, role, effect, allKeys, keyId, aliasPrefix, tagKey, tagValue, conditions
        }
        public init(principal: String, role: String, allKeys: Bool? = nil, keyId: String? = nil, aliasPrefix: String? = nil,
                    tagKey: String? = nil, tagValue: String? = nil, conditions: [BindingInfo.Condition]? = nil, effect: String? = nil) {
            self.principal = principal
            self.role = role
            self.allKeys = allKeys
            self.keyId = keyId
            self.aliasPrefix = aliasPrefix
            self.tagKey = tagKey
            self.tagValue = tagValue
            self.conditions = conditions
            self.effect = effect
        }
    }

    public struct Output: Encodable, Sendable { public var binding: BindingInfo }
    public static let action = Action.createBinding

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard let effect = BindingRecord.Effect(rawValue: input.effect ?? "Allow") else {
            throw KMSError.validation("effect must be Allow or Deny.")
        }
        let given = [input.allKeys == true, input.keyId != nil, input.aliasPrefix != nil, input.tagKey != nil].filter { $0 }.count
        guard given == 1, (input.tagKey == nil) == (input.tagValue == nil) else {
            throw KMSError.validation("Give exactly one scope: allKeys, keyId, aliasPrefix, or tagKey with tagValue.")
        }
        let scope: BindingScope
        if input.allKeys == true {
            scope = .allKeys
        } else if let keyId = input.keyId {
            // Resolved now: a binding follows the key, never a later re-pointing of an alias.
            scope = .key(try service.resolve(keyId, accept: .keyOrAlias).record.id)
        } else if let prefix = input.aliasPrefix {
            let trimmed = prefix.hasSuffix("*") ? String(prefix.dropLast()) : prefix
            guard trimmed.hasPrefix("alias/"), trimmed.count > 6, !trimmed.contains("*") else {
                throw KMSError.validation("aliasPrefix must look like alias/team-a/ (a trailing * is optional).")
            }
            scope = .aliasPrefix(trimmed)
        } else {
            scope = .tag(key: input.tagKey!, value: input.tagValue!)
        }
        let conditions = try (input.conditions ?? []).map { condition throws(KMSError) in try condition.parsed() }
        guard conditions.count <= 16 else { throw KMSError.validation("A binding takes at most 16 conditions.") }
        let (binding, name) = try await service.mutate { state, now in
            guard let principal = state.principal(named: input.principal) else {
                throw KMSError.notFound("Principal \(sanitizedForMessage(input.principal)) does not exist.")
            }
            guard state.roles[input.role] != nil else { throw KMSError.notFound("Role \(sanitizedForMessage(input.role)) does not exist.") }
            let binding = BindingRecord(id: UUIDString.random(), principalId: principal.id, role: input.role, scope: scope,
                                        conditions: conditions, effect: effect, createdAt: now)
            let changes: [StoreChange] = [.putBinding(binding)]
            try KeyService.checkIdentityChange(state, by: context.caller.principalId, after: changes)
            return (changes, (binding, principal.name))
        }
        context.logger.notice("binding created", metadata: ["principal": "\(name)", "role": "\(binding.role)", "scope": "\(binding.scope.summary)"])
        return Output(binding: service.bindingInfo(binding, principalName: name))
    }
}

/// ListBindings: all bindings, or one principal's.
public enum ListBindings: Operation {
    public struct Input: OperationInput {
        public var principal: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case principal }
        public init(principal: String? = nil) { self.principal = principal }
    }
    public struct Output: Encodable, Sendable { public var bindings: [BindingInfo] }
    public static let action = Action.listBindings
    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let rows = try service.read { state throws(KMSError) -> [(BindingRecord, String)] in
            var filter: String?
            if let name = input.principal {
                guard let principal = state.principal(named: name) else {
                    throw KMSError.notFound("Principal \(sanitizedForMessage(name)) does not exist.")
                }
                filter = principal.id
            }
            return state.bindings.values.filter { filter == nil || $0.principalId == filter }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { ($0, state.principals[$0.principalId]?.name ?? $0.principalId) }
        }
        return Output(bindings: rows.map { service.bindingInfo($0.0, principalName: $0.1) })
    }
}

/// DeleteBinding: removes a binding. The last administrator's binding cannot be removed.
public enum DeleteBinding: Operation {
    public struct Input: OperationInput {
        public var bindingId: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case bindingId }
        public init(bindingId: String) { self.bindingId = bindingId }
    }
    public static let action = Action.deleteBinding
    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try await service.mutate { state, _ in
            guard state.bindings[input.bindingId] != nil else {
                throw KMSError.notFound("Binding \(sanitizedForMessage(input.bindingId)) does not exist.")
            }
            let changes: [StoreChange] = [.deleteBinding(id: input.bindingId)]
            try KeyService.checkIdentityChange(state, by: context.caller.principalId, after: changes)
            return (changes, ())
        }
        return EmptyOutput()
    }
}
