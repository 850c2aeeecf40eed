/// How a request names a key: a key id, a key ARN, an alias name or an alias ARN.
public enum KeyReference: Sendable, Equatable, CustomStringConvertible {
    case keyId(String)
    case aliasName(String)

    /// Which forms an operation accepts (AWS: lifecycle operations take ids and ARNs only).
    public enum Forms: Sendable { case keyOnly, keyOrAlias }

    /// Parses `raw`, checking ARN region and account against `partition`.
    public static func parse(_ raw: String, partition: Partition, accept forms: Forms) throws(KMSError) -> KeyReference {
        guard !raw.isEmpty, raw.utf8.count <= 2048 else {
            throw KMSError.validation("KeyId must be 1 to 2048 characters long.")
        }
        if raw.hasPrefix("arn:") {
            // Split on the first five colons of the bytes (Character-level splitting is slow on the hot path).
            var parts: [Substring] = []
            var start = raw.utf8.startIndex
            var index = start
            while index != raw.utf8.endIndex, parts.count < 5 {
                if raw.utf8[index] == UInt8(ascii: ":") {
                    parts.append(raw[start..<index])
                    start = raw.utf8.index(after: index)
                }
                index = raw.utf8.index(after: index)
            }
            parts.append(raw[start...])
            guard parts.count == 6, parts[1].hasPrefix("aws"), parts[2] == "kms",
                  !parts[3].isEmpty, !parts[4].isEmpty
            else { throw KMSError(.invalidArn, "Invalid ARN: \(sanitizedForMessage(raw)).") }
            guard parts[3] == partition.region, parts[4] == partition.account else {
                throw KMSError.notFound("Key '\(sanitizedForMessage(raw))' does not exist.")
            }
            let resource = parts[5]
            if resource.hasPrefix("key/") {
                let id = String(resource.dropFirst(4))
                guard isKeyId(id) else { throw KMSError.notFound("Invalid keyId '\(sanitizedForMessage(id))'.") }
                return .keyId(id)
            }
            if resource.hasPrefix("alias/") {
                guard forms == .keyOrAlias else { throw KMSError.notFound("An alias ARN is not accepted here; use a key id or key ARN.") }
                return .aliasName(String(resource))
            }
            throw KMSError(.invalidArn, "Invalid ARN resource: \(sanitizedForMessage(raw)).")
        }
        if raw.hasPrefix("alias/") {
            guard forms == .keyOrAlias else { throw KMSError.notFound("An alias is not accepted here; use a key id or key ARN.") }
            return .aliasName(raw)
        }
        guard isKeyId(raw) else { throw KMSError.notFound("Invalid keyId '\(sanitizedForMessage(raw))'.") }
        return .keyId(raw)
    }

    /// A lowercase UUID, 8-4-4-4-12.
    public static func isKeyId(_ string: some StringProtocol) -> Bool {
        UUIDText.bytes(string) != nil
    }

    public var description: String {
        switch self {
        case .keyId(let id): id
        case .aliasName(let name): name
        }
    }
}

/// Echoes caller input in an error message safely: bounded length, printable ASCII only.
func sanitizedForMessage(_ raw: String, limit: Int = 128) -> String {
    var out = ""
    for scalar in raw.unicodeScalars.prefix(limit) {
        out.unicodeScalars.append(scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7f ? scalar : "?")
    }
    return raw.unicodeScalars.count > limit ? out + "…" : out
}

/// The canonical text of a UUID (lowercase hex, 8-4-4-4-12) and its 16 bytes.
/// Key ids, request ids and the ciphertext blob's key field use it on every
/// request, so both directions work on bytes without intermediate strings.
enum UUIDText {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The 16 bytes of a canonical lowercase UUID; nil for anything else.
    static func bytes(_ string: some StringProtocol) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(16)
        var position = 0
        var high: UInt8?
        for byte in string.utf8 {
            defer { position += 1 }
            guard position < 36 else { return nil }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let first = high {
                out.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return position == 36 ? out : nil
    }

    /// The canonical text of 16 bytes.
    static func string(_ bytes: some Collection<UInt8>) -> String {
        precondition(bytes.count == 16, "a UUID has 16 bytes")
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            for (position, byte) in bytes.enumerated() {
                if position == 4 || position == 6 || position == 8 || position == 10 {
                    buffer[index] = UInt8(ascii: "-")
                    index += 1
                }
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }
}
