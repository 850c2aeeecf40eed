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

    /// `outer.inner.name` for a member at `codingPath` (array positions left out), safe to echo in an error.
    static func fieldPath(_ codingPath: [any CodingKey], then name: String? = nil) -> String {
        let names = codingPath.filter { $0.intValue == nil }.map(\.stringValue) + (name.map { [$0] } ?? [])
        return sanitizedForMessage(names.joined(separator: "."), limit: 64)
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

extension KMSError {
    /// Turns a decoding failure into the caller's error, naming the field but never its value.
    static func fromDecoding(_ error: any Error) -> KMSError {
        if let error = error as? KMSError { return error }
        guard let error = error as? DecodingError else {
            return KMSError(.serialization, "The request body is not valid JSON.")
        }
        func path(_ context: DecodingError.Context) -> String { WireCoding.fieldPath(context.codingPath) }
        switch error {
        case .keyNotFound(let key, let context):
            return .validation("Field '\(WireCoding.fieldPath(context.codingPath, then: key.stringValue))' is required.")
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
