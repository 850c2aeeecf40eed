import Foundation
import KeyCrypto

/// JSON coders of the two front doors (`WireDecoder`, `WireEncoder`). Both decode
/// into the same `Operation` input types and encode the same outputs; they differ
/// only in spelling: REST uses camelCase members and RFC 3339 dates, the AWS
/// protocol PascalCase members and epoch-second dates.
enum WireCoding {
    static let restEncoder = WireEncoder(dates: .iso8601)
    static let awsEncoder = WireEncoder(dates: .epochSeconds, memberName: { pascalCase($0) })
    /// How the AWS door reads member names.
    static let awsMemberName: @Sendable (String) -> String = { camelCase($0) }

    /// Reads a request body: empty means `{}`; anything that is not JSON is a SerializationException.
    static func parse(_ body: UnsafeRawBufferPointer) throws(KMSError) -> JSONValue {
        if body.isEmpty { return .emptyObject }
        do {
            return try JSONReader.parse(body)
        } catch {
            throw KMSError(.serialization, "The request body is not valid JSON (\(error.description)).")
        }
    }

    /// `KeyId` → `keyId`; `AWSAccountId` → `awsAccountId`. (Member names are ASCII.)
    static func camelCase(_ name: String) -> String {
        if name == "AWSAccountId" { return "awsAccountId" }
        guard let first = name.utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return name }
        var bytes = Array(name.utf8)
        bytes[0] += 0x20
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `keyId` → `KeyId`; `awsAccountId` → `AWSAccountId`.
    static func pascalCase(_ name: String) -> String {
        if name == "awsAccountId" { return "AWSAccountId" }
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return name }
        var bytes = Array(name.utf8)
        bytes[0] -= 0x20
        return String(decoding: bytes, as: UTF8.self)
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Decodes an input strictly (REST): members its `CodingKeys` (and those of the
/// types inside it) do not list are refused, and so are nulls.
enum StrictInput<T: OperationInput> {
    static func decode(_ json: JSONValue) throws -> T {
        try WireDecoder.decode(T.self, from: json, strict: true)
    }
}

/// Decodes an input and ignores unknown members (AWS: SDKs of different ages send different sets).
struct LenientInput<T: OperationInput>: Decodable {
    let value: T
    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)  // the body must be a JSON object
        value = try T(from: decoder)
    }
}

extension KMSError {
    /// Turns a decoding failure into the caller's error, naming the field but never its value.
    static func fromDecoding(_ error: any Error, fieldName: (String) -> String = { $0 }) -> KMSError {
        if let error = error as? KMSError { return error }
        guard let error = error as? DecodingError else {
            return KMSError(.serialization, "The request body is not valid JSON.")
        }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.filter { $0.intValue == nil }.map { fieldName($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let prefix = path(context)
            return .validation("Field '\(prefix.isEmpty ? "" : prefix + ".")\(fieldName(key.stringValue))' is required.")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            if context.codingPath.isEmpty { return KMSError(.serialization, "The request body must be a JSON object.") }
            return .validation("Field '\(path(context))' has the wrong type.")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return KMSError(.serialization, "The request body is not valid: \(context.debugDescription).") }
            return .validation("Field '\(path(context))' is not valid: \(context.debugDescription).")
        @unknown default:
            return KMSError(.serialization, "The request body could not be read.")
        }
    }
}
