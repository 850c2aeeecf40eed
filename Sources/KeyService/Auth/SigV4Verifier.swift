import KeyCrypto
import Synchronization

/// Verifies AWS Signature Version 4 on incoming requests, for both front doors.
///
/// Steps as AWS: parse `Authorization`, check the clock skew (5 minutes) and the
/// credential scope (date, region, service `kms`), look up the access key, build
/// the canonical request from exactly the signed headers, and compare the
/// signature in constant time. Signing keys are cached per access key and scope.
public final class SigV4Verifier: Sendable {
    public static let maxClockSkewSeconds: Int64 = 300
    let region: String
    let service: String
    let credentials: @Sendable (String) -> (caller: Caller, secret: SecureBytes)?
    private let signingKeys = Mutex<[String: SecureBytes]>([:])

    public init(region: String, service: String = "kms",
                credentials: @escaping @Sendable (String) -> (caller: Caller, secret: SecureBytes)?) {
        self.region = region
        self.service = service
        self.credentials = credentials
    }

    /// The parts of a request the signature covers.
    public struct Request {
        public var method: String
        public var rawPath: String
        public var rawQuery: String
        public var headers: [(name: String, value: String)]
        public var body: UnsafeRawBufferPointer
        public init(method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)], body: UnsafeRawBufferPointer) {
            self.method = method
            self.rawPath = rawPath
            self.rawQuery = rawQuery
            self.headers = headers
            self.body = body
        }
    }

    struct ParsedAuthorization {
        var accessKeyId: String
        var scope: SigV4.Scope
        var signedHeaders: [String]
        var signature: String
    }

    /// The caller, or the AWS front-end error.
    public func verify(_ request: Request, nowSeconds: Int64) throws(KMSError) -> Caller {
        var authorizationHeader: String?
        var amzDateHeader: String?
        var contentHashHeader: String?
        var hasTarget = false
        var hasSecurityToken = false
        var repeated = false
        for header in request.headers {
            if SigV4.headerNamesEqual(header.name, "authorization") {
                repeated = repeated || authorizationHeader != nil
                authorizationHeader = authorizationHeader ?? header.value
            } else if SigV4.headerNamesEqual(header.name, "x-amz-date") {
                repeated = repeated || amzDateHeader != nil
                amzDateHeader = amzDateHeader ?? header.value
            }
            else if contentHashHeader == nil, SigV4.headerNamesEqual(header.name, "x-amz-content-sha256") { contentHashHeader = header.value }
            else if SigV4.headerNamesEqual(header.name, "x-amz-target") { hasTarget = true }
            else if SigV4.headerNamesEqual(header.name, "x-amz-security-token") { hasSecurityToken = true }
        }
        guard let authorization = authorizationHeader else {
            throw KMSError(.missingAuthenticationToken, "Missing Authentication Token")
        }
        // Two of either would leave it to chance which one a proxy in front and this server each read.
        guard !repeated else {
            throw KMSError(.incompleteSignature, "A request carries at most one Authorization and one X-Amz-Date header.")
        }
        let parsed = try Self.parseAuthorization(authorization)
        guard let amzDate = amzDateHeader else {
            throw KMSError(.incompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard let requestTime = SigV4.parseAmzDate(amzDate) else {
            throw KMSError(.incompleteSignature, "X-Amz-Date must be in the form yyyyMMdd'T'HHmmss'Z'.")
        }
        if requestTime < nowSeconds - Self.maxClockSkewSeconds {
            throw KMSError(.invalidSignature, "Signature expired: \(amzDate) is now earlier than \(SigV4.amzDate(unixTime: nowSeconds - Self.maxClockSkewSeconds)) (\(SigV4.amzDate(unixTime: nowSeconds)) - 5 min.)")
        }
        if requestTime > nowSeconds + Self.maxClockSkewSeconds {
            throw KMSError(.invalidSignature, "Signature not yet current: \(amzDate) is still later than \(SigV4.amzDate(unixTime: nowSeconds + Self.maxClockSkewSeconds)) (\(SigV4.amzDate(unixTime: nowSeconds)) + 5 min.)")
        }
        guard amzDate.utf8.starts(with: parsed.scope.date.utf8), parsed.scope.date.utf8.count == 8 else {
            throw KMSError(.invalidSignature, "Credential should be scoped to a valid date: '\(amzDate.prefix(8))'.")
        }
        guard parsed.scope.region == region else {
            throw KMSError(.invalidSignature, "Credential should be scoped to a valid region: '\(region)'.")
        }
        guard parsed.scope.service == service else {
            throw KMSError(.invalidSignature, "Credential should be scoped to correct service: '\(service)'.")
        }
        guard parsed.signedHeaders.contains("host") else {
            throw KMSError(.invalidSignature, "Signed headers must include 'host'.")
        }
        guard parsed.signedHeaders.contains("x-amz-date") || parsed.signedHeaders.contains("date") else {
            throw KMSError(.invalidSignature, "Signed headers must include 'x-amz-date'.")
        }
        // The target names the operation on the AWS door: unsigned, a captured request could be replayed as another one.
        guard !hasTarget || parsed.signedHeaders.contains("x-amz-target") else {
            throw KMSError(.invalidSignature, "Signed headers must include 'x-amz-target'.")
        }
        // This service issues no temporary credentials, so no session token can be valid.
        guard !hasSecurityToken else {
            throw KMSError(.unrecognizedClient, "The security token included in the request is invalid.")
        }
        guard let (caller, secret) = credentials(parsed.accessKeyId) else {
            throw KMSError(.unrecognizedClient, "The security token included in the request is invalid.")
        }
        let payloadHash = Digest.sha256Hex(request.body)
        if let declared = contentHashHeader, declared.lowercased() != payloadHash {
            throw KMSError(.invalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        guard let canonical = SigV4.canonicalRequestBytes(
            method: request.method, rawPath: request.rawPath, rawQuery: request.rawQuery,
            headers: request.headers, signedHeaders: parsed.signedHeaders, payloadHash: payloadHash)
        else {
            throw KMSError(.invalidSignature, "A header named in SignedHeaders is missing from the request.")
        }
        let stringToSign = SigV4.stringToSignBytes(amzDate: amzDate, scope: parsed.scope, canonicalRequest: canonical)
        let expected: [UInt8]
        do {
            let key = try signingKey(accessKeyId: parsed.accessKeyId, secret: secret, scope: parsed.scope)
            expected = try HMAC.authenticate(.sha256, key: key, data: stringToSign)
        } catch {
            throw KMSError.internalFailure
        }
        // parseAuthorization accepted only 64 hex digits, so the signature decodes to 32 bytes.
        guard let provided = Hex.decode(parsed.signature), constantTimeEquals(expected, provided) else {
            throw KMSError(.invalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        }
        return caller
    }

    private func signingKey(accessKeyId: String, secret: SecureBytes, scope: SigV4.Scope) throws(CryptoError) -> SecureBytes {
        // Secrets never change for an access key id (a new secret is a new access key). Region and
        // service were checked against this verifier's, so the date completes the cache key.
        let cacheKey = accessKeyId + "|" + scope.date
        if let cached = signingKeys.withLock({ $0[cacheKey] }) { return cached }
        let key = try SigV4.signingKey(secret: secret, scope: scope)
        signingKeys.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[cacheKey] = key
        }
        return key
    }

    /// Forgets cached signing keys of an access key (after it is deactivated or deleted).
    public func forget(accessKeyId: String) {
        signingKeys.withLock { cache in
            for key in Array(cache.keys) where key.hasPrefix(accessKeyId + "|") { cache[key] = nil }
        }
    }

    /// The access key id a request claims in its `Authorization` header, if it has
    /// the form of one (16–128 upper-case letters and digits), for the audit record
    /// of a request that authentication refused. Anything else is not repeated.
    public static func claimedAccessKeyId(headers: [(name: String, value: String)]) -> String? {
        guard let authorization = headers.first(where: { SigV4.headerNamesEqual($0.name, "authorization") })?.value,
              let parsed = try? parseAuthorization(authorization) else { return nil }
        let id = parsed.accessKeyId
        guard (16...128).contains(id.utf8.count),
              id.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return id
    }

    static func parseAuthorization(_ value: String) throws(KMSError) -> ParsedAuthorization {
        // Works on the header's bytes: it is parsed on every request.
        func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var slice = slice
            while slice.first == UInt8(ascii: " ") { slice = slice.dropFirst() }
            while slice.last == UInt8(ascii: " ") { slice = slice.dropLast() }
            return slice
        }
        func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        // A plain loop: the generic `split` was most of this function's time.
        func split(_ slice: ArraySlice<UInt8>, _ separator: UInt8, omittingEmpty: Bool) -> [ArraySlice<UInt8>] {
            var parts: [ArraySlice<UInt8>] = []
            var start = slice.startIndex
            var index = start
            while index < slice.endIndex {
                if slice[index] == separator {
                    if !(omittingEmpty && start == index) { parts.append(slice[start..<index]) }
                    start = index + 1
                }
                index += 1
            }
            if !(omittingEmpty && start == slice.endIndex) { parts.append(slice[start..<slice.endIndex]) }
            return parts
        }
        let bytes = Array(value.utf8)
        let header = trimmed(bytes[...])
        guard let space = header.firstIndex(of: UInt8(ascii: " ")) else {
            throw KMSError(.incompleteSignature, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
        }
        guard header[..<space].elementsEqual(SigV4.algorithm.utf8) else {
            throw KMSError(.incompleteSignature, "Unsupported authorization algorithm; use \(SigV4.algorithm).")
        }
        var credential: String?
        var signedHeaders: String?
        var signature: String?
        for part in split(header[(space + 1)...], UInt8(ascii: ","), omittingEmpty: true) {
            let item = trimmed(part)
            guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else {
                throw KMSError(.incompleteSignature, "'\(sanitizedForMessage(text(item), limit: 64))' not a valid key=value pair (missing equal-sign) in Authorization header.")
            }
            let name = item[..<equals]
            let value = text(item[(equals + 1)...])
            if name.elementsEqual("Credential".utf8) {
                credential = value
            } else if name.elementsEqual("SignedHeaders".utf8) {
                signedHeaders = value
            } else if name.elementsEqual("Signature".utf8) {
                signature = value
            }
        }
        guard let credential, let signedHeaders, let signature else {
            throw KMSError(.incompleteSignature, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
        }
        let parts = split(Array(credential.utf8)[...], UInt8(ascii: "/"), omittingEmpty: false).map { text($0) }
        guard parts.count == 5, !parts[0].isEmpty else {
            throw KMSError(.incompleteSignature, "Credential must have the form <access key>/<date>/<region>/<service>/aws4_request.")
        }
        guard parts[4] == SigV4.terminator else {
            throw KMSError(.invalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request'.")
        }
        let names = split(Array(signedHeaders.utf8)[...], UInt8(ascii: ";"), omittingEmpty: true).map { text($0) }
        // Header names are visible ASCII; signed ones are given in lower case.
        func isLowercaseToken(_ name: String) -> Bool {
            !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        }
        guard !names.isEmpty, names.allSatisfy(isLowercaseToken) else {
            throw KMSError(.incompleteSignature, "SignedHeaders must be lowercase header names separated by ';'.")
        }
        let isHex = signature.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
        }
        guard signature.utf8.count == 64, isHex else {
            throw KMSError(.invalidSignature, "The request signature we calculated does not match the signature you provided.")
        }
        return ParsedAuthorization(
            accessKeyId: String(parts[0]),
            scope: SigV4.Scope(date: String(parts[1]), region: String(parts[2]), service: String(parts[3])),
            signedHeaders: names, signature: signature.lowercased())
    }
}
