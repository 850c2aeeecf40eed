import Foundation
import KeyCrypto

/// A binary value that travels as standard base64 (ciphertext blobs, random bytes).
public struct Blob: Sendable, Equatable, Codable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = Base64.decode(string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not valid base64"))
        }
        self.bytes = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Base64.encode(bytes))
    }
}

/// A secret that travels as base64 (plaintext, data keys). Decoded straight into
/// `SecureBytes`; its description never shows the bytes.
public struct SecretBlob: Sendable, Equatable, Codable, CustomStringConvertible {
    public var bytes: SecureBytes
    public init(_ bytes: SecureBytes) { self.bytes = bytes }

    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = Base64.decodeSecret(string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not valid base64"))
        }
        self.bytes = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Base64.encode(bytes))
    }

    public var description: String { "SecretBlob(\(bytes.count) bytes)" }
}

/// A request body type. Its `CodingKeys` list every field it accepts, so a front
/// door can refuse unknown fields (REST) or ignore them (AWS) without a second list.
public protocol OperationInput: Decodable, Sendable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

/// A request with no fields.
public struct EmptyInput: OperationInput {
    public enum CodingKeys: String, CodingKey, CaseIterable { case _none }
    public init() {}
    public init(from decoder: any Decoder) throws {}
}

/// A response with no fields.
public struct EmptyOutput: Encodable, Sendable {
    public init() {}
}
