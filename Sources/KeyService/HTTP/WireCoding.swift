import Foundation
import KeyCrypto

/// JSON coders of the two front doors. Both decode into the same `Operation`
/// input types and encode the same outputs; they differ only in spelling:
/// REST uses camelCase members and RFC 3339 dates, the AWS protocol PascalCase
/// members and epoch-second dates.
///
/// The coders are made once: their configuration never changes after, and
/// Foundation's coders are safe to share between concurrent requests.
enum WireCoding {
    static let restDecoder = JSONDecoder()
    static let restEncoder = makeRESTEncoder()
    static let awsDecoder = makeAWSDecoder()
    static let awsEncoder = makeAWSEncoder()

    private static func makeRESTEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
            try container.encode(Timestamp(microseconds: micros).iso8601)
        }
        return encoder
    }

    private static func makeAWSDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            AnyKey(stringValue: camelCase(path.last!.stringValue))
        }
        return decoder
    }

    private static func makeAWSEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.keyEncodingStrategy = .custom { path in
            AnyKey(stringValue: pascalCase(path.last!.stringValue))
        }
        return encoder
    }

    /// `KeyId` → `keyId`; `AWSAccountId` → `awsAccountId`.
    static func camelCase(_ name: String) -> String {
        if name == "AWSAccountId" { return "awsAccountId" }
        guard let first = name.first, first.isUppercase else { return name }
        return first.lowercased() + name.dropFirst()
    }

    /// `keyId` → `KeyId`; `awsAccountId` → `AWSAccountId`.
    static func pascalCase(_ name: String) -> String {
        if name == "awsAccountId" { return "AWSAccountId" }
        guard let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Decodes an input and refuses members its `CodingKeys` do not list (REST).
struct StrictInput<T: OperationInput>: Decodable {
    let value: T
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.first(where: { T.CodingKeys(stringValue: $0.stringValue) == nil }) {
            throw KMSError.validation("Unknown field '\(sanitizedForMessage(unknown.stringValue, limit: 64))'.")
        }
        value = try T(from: decoder)
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
    /// `body`, when given, tells a body that is not JSON from one with a number the member's type cannot
    /// hold (`1.5` or `1e30` for an integer), which JSONDecoder reports alike, with no coding path.
    static func fromDecoding(_ error: any Error, body: Data? = nil, fieldName: (String) -> String = { $0 }) -> KMSError {
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
            if context.codingPath.isEmpty {
                if let body, (try? JSONSerialization.jsonObject(with: body)) is [String: Any] {
                    return .validation("A number does not fit its member's type (a fraction, or out of range, for an integer member).")
                }
                return KMSError(.serialization, "The request body is not valid JSON.")
            }
            return .validation("Field '\(path(context))' is not valid: \(context.debugDescription).")
        @unknown default:
            return KMSError(.serialization, "The request body could not be read.")
        }
    }
}
