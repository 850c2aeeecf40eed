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
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: CodingKeys.self)  // an object; a strict decoder refuses any member
    }
}

/// A response with no fields.
public struct EmptyOutput: Encodable, Sendable {
    public init() {}
}

/// A point in time in a request: epoch seconds (a JSON number, as the AWS
/// protocol sends timestamps) or an RFC 3339 string (as the REST API writes dates).
public struct WireDate: Sendable, Equatable, Decodable {
    public var timestamp: Timestamp
    public init(_ timestamp: Timestamp) { self.timestamp = timestamp }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            guard seconds.isFinite, abs(seconds) < 1e11 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a valid timestamp"))
            }
            timestamp = Timestamp(microseconds: Int64((seconds * 1_000_000).rounded()))
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = Self.parseRFC3339(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 date"))
        }
        timestamp = parsed
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, exact to the microsecond.
    static func parseRFC3339(_ text: String) -> Timestamp? {
        let pattern = #/^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/#
        guard let m = text.wholeMatch(of: pattern),
              let year = Int(m.1), let month = Int(m.2), let day = Int(m.3),
              let hour = Int(m.4), let minute = Int(m.5), let second = Int(m.6),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        var seconds = Int64(timegm(&parts))
        if let sign = m.9, let offsetHours = Int(m.10 ?? ""), let offsetMinutes = Int(m.11 ?? "") {
            let offset = Int64(offsetHours * 3600 + offsetMinutes * 60)
            seconds += sign == "+" ? -offset : offset
        }
        let fraction = m.7.map { String($0.prefix(6)).padding(toLength: 6, withPad: "0", startingAt: 0) } ?? "0"
        return Timestamp(microseconds: seconds * 1_000_000 + (Int64(fraction) ?? 0))
    }
}
