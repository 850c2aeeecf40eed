import Foundation
import KeyCrypto
import Logging

/// EnableKey: makes a disabled key usable again.
public enum EnableKey: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId }
        public init(keyId: String) { self.keyId = keyId }
    }

    public static let action = Action.enableKey
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try await service.setState(of: input.keyId, to: .enabled)
        return EmptyOutput()
    }
}

/// DisableKey: refuses every cryptographic use of a key until it is enabled again.
public enum DisableKey: Operation {
    public typealias Input = EnableKey.Input
    public static let action = Action.disableKey
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try await service.setState(of: input.keyId, to: .disabled)
        return EmptyOutput()
    }
}

extension KeyService {
    /// Enables or disables a key; idempotent; refused while it is pending deletion or import.
    func setState(of keyId: String, to state: KeyState) async throws {
        let now = self.now
        try await updateKey(keyId) { record in
            switch record.effectiveState(at: now) {
            case .pendingDeletion: return .pendingDeletion
            case .pendingImport: return .pendingImport
            case .enabled, .disabled:
                record.state = state
                return nil
            }
        }
    }
}
