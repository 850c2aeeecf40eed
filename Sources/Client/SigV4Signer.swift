import Foundation
import KeyCrypto

/// Signs requests with AWS Signature Version 4 (header form), using the same
/// canonicalisation as the server's verifier (`KeyCrypto.SigV4`).
public struct SigV4Signer: Sendable {
    public var credentials: Credentials
    public var region: String
    public var service: String

    public init(credentials: Credentials, region: String, service: String = "kms") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to a request: `X-Amz-Date` and `Authorization`.
    ///
    /// - Parameters:
    ///   - host: the `Host` header value exactly as it will be sent (with `:port` unless default).
    ///   - rawPath: the path as sent on the wire (already percent-encoded).
    ///   - headers: other headers to sign (name, value), e.g. content-type.
    public func sign(method: String, host: String, rawPath: String, rawQuery: String = "",
                     headers: [(name: String, value: String)], body: [UInt8], date: Date = Date()) throws -> [(name: String, value: String)] {
        let amzDate = SigV4.amzDate(unixTime: Int64(date.timeIntervalSince1970))
        let scope = SigV4.Scope(date: String(amzDate.prefix(8)), region: region, service: service)
        var signed: [(name: String, value: String)] = headers.map { ($0.name.lowercased(), $0.value) }
        signed.append(("host", host))
        signed.append(("x-amz-date", amzDate))
        let names = Array(Set(signed.map(\.name))).sorted()
        let payloadHash = body.withUnsafeBytes { Digest.sha256Hex($0) }
        guard let canonical = SigV4.canonicalRequest(
            method: method, rawPath: rawPath, rawQuery: rawQuery, headers: signed, signedHeaders: names, payloadHash: payloadHash)
        else { throw ClientError.configuration("cannot build the canonical request") }
        let stringToSign = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        let key = try SigV4.signingKey(secret: credentials.secretAccessKey, scope: scope)
        let signature = try SigV4.signature(signingKey: key, stringToSign: stringToSign)
        let authorization = "\(SigV4.algorithm) Credential=\(credentials.accessKeyId)/\(scope.string), SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
        return [("X-Amz-Date", amzDate), ("Authorization", authorization)]
    }
}
