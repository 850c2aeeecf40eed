import Synchronization
import Foundation
import KeyCrypto
import Logging

/// CreateAlias: a new friendly name (`alias/…`) for a key.
public enum CreateAlias: Operation {
    public struct Input: OperationInput {
        public var aliasName: String
        public var targetKeyId: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case aliasName, targetKeyId }
        public init(aliasName: String, targetKeyId: String) {
            self.aliasName = aliasName
            self.targetKeyId = targetKeyId
        }
    }

    public static let action = Action.createAlias
    public static func keyReference(_ input: Input) -> String? { input.targetKeyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try Validate.aliasName(input.aliasName)
        let target = try KeyReference.parse(input.targetKeyId, partition: service.partition, accept: .keyOnly)
        guard case .keyId(let targetId) = target else { throw KMSError.notFound("TargetKeyId must be a key id or key ARN.") }
        let partition = service.partition
        try await service.mutate { state, now in
            guard state.aliases[input.aliasName] == nil else {
                throw KMSError(.alreadyExists, "An alias with the name \(partition.aliasArn(input.aliasName)) already exists")
            }
            guard let key = state.keys[targetId]?.record else {
                throw KMSError.notFound("Key '\(partition.keyArn(targetId))' does not exist")
            }
            guard key.state != .pendingDeletion else {
                throw KMSError(.invalidState, "\(partition.keyArn(targetId)) is pending deletion.")
            }
            guard state.aliases.values.filter({ $0.targetKeyId == targetId }).count < Limits.maxAliasesPerKey else {
                throw KMSError(.limitExceeded, "A key may have at most \(Limits.maxAliasesPerKey) aliases.")
            }
            let alias = AliasRecord(name: input.aliasName, targetKeyId: targetId, createdAt: now, updatedAt: now)
            return ([.putAlias(alias)], ())
        }
        return EmptyOutput()
    }
}

/// UpdateAlias: points an existing alias at another key of the same spec and usage.
/// The caller needs UpdateAlias on the new target (checked before the handler) and
/// on the key the alias points at now, as AWS requires: otherwise a principal could
/// divert someone else's alias to a key of its own.
public enum UpdateAlias: Operation {
    public typealias Input = CreateAlias.Input
    public static let action = Action.updateAlias
    public static func keyReference(_ input: Input) -> String? { input.targetKeyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try Validate.aliasName(input.aliasName)
        let target = try KeyReference.parse(input.targetKeyId, partition: service.partition, accept: .keyOnly)
        guard case .keyId(let targetId) = target else { throw KMSError.notFound("TargetKeyId must be a key id or key ARN.") }
        let partition = service.partition
        let current = service.read { $0.aliases[input.aliasName]?.targetKeyId }
        if let current {
            try service.authorize(.updateAlias, keyReference: current, encryptionContext: nil, context: context)
        }
        try await service.mutate { state, now in
            guard var alias = state.aliases[input.aliasName] else {
                throw KMSError.notFound("Alias \(partition.aliasArn(input.aliasName)) is not found.")
            }
            guard alias.targetKeyId == current else {
                throw KMSError(.invalidState, "Alias \(partition.aliasArn(input.aliasName)) changed while it was being updated; try again.")
            }
            guard let key = state.keys[targetId]?.record else {
                throw KMSError.notFound("Key '\(partition.keyArn(targetId))' does not exist")
            }
            guard key.state != .pendingDeletion else {
                throw KMSError(.invalidState, "\(partition.keyArn(targetId)) is pending deletion.")
            }
            if let current = state.keys[alias.targetKeyId]?.record, current.spec != key.spec || current.usage != key.usage {
                throw KMSError.validation("The new target key must have the same key spec and key usage as the current one.")
            }
            alias.targetKeyId = targetId
            alias.updatedAt = now
            return ([.putAlias(alias)], ())
        }
        return EmptyOutput()
    }
}

/// DeleteAlias: removes an alias; the key is untouched.
public enum DeleteAlias: Operation {
    public struct Input: OperationInput {
        public var aliasName: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case aliasName }
        public init(aliasName: String) { self.aliasName = aliasName }
    }

    public static let action = Action.deleteAlias
    public static func keyReference(_ input: Input) -> String? { input.aliasName }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try Validate.aliasName(input.aliasName)
        let partition = service.partition
        try await service.mutate { state, _ in
            guard state.aliases[input.aliasName] != nil else {
                throw KMSError.notFound("Alias \(partition.aliasArn(input.aliasName)) is not found.")
            }
            return ([.deleteAlias(name: input.aliasName)], ())
        }
        return EmptyOutput()
    }
}

/// ListAliases: all aliases, or those of one key, sorted by name, paginated.
public enum ListAliases: Operation {
    public struct Input: OperationInput {
        public var keyId: String?
        public var limit: Int?
        public var marker: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, limit, marker }
        public init(keyId: String? = nil, limit: Int? = nil, marker: String? = nil) {
            self.keyId = keyId
            self.limit = limit
            self.marker = marker
        }
    }

    public struct Entry: Encodable, Sendable {
        public var aliasName: String
        public var aliasArn: String
        public var targetKeyId: String
        public var creationDate: Date
        public var lastUpdatedDate: Date
    }

    public struct Output: Encodable, Sendable {
        public var aliases: [Entry]
        public var nextMarker: String?
        public var truncated: Bool
    }

    public static let action = Action.listAliases
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let limit = try Marker.limit(input.limit, range: 1...100, default: 50)
        let after = try Marker.parse(input.marker, listing: "aliases")
        let keyId = try input.keyId.map { raw throws(KMSError) in try service.resolve(raw, accept: .keyOnly).record.id }
        let aliases = service.read { state in
            state.aliases.values.filter { keyId == nil || $0.targetKeyId == keyId }.sorted { $0.name < $1.name }
        }
        let page = Marker.page(aliases, key: \.name, after: after, limit: limit, listing: "aliases")
        return Output(
            aliases: page.items.map {
                Entry(aliasName: $0.name, aliasArn: service.partition.aliasArn($0.name), targetKeyId: $0.targetKeyId,
                      creationDate: $0.createdAt.date, lastUpdatedDate: $0.updatedAt.date)
            },
            nextMarker: page.nextMarker, truncated: page.nextMarker != nil)
    }
}

