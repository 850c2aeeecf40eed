/// How a request names a key: a key id, a key ARN, an alias name or an alias ARN.
public enum KeyReference: Sendable, Equatable, CustomStringConvertible {
    case keyId(String)
    case aliasName(String)

    /// Which forms an operation accepts (AWS: lifecycle operations take ids and ARNs only).
    public enum Forms: Sendable { case keyOnly, keyOrAlias }

    /// Parses `raw`, checking ARN region and account against `partition`.
    /// Works on the bytes: every request that names a key parses it.
    public static func parse(_ raw: String, partition: Partition, accept forms: Forms) throws(KMSError) -> KeyReference {
        let bytes = Array(raw.utf8)
        guard !bytes.isEmpty, bytes.count <= 2048 else {
            throw KMSError.validation("KeyId must be 1 to 2048 characters long.")
        }
        func hasPrefix(_ slice: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard slice.count >= count else { return false }
            for offset in 0..<count where slice[slice.startIndex + offset] != prefix.utf8Start[offset] { return false }
            return true
        }
        func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        if hasPrefix(bytes[...], "arn:") {
            // arn:<partition>:kms:<region>:<account>:<resource>; the resource keeps any further colons.
            var parts: [ArraySlice<UInt8>] = []
            var start = 0
            for index in bytes.indices where parts.count < 5 && bytes[index] == UInt8(ascii: ":") {
                parts.append(bytes[start..<index])
                start = index + 1
            }
            parts.append(bytes[start...])
            guard parts.count == 6, hasPrefix(parts[1], "aws"), parts[2].elementsEqual("kms".utf8),
                  !parts[3].isEmpty, !parts[4].isEmpty
            else { throw KMSError(.invalidArn, "Invalid ARN: \(sanitizedForMessage(raw)).") }
            guard parts[3].elementsEqual(partition.region.utf8), parts[4].elementsEqual(partition.account.utf8) else {
                throw KMSError.notFound("Key '\(sanitizedForMessage(raw))' does not exist.")
            }
            let resource = parts[5]
            if hasPrefix(resource, "key/") {
                let id = text(resource.dropFirst(4))
                guard isKeyId(id) else { throw KMSError.notFound("Invalid keyId '\(sanitizedForMessage(id))'.") }
                return .keyId(id)
            }
            if hasPrefix(resource, "alias/") {
                guard forms == .keyOrAlias else { throw KMSError.notFound("An alias ARN is not accepted here; use a key id or key ARN.") }
                return .aliasName(text(resource))
            }
            throw KMSError(.invalidArn, "Invalid ARN resource: \(sanitizedForMessage(raw)).")
        }
        if hasPrefix(bytes[...], "alias/") {
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
