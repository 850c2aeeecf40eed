import Foundation
import KeyCrypto
import Logging

/// ScheduleKeyDeletion: the key goes to PendingDeletion; its material is destroyed
/// when the window (7–30 days, default 30) ends, unless deletion is cancelled.
public enum ScheduleKeyDeletion: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var pendingWindowInDays: Int?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, pendingWindowInDays }
        public init(keyId: String, pendingWindowInDays: Int? = nil) {
            self.keyId = keyId
            self.pendingWindowInDays = pendingWindowInDays
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyId: String
        public var deletionDate: Date
        public var keyState: String
        public var pendingWindowInDays: Int
    }

    public static let action = Action.scheduleKeyDeletion
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let days = input.pendingWindowInDays ?? Limits.defaultDeletionWindow
        guard Limits.deletionWindow.contains(days) else {
            throw KMSError.validation("PendingWindowInDays must be between 7 and 30.")
        }
        let now = service.now
        let record = try await service.updateKey(input.keyId) { record in
            guard record.state != .pendingDeletion else { return .pendingDeletion }
            record.state = .pendingDeletion
            record.deletionAt = now.adding(days: days)
            return nil
        }
        context.logger.notice("key deletion scheduled", metadata: ["keyId": "\(record.id)", "days": "\(days)"])
        return Output(
            keyId: service.partition.keyArn(record.id), deletionDate: record.deletionAt!.date,
            keyState: record.state.rawValue, pendingWindowInDays: days)
    }
}

/// CancelKeyDeletion: a key pending deletion becomes Disabled (PendingImport if
/// it is an imported key whose material was deleted or expired).
public enum CancelKeyDeletion: Operation {
    public typealias Input = EnableKey.Input
    public struct Output: Encodable, Sendable {
        public var keyId: String
    }

    public static let action = Action.cancelKeyDeletion
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let record = try await service.updateKey(input.keyId) { record in
            guard record.state == .pendingDeletion else { return .notPendingDeletion }
            // An imported key has an expiration model exactly while it has material.
            record.state = record.origin == .external && record.expirationModel == nil ? .pendingImport : .disabled
            record.deletionAt = nil
            return nil
        }
        return Output(keyId: service.partition.keyArn(record.id))
    }
}

