import Client
import Foundation
import KeyCrypto
@testable import KeyService

/// One input of the SigV4 fuzzer (`fuzz/`, target `fuzz-sigv4`), also replayed by
/// `swift test` over the committed corpus. The input is read as an HTTP/1.1
/// request, the form of the AWS SigV4 test suite's `.sreq` files: a request line
/// (`METHOD TARGET HTTP/1.1`), `Name:value` lines, an empty line, the body.
/// Refusals are expected; a crash, or an answer that breaks one of these rules,
/// is a finding:
///
/// 1. `parseAuthorization` of the first Authorization header: what it accepts
///    parses again, written back in the canonical form, to the same fields.
/// 2. `verify` against one credential (the suite's `AKIDEXAMPLE`, region
///    `us-east-1`, service `service`, at the suite's time): a refusal is a client
///    error, never a server fault, and an acceptance names that credential.
/// 3. The same request signed by the client's `SigV4Signer` (its own
///    Authorization, X-Amz-Date and Host; header names limited to HTTP tokens,
///    as a server receives them) is accepted.
/// 4. `SigV4.parseAmzDate` of the X-Amz-Date header writes back the same text
///    (a leap second aside), and `percentDecode` undoes `uriEncode` on the path.
enum SigV4FuzzHarness {
    static let accessKeyId = "AKIDEXAMPLE"
    static let secret = SecureBytes(copying: Array("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".utf8))
    static let caller = Caller(principalId: "fuzz", principalName: "fuzz", accessKeyId: accessKeyId)
    /// 2015-08-30T12:36:00Z, the time of the test suite's signatures.
    static let now: Int64 = 1_440_938_160
    static let verifier = SigV4Verifier(region: "us-east-1", service: "service") { id in
        id == SigV4FuzzHarness.accessKeyId ? (SigV4FuzzHarness.caller, SigV4FuzzHarness.secret) : nil
    }
    static let signer = SigV4Signer(
        credentials: Credentials(accessKeyId: accessKeyId, secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")

    struct Request {
        var method = ""
        var path = ""
        var query = ""
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
    }

    /// Runs every pass; returns the first broken rule, or nil.
    static func run(_ bytes: [UInt8]) -> String? {
        let request = parse(bytes)
        if let authorization = request.header("authorization"), let problem = checkAuthorization(authorization) { return problem }
        do {
            let verified = try verify(request)
            guard verified == caller else { return "verify: accepted as \(verified)" }
        } catch {
            if error.isServerFault { return "verify: server fault \(error)" }
        }
        if let problem = checkSigner(request) { return problem }
        return checkHelpers(request)
    }

    /// Splits the input into request line, header lines and body (bytes that
    /// are not UTF-8 are replaced, as a server decoding text would).
    static func parse(_ bytes: [UInt8]) -> Request {
        var request = Request()
        var headEnd = bytes.count
        var bodyStart = bytes.count
        for index in bytes.indices where bytes[index] == 0x0a {
            if index + 1 < bytes.count, bytes[index + 1] == 0x0a {
                (headEnd, bodyStart) = (index, index + 2)
                break
            }
            if index + 2 < bytes.count, bytes[index + 1] == 0x0d, bytes[index + 2] == 0x0a {
                (headEnd, bodyStart) = (index, index + 3)
                break
            }
        }
        request.body = Array(bytes[bodyStart...])
        var lines = String(decoding: bytes[..<headEnd], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard !lines.isEmpty else { return request }
        let requestLine = lines.removeFirst()
        var parts = requestLine.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        request.method = String(parts.removeFirst())
        var target = parts.first ?? ""
        if let version = target.range(of: " HTTP/", options: .backwards) { target = target[..<version.lowerBound] }
        if let question = target.firstIndex(of: "?") {
            request.path = String(target[..<question])
            request.query = String(target[target.index(after: question)...])
        } else {
            request.path = String(target)
        }
        for line in lines {
            if let first = line.first, first == " " || first == "\t", !request.headers.isEmpty {
                request.headers[request.headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)  // obsolete line folding
            } else if let colon = line.firstIndex(of: ":") {
                request.headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            } else {
                request.headers.append((String(line), ""))
            }
        }
        return request
    }

    static func verify(_ request: Request) throws(KMSError) -> Caller {
        do {
            return try request.body.withUnsafeBytes { body in
                try verifier.verify(
                    SigV4Verifier.Request(method: request.method, rawPath: request.path, rawQuery: request.query,
                                          headers: request.headers, body: body),
                    nowSeconds: now)
            }
        } catch let error as KMSError {
            throw error
        } catch {
            preconditionFailure("verify throws only KMSError")
        }
    }

    static func checkAuthorization(_ value: String) -> String? {
        guard let parsed = try? SigV4Verifier.parseAuthorization(value) else { return nil }
        let canonical = "\(SigV4.algorithm) Credential=\(parsed.accessKeyId)/\(parsed.scope.string), "
            + "SignedHeaders=\(parsed.signedHeaders.joined(separator: ";")), Signature=\(parsed.signature)"
        guard let again = try? SigV4Verifier.parseAuthorization(canonical) else { return "authorization: canonical form refused: \(canonical)" }
        guard again.accessKeyId == parsed.accessKeyId, again.scope == parsed.scope, again.signedHeaders == parsed.signedHeaders,
              again.signature == parsed.signature
        else { return "authorization: canonical form parses to other fields: \(canonical)" }
        return nil
    }

    /// The characters of an HTTP header name (RFC 9110 `token`).
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
        }
    }

    static func checkSigner(_ request: Request) -> String? {
        // A session token is refused whatever the signature (the service issues none), so the signer's own check leaves it out.
        let replaced: Set<String> = ["host", "x-amz-date", "authorization", "x-amz-content-sha256", "x-amz-security-token"]
        let kept = request.headers.filter { !replaced.contains($0.name.lowercased()) }
        guard kept.allSatisfy({ isToken($0.name) }) else { return nil }
        let host = "example.amazonaws.com"
        var signed = request
        do {
            let added = try signer.sign(
                method: request.method, host: host, rawPath: request.path, rawQuery: request.query, headers: kept,
                body: request.body, date: Date(timeIntervalSince1970: TimeInterval(now)))
            signed.headers = [("Host", host)] + kept + added
        } catch {
            return "signer: \(error)"
        }
        do {
            _ = try verify(signed)
            return nil
        } catch {
            return "signer and verifier disagree: \(error)"
        }
    }

    static func checkHelpers(_ request: Request) -> String? {
        if let date = request.header("x-amz-date"), let seconds = SigV4.parseAmzDate(date) {
            let written = SigV4.amzDate(unixTime: seconds)
            guard written == date || date.hasSuffix("60Z") else { return "amz date: \(date) parses to \(seconds), written \(written)" }
            guard SigV4.parseAmzDate(written) == seconds else { return "amz date: \(written) does not parse back to \(seconds)" }
        }
        guard SigV4.percentDecode(SigV4.uriEncode(request.path)) == request.path else { return "uriEncode: not undone by percentDecode" }
        return nil
    }
}
