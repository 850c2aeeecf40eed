import Foundation
import KeyCrypto
import Logging


/// EnableKeyRotation: rotate automatically every 90–2560 days (default 365).
public enum EnableKeyRotation: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var rotationPeriodInDays: Int?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, rotationPeriodInDays }
        public init(keyId: String, rotationPeriodInDays: Int? = nil) {
            self.keyId = keyId
            self.rotationPeriodInDays = rotationPeriodInDays
        }
    }

    public static let action = Action.enableKeyRotation
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        let days = input.rotationPeriodInDays ?? Limits.defaultRotationPeriod
        guard Limits.rotationPeriod.contains(days) else {
            throw KMSError.validation("RotationPeriodInDays must be between 90 and 2560.")
        }
        let now = service.now
        try await service.updateKey(input.keyId) { record in
            if let refusal = rotationRefusal(record) { return refusal }
            record.rotationEnabled = true
            record.rotationPeriodDays = days
            record.nextRotationAt = now.adding(days: days)
            return nil
        }
        return EmptyOutput()
    }

    /// Why a key cannot change its rotation settings or rotate now, if it cannot.
    static func rotationRefusal(_ record: KeyRecord) -> KeyService.UpdateRefusal? {
        guard record.spec.supportsRotation, record.origin == .awsKMS else {
            let why = record.origin == .awsKMS ? "keys of spec \(record.spec.rawValue)" : "keys with imported material"
            return .custom(KMSError(.unsupportedOperation, "Rotation (automatic or on demand) is not supported for \(why)."))
        }
        switch record.state {
        case .enabled: return nil
        case .disabled: return .disabled
        case .pendingDeletion: return .pendingDeletion
        case .pendingImport: return .pendingImport
        }
    }
}

/// DisableKeyRotation: stops automatic rotation; existing versions keep decrypting.
public enum DisableKeyRotation: Operation {
    public typealias Input = EnableKey.Input
    public static let action = Action.disableKeyRotation
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try await service.updateKey(input.keyId) { record in
            if let refusal = EnableKeyRotation.rotationRefusal(record) { return refusal }
            record.rotationEnabled = false
            record.nextRotationAt = nil
            return nil
        }
        return EmptyOutput()
    }
}

/// GetKeyRotationStatus: whether automatic rotation is on, its period and next date.
public enum GetKeyRotationStatus: Operation {
    public typealias Input = EnableKey.Input
    public struct Output: Encodable, Sendable {
        public var keyRotationEnabled: Bool
        public var keyId: String
        public var rotationPeriodInDays: Int?
        public var nextRotationDate: Date?
    }

    public static let action = Action.getKeyRotationStatus
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let record = try service.resolve(input.keyId, accept: .keyOnly).record
        guard record.spec.supportsRotation, record.origin == .awsKMS else {
            throw KMSError(.unsupportedOperation, "Automatic rotation is not supported for this key.")
        }
        return Output(
            keyRotationEnabled: record.rotationEnabled, keyId: service.partition.keyArn(record.id),
            rotationPeriodInDays: record.rotationEnabled ? record.rotationPeriodDays : nil,
            nextRotationDate: record.rotationEnabled ? record.nextRotationAt?.date : nil)
    }
}

/// RotateKeyOnDemand: adds a new version now (at most 25 on-demand rotations per key).
public enum RotateKeyOnDemand: Operation {
    public typealias Input = EnableKey.Input
    public struct Output: Encodable, Sendable {
        public var keyId: String
    }

    public static let action = Action.rotateKeyOnDemand
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let record = try await service.rotate(input.keyId, type: .onDemand)
        context.logger.info("key rotated", metadata: ["keyId": "\(record.id)", "version": "\(record.latestVersion)"])
        return Output(keyId: service.partition.keyArn(record.id))
    }
}

extension KeyService {
    /// Adds a new version to an enabled, rotatable key. The on-demand limit is
    /// checked inside the write, so concurrent requests cannot pass it together.
    func rotate(_ raw: String, type: RotationType) async throws -> KeyRecord {
        try await updateKey(raw, check: { entry in
            guard type == .onDemand else { return }
            let onDemand = entry.versions.values.filter { $0.rotationType == .onDemand }.count
            guard onDemand < Limits.maxOnDemandRotations else {
                throw KMSError(.limitExceeded, "A key may be rotated on demand at most \(Limits.maxOnDemandRotations) times.")
            }
        }, extraChanges: { record, now in
            [.addVersion(try self.newVersion(keyId: record.id, spec: record.spec, version: record.latestVersion, type: type, at: now))]
        }) { record in
            if let refusal = EnableKeyRotation.rotationRefusal(record) { return refusal }
            record.latestVersion += 1
            return nil
        }
    }
}

/// ListKeyRotations: the rotations a key has had (every version after the first).
public enum ListKeyRotations: Operation {
    public typealias Input = ListResourceTags.Input
    public struct Entry: Encodable, Sendable {
        public var keyId: String
        public var rotationDate: Date
        public var rotationType: String
    }

    public struct Output: Encodable, Sendable {
        public var rotations: [Entry]
        public var nextMarker: String?
        public var truncated: Bool
    }

    public static let action = Action.listKeyRotations
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let limit = try Marker.limit(input.limit, range: 1...1000, default: 100)
        let after = try Marker.parse(input.marker, listing: "rotations")
        let entry = try service.resolve(input.keyId, accept: .keyOnly)
        guard entry.record.spec.supportsRotation, entry.record.origin == .awsKMS else {
            throw KMSError(.unsupportedOperation, "Rotation is not supported for this key.")
        }
        let versions = entry.versions.values.filter { $0.rotationType != .initial }.sorted { $0.version < $1.version }
        // Markers hold the version number zero-padded so string order is numeric order.
        let page = Marker.page(versions, key: { String(format: "%010d", $0.version) }, after: after, limit: limit, listing: "rotations")
        return Output(
            rotations: page.items.map {
                Entry(keyId: service.partition.keyArn($0.keyId), rotationDate: $0.createdAt.date, rotationType: $0.rotationType.rawValue)
            },
            nextMarker: page.nextMarker, truncated: page.nextMarker != nil)
    }
}
