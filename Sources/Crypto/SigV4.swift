/// AWS Signature Version 4: the parts shared by the signer (client) and the
/// verifier (server), so that both compute the canonical request the same way.
///
/// Follows botocore's `SigV4Auth` and the AWS SigV4 test suite: canonical URI is
/// the normalised path URI-encoded once more (non-S3 services), the query is
/// decoded and re-encoded strictly, headers are the ones named in
/// `SignedHeaders` with trimmed, space-collapsed values joined by commas.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let terminator = "aws4_request"
    /// SHA-256 of the empty string.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// `<yyyymmdd>/<region>/<service>/aws4_request`.
    public struct Scope: Sendable, Equatable, Hashable {
        public var date: String
        public var region: String
        public var service: String
        public init(date: String, region: String, service: String) {
            self.date = date
            self.region = region
            self.service = service
        }
        public var string: String { "\(date)/\(region)/\(service)/\(SigV4.terminator)" }
    }

    // MARK: Canonical request

    /// RFC 3986 encoding of every byte outside the unreserved set, upper-case hex.
    public static func uriEncode(_ string: some StringProtocol, encodeSlash: Bool = true) -> String {
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        appendURIEncoded(string.utf8, encodeSlash: encodeSlash, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let upperHex = Array("0123456789ABCDEF".utf8)

    static func appendURIEncoded(_ bytes: some Sequence<UInt8>, encodeSlash: Bool, to out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where !encodeSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0f)])
            }
        }
    }

    /// Percent-decodes `string`; nil if an escape is malformed.
    public static func percentDecode(_ string: some StringProtocol) -> String? {
        let bytes = Array(string.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count,
                      let decoded = Hex.decode(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self))
                else { return nil }
                out.append(decoded[0])
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// The canonical URI of a raw (as sent on the wire) request path.
    public static func canonicalURI(rawPath: String) -> String {
        String(decoding: canonicalURIBytes(rawPath: rawPath), as: UTF8.self)
    }

    /// `canonicalURI` as bytes: `.` and `..` segments resolved, empty ones dropped, then URI-encoded (slashes kept).
    static func canonicalURIBytes(rawPath: String) -> [UInt8] {
        let path = rawPath.isEmpty ? Array("/".utf8) : Array(rawPath.utf8)
        var segments: [ArraySlice<UInt8>] = []
        for segment in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) { if !segments.isEmpty { segments.removeLast() }; continue }
            segments.append(segment)
        }
        var out: [UInt8] = []
        out.reserveCapacity(path.count + 8)
        for segment in segments {
            out.append(UInt8(ascii: "/"))
            appendURIEncoded(segment, encodeSlash: true, to: &out)
        }
        if segments.isEmpty || path.last == UInt8(ascii: "/") { out.append(UInt8(ascii: "/")) }
        return out
    }

    /// The canonical query string of a raw query (without `?`).
    public static func canonicalQuery(rawQuery: String) -> String {
        guard !rawQuery.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0]) ?? String(parts[0])
            let value = parts.count > 1 ? (percentDecode(parts[1]) ?? String(parts[1])) : ""
            pairs.append((uriEncode(name), uriEncode(value)))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// A header value as SigV4 canonicalises it: trimmed, inner runs of spaces collapsed.
    public static func canonicalHeaderValue(_ value: some StringProtocol) -> String {
        let utf8 = value.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        // Most values are canonical already: no tab, no space at either end, no double space.
        var canonical = !(utf8.first.map(isSpace) ?? false)
        var previousSpace = false
        for byte in utf8 where canonical {
            if byte == UInt8(ascii: "\t") || (byte == UInt8(ascii: " ") && previousSpace) { canonical = false }
            previousSpace = byte == UInt8(ascii: " ")
        }
        if canonical && !previousSpace { return String(value) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for byte in utf8 {
            if isSpace(byte) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether two header names are equal ignoring ASCII case (header names are ASCII tokens).
    public static func headerNamesEqual(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            let lp = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(p) ? p | 0x20 : p
            let lq = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(q) ? q | 0x20 : q
            if lp != lq { return false }
        }
        return true
    }

    /// Builds the canonical request.
    ///
    /// - Parameters:
    ///   - headers: every header of the request as (name, value), in order of arrival.
    ///   - signedHeaders: lowercase names to include (sorted here).
    /// - Returns: nil if a signed header is absent from the request.
    public static func canonicalRequest(
        method: String, rawPath: String, rawQuery: String,
        headers: [(name: String, value: String)], signedHeaders: [String], payloadHash: String
    ) -> String? {
        canonicalRequestBytes(method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers,
                              signedHeaders: signedHeaders, payloadHash: payloadHash)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// `canonicalRequest` as bytes (what is hashed; the verifier never makes the String).
    public static func canonicalRequestBytes(
        method: String, rawPath: String, rawQuery: String,
        headers: [(name: String, value: String)], signedHeaders: [String], payloadHash: String
    ) -> [UInt8]? {
        let names = signedHeaders.sorted()
        var out: [UInt8] = []
        out.reserveCapacity(512)
        for byte in method.utf8 { out.append((UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 0x20 : byte) }
        out.append(0x0A)
        out += canonicalURIBytes(rawPath: rawPath)
        out.append(0x0A)
        out += canonicalQuery(rawQuery: rawQuery).utf8
        out.append(0x0A)
        for name in names {
            out += name.utf8
            out.append(UInt8(ascii: ":"))
            var found = false
            for header in headers where headerNamesEqual(header.name, name) {
                if found { out.append(UInt8(ascii: ",")) }
                out += canonicalHeaderValue(header.value).utf8
                found = true
            }
            guard found else { return nil }
            out.append(0x0A)
        }
        out.append(0x0A)
        for (index, name) in names.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out += name.utf8
        }
        out.append(0x0A)
        out += payloadHash.utf8
        return out
    }

    /// The string to sign for a canonical request.
    public static func stringToSign(amzDate: String, scope: Scope, canonicalRequest: String) -> String {
        String(decoding: stringToSignBytes(amzDate: amzDate, scope: scope, canonicalRequest: Array(canonicalRequest.utf8)), as: UTF8.self)
    }

    /// `stringToSign` as bytes.
    public static func stringToSignBytes(amzDate: String, scope: Scope, canonicalRequest: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out += algorithm.utf8
        out.append(0x0A)
        out += amzDate.utf8
        out.append(0x0A)
        out += scope.date.utf8
        out.append(UInt8(ascii: "/"))
        out += scope.region.utf8
        out.append(UInt8(ascii: "/"))
        out += scope.service.utf8
        out.append(UInt8(ascii: "/"))
        out += terminator.utf8
        out.append(0x0A)
        out += canonicalRequest.withUnsafeBytes { Digest.sha256Hex($0) }.utf8
        return out
    }

    /// kSigning = HMAC chain over "AWS4"+secret, date, region, service, "aws4_request".
    public static func signingKey(secret: SecureBytes, scope: Scope) throws(CryptoError) -> SecureBytes {
        let prefixed = SecureBytes(count: 4 + secret.count) { buffer in
            buffer.copyBytes(from: Array("AWS4".utf8))
            secret.withUnsafeBytes { secretBytes in
                UnsafeMutableRawBufferPointer(rebasing: buffer[4...]).copyMemory(from: secretBytes)
            }
        }
        var key = prefixed
        for part in [scope.date, scope.region, scope.service, terminator] {
            var mac = try HMAC.authenticate(.sha256, key: key, data: Array(part.utf8))
            key = SecureBytes(copying: mac)
            secureZero(&mac)
        }
        return key
    }

    /// Lowercase hex HMAC-SHA256 of the string to sign.
    public static func signature(signingKey: SecureBytes, stringToSign: String) throws(CryptoError) -> String {
        Hex.encode(try HMAC.authenticate(.sha256, key: signingKey, data: Array(stringToSign.utf8)))
    }

    // MARK: Time

    /// `yyyyMMdd'T'HHmmss'Z'` for a Unix time.
    public static func amzDate(unixTime: Int64) -> String {
        let days = unixTime >= 0 ? unixTime / 86_400 : (unixTime - 86_399) / 86_400
        let seconds = unixTime - days * 86_400
        let (year, month, day) = civilFromDays(days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let s = String(value)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T"
            + pad(seconds / 3600, 2) + pad(seconds % 3600 / 60, 2) + pad(seconds % 60, 2) + "Z"
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` strictly; nil if malformed or out of range.
    public static func parseAmzDate(_ string: String) -> Int64? {
        let bytes = Array(string.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        guard civilFromDays(days) == (year, month, day) else { return nil }  // rejects 31 February
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    // Howard Hinnant's civil-date algorithms (proleptic Gregorian calendar).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return s
    }
}
