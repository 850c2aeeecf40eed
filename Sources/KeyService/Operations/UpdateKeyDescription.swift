import Foundation
import KeyCrypto
import Logging

/// UpdateKeyDescription: replaces a key's description (key id or ARN only).
public enum UpdateKeyDescription: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var description: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, description }
        public init(keyId: String, description: String) {
            self.keyId = keyId
            self.description = description
        }
    }

    public static let action = Action.updateKeyDescription
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try Validate.description(input.description)
        try await service.updateKey(input.keyId) { record in
            guard record.state != .pendingDeletion else { return .pendingDeletion }
            record.description = input.description
            return nil
        }
        return EmptyOutput()
    }
}

extension KeyService {
    /// A state problem an update closure reports.
    enum UpdateRefusal {
        case pendingDeletion, notPendingDeletion, pendingImport, disabled, custom(KMSError)
    }

    /// Changes one key's metadata atomically (key id or ARN only). `check` sees
    /// the whole entry (versions included) inside the same write and may throw;
    /// `change` returns a refusal to leave the key untouched.
    @discardableResult
    func updateKey(_ raw: String, check: @escaping @Sendable (KeyEntry) throws -> Void = { _ in },
                   extraChanges: @escaping @Sendable (KeyRecord, Timestamp) throws -> [StoreChange] = { _, _ in [] },
                   _ change: @escaping @Sendable (inout KeyRecord) throws -> UpdateRefusal?) async throws -> KeyRecord {
        let reference = try KeyReference.parse(raw, partition: partition, accept: .keyOnly)
        guard case .keyId(let id) = reference else { throw KMSError.notFound("Key '\(raw)' does not exist") }
        let partition = self.partition
        return try await mutate { state, now in
            guard let entry = state.keys[id] else {
                throw KMSError.notFound("Key '\(partition.keyArn(id))' does not exist")
            }
            try check(entry)
            var record = entry.record
            let arn = partition.keyArn(id)
            if let refusal = try change(&record) {
                switch refusal {
                case .pendingDeletion: throw KMSError(.invalidState, "\(arn) is pending deletion.")
                case .notPendingDeletion: throw KMSError(.invalidState, "\(arn) is not pending deletion.")
                case .pendingImport: throw KMSError(.invalidState, "\(arn) is pending import.")
                case .disabled: throw KMSError(.disabled, "\(arn) is disabled.")
                case .custom(let error): throw error
                }
            }
            return ([.putKey(record)] + (try extraChanges(record, now)), record)
        }
    }
}
