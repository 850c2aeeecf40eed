import Foundation
import KeyCrypto
import Logging

/// DescribeKey: a key's metadata, in any state; accepts all four identifier forms.
public enum DescribeKey: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var grantTokens: [String]?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, grantTokens }
        public init(keyId: String) { self.keyId = keyId }
    }

    public struct Output: Encodable, Sendable {
        public var keyMetadata: KeyMetadata
    }

    public static let action = Action.describeKey
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        try service.validateGrantTokens(input.grantTokens)
        let entry = try service.resolve(input.keyId, accept: .keyOrAlias)
        return Output(keyMetadata: KeyMetadata(entry.record, partition: service.partition, now: service.now))
    }
}
