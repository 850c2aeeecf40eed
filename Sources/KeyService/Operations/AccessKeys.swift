import Foundation
import KeyCrypto
import Logging

/// CreateAccessKey: a second access key for a principal (at most two), so keys rotate without downtime.
public enum CreateAccessKey: Operation {
    public typealias Input = DescribePrincipal.Input
    public struct Output: Encodable, Sendable {
        public var accessKey: NewAccessKey
    }

    public static let action = Action.createAccessKey
    static let maxPerPrincipal = 2

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let (key, secret) = try await service.mutate { state, now in
            guard let principal = state.principal(named: input.principal) else {
                throw KMSError.notFound("Principal \(sanitizedForMessage(input.principal)) does not exist.")
            }
            guard state.accessKeys.values.filter({ $0.principalId == principal.id }).count < maxPerPrincipal else {
                throw KMSError(.limitExceeded, "A principal may have at most \(maxPerPrincipal) access keys; delete one first.")
            }
            let (key, secret) = try service.makeAccessKey(principalId: principal.id, at: now)
            let changes: [StoreChange] = [.putAccessKey(key)]
            try KeyService.checkEscalation(state, by: context.caller.principalId, after: changes)
            return (changes, (key, secret))
        }
        context.logger.notice("access key created", metadata: ["principal": "\(input.principal)", "accessKeyId": "\(key.id)"])
        return Output(accessKey: NewAccessKey(accessKeyId: key.id, secretAccessKey: SecretBlobText(bytes: secret)))
    }
}

/// UpdateAccessKey: deactivates or reactivates an access key.
public enum UpdateAccessKey: Operation {
    public struct Input: OperationInput {
        public var principal: String
        public var accessKeyId: String
        public var status: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case principal, accessKeyId, status }
        public init(principal: String, accessKeyId: String, status: String) {
            self.principal = principal
            self.accessKeyId = accessKeyId
            self.status = status
        }
    }

    public static let action = Action.updateAccessKey

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        guard let status = AccessKeyRecord.Status(rawValue: input.status) else {
            throw KMSError.validation("status must be Active or Inactive.")
        }
        try await service.mutate { state, _ in
            var key = try KeyService.accessKey(input.accessKeyId, of: input.principal, in: state)
            key.status = status
            let changes: [StoreChange] = [.putAccessKey(key)]
            try KeyService.checkIdentityChange(state, by: context.caller.principalId, after: changes)
            return (changes, ())
        }
        if status == .inactive { service.forgetCredential(accessKeyId: input.accessKeyId) }
        return EmptyOutput()
    }
}

/// DeleteAccessKey: removes an access key for good.
public enum DeleteAccessKey: Operation {
    public struct Input: OperationInput {
        public var principal: String
        public var accessKeyId: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case principal, accessKeyId }
        public init(principal: String, accessKeyId: String) {
            self.principal = principal
            self.accessKeyId = accessKeyId
        }
    }

    public static let action = Action.deleteAccessKey

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try await service.mutate { state, _ in
            let key = try KeyService.accessKey(input.accessKeyId, of: input.principal, in: state)
            let changes: [StoreChange] = [.deleteAccessKey(id: key.id)]
            try KeyService.checkIdentityChange(state, by: context.caller.principalId, after: changes)
            return (changes, ())
        }
        service.forgetCredential(accessKeyId: input.accessKeyId)
        return EmptyOutput()
    }
}

extension KeyService {
    static func accessKey(_ id: String, of principalName: String, in state: borrowing ServiceState) throws(KMSError) -> AccessKeyRecord {
        guard let principal = state.principal(named: principalName) else {
            throw KMSError.notFound("Principal \(sanitizedForMessage(principalName)) does not exist.")
        }
        guard let key = state.accessKeys[id], key.principalId == principal.id else {
            throw KMSError.notFound("Access key \(sanitizedForMessage(id)) of \(principal.name) does not exist.")
        }
        return key
    }
}
