import Foundation
import KeyCrypto
import Logging

/// GetKeyPolicy: the key's policy document (the default one until PutKeyPolicy).
public enum GetKeyPolicy: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var policyName: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, policyName }
        public init(keyId: String, policyName: String? = nil) {
            self.keyId = keyId
            self.policyName = policyName
        }
    }

    public struct Output: Encodable, Sendable {
        public var policy: String
        public var policyName: String
    }

    public static let action = Action.getKeyPolicy
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        if let name = input.policyName { try Validate.policyName(name) }
        guard (input.policyName ?? "default") == "default" else { throw KMSError.notFound("The only key policy is named default.") }
        let keyId = try service.resolve(input.keyId, accept: .keyOnly).record.id
        let policy = service.read { $0.keyPolicies[keyId] } ?? KeyPolicy.defaultPolicy(account: service.partition.account)
        return Output(policy: policy, policyName: "default")
    }
}

/// PutKeyPolicy: stores a policy document after checking it against the policy grammar.
/// Its Deny statements are enforced; it grants nothing RBAC does not (see `KeyPolicy`).
public enum PutKeyPolicy: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var policyName: String?
        public var policy: String
        public var bypassPolicyLockoutSafetyCheck: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, policyName, policy, bypassPolicyLockoutSafetyCheck }
        public init(keyId: String, policy: String) {
            self.keyId = keyId
            self.policy = policy
        }
    }

    public static let action = Action.putKeyPolicy
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        if let name = input.policyName { try Validate.policyName(name) }
        guard (input.policyName ?? "default") == "default" else { throw KMSError.validation("PolicyName must be default.") }
        let keyId = try service.resolve(input.keyId, accept: .keyOnly).record.id
        try service.checkKeyPolicy(input.policy, bypassLockoutSafetyCheck: input.bypassPolicyLockoutSafetyCheck == true, context: context)
        try await service.mutate { state, _ in
            guard state.keys[keyId] != nil else { throw KMSError.notFound("Key '\(service.partition.keyArn(keyId))' does not exist") }
            return ([.putKeyPolicy(keyId: keyId, policy: input.policy)], ())
        }
        return EmptyOutput()
    }
}

/// ListKeyPolicies: the names of a key's policies (always `default`).
public enum ListKeyPolicies: Operation {
    public typealias Input = ListResourceTags.Input
    public struct Output: Encodable, Sendable {
        public var policyNames: [String]
        public var truncated: Bool
    }

    public static let action = Action.listKeyPolicies
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        _ = try Marker.limit(input.limit, range: 1...1000, default: 100)
        _ = try service.resolve(input.keyId, accept: .keyOnly)
        return Output(policyNames: ["default"], truncated: false)
    }
}

extension KeyService {
    /// A key policy's grammar and its two lockout checks (CreateKey and PutKeyPolicy):
    /// the caller must still be able to change it (AWS's safety check, which
    /// BypassPolicyLockoutSafetyCheck skips), and some enabled administrator must
    /// too, which only an administrator's bypass skips: a key administrator cannot
    /// lock the service's administrators out of a key.
    func checkKeyPolicy(_ policy: String, bypassLockoutSafetyCheck: Bool, context: CallContext) throws(KMSError) {
        _ = try KeyPolicy.validate(policy)
        let denials = KeyPolicy.denyStatements(policy)
        let (caller, administratorIds, administrators) = read { state in
            let ids = state.effectiveAdministrators()
            return (state.principals[context.caller.principalId], ids, ids.compactMap { state.principals[$0] })
        }
        if !bypassLockoutSafetyCheck, let caller, KeyPolicy.denyingStatement(denials, action: .putKeyPolicy, principal: caller) != nil {
            throw KMSError(.malformedPolicyDocument, "The new key policy would stop you from changing it again; set BypassPolicyLockoutSafetyCheck to store it anyway.")
        }
        let administratorBypasses = bypassLockoutSafetyCheck && administratorIds.contains(context.caller.principalId)
        if !administratorBypasses, !administrators.isEmpty,
           administrators.allSatisfy({ KeyPolicy.denyingStatement(denials, action: .putKeyPolicy, principal: $0) != nil }) {
            throw KMSError(.malformedPolicyDocument, "The new key policy would stop every administrator from changing it; at least one enabled administrator must keep kms:PutKeyPolicy.")
        }
    }
}

extension Validate {
    /// A policy name as the AWS model has it: 1–128 word characters (the only one that exists is `default`).
    static func policyName(_ name: String) throws(KMSError) {
        guard (1...128).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw KMSError.validation("1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+ and have length between 1 and 128")
        }
    }
}
