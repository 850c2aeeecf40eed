import Foundation
import KeyCrypto
import Logging


/// GenerateRandom: 1–1024 bytes from the server's CSPRNG.
public enum GenerateRandom: Operation {
    public struct Input: OperationInput {
        public var numberOfBytes: Int?
        public var customKeyStoreId: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case numberOfBytes, customKeyStoreId }
        public init(numberOfBytes: Int?) { self.numberOfBytes = numberOfBytes }
    }

    public struct Output: Encodable, Sendable {
        public var plaintext: SecretBlob
    }

    public static let action = Action.generateRandom

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        guard let count = input.numberOfBytes else { throw KMSError.validation("NumberOfBytes is required.") }
        guard (1...Limits.maxRandomBytes).contains(count) else {
            throw KMSError.validation("NumberOfBytes must be between 1 and \(Limits.maxRandomBytes).")
        }
        guard input.customKeyStoreId == nil else {
            throw KMSError(.unsupportedOperation, "Custom key stores are not supported by this service.")
        }
        return Output(plaintext: SecretBlob(try SecureBytes.random(count: count)))
    }
}
