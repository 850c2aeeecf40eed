import AsyncHTTPClient
import Foundation
import KeyCrypto
import NIOCore
import NIOHTTP1

/// An async client of the key service's REST API, signing every request with SigV4.
///
/// Retries throttling (429), server faults (5xx) and unreachable services with
/// exponential backoff and full jitter; never retries a 4xx.
public final class KeyServiceClient: Sendable {
    public let endpoint: String
    public let region: String
    let signer: SigV4Signer
    let timeout: TimeAmount
    let maxAttempts: Int
    let httpClient: HTTPClient
    private let scheme: String
    private let hostHeader: String
    /// Sent as `User-Agent` on every request, so the service's audit records say which client called.
    public let userAgent: String
    public static let defaultUserAgent = "kms-swift-client/1"
    private let basePath: String

    public init(endpoint: String, credentials: Credentials, region: String = "us-east-1",
                timeout: Duration = .seconds(30), maxAttempts: Int = 4, httpClient: HTTPClient = .shared,
                userAgent: String = KeyServiceClient.defaultUserAgent) throws {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty
        else { throw ClientError.configuration("endpoint must be an http(s) URL like http://127.0.0.1:8720, got '\(endpoint)'") }
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.region = region
        self.signer = SigV4Signer(credentials: credentials, region: region)
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.maxAttempts = max(1, maxAttempts)
        self.httpClient = httpClient
        self.scheme = scheme
        let defaultPort = scheme == "https" ? 443 : 80
        let hostPart = host.contains(":") ? "[\(host)]" : host
        self.hostHeader = url.port.map { $0 == defaultPort ? hostPart : "\(hostPart):\($0)" } ?? hostPart
        self.basePath = url.path == "/" ? "" : url.path
        self.userAgent = userAgent
    }

    // MARK: Transport

    /// Sends one signed request and returns the decoded JSON body.
    func send<Output: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                                 body: [String: Any]? = nil, as type: Output.Type) async throws -> Output {
        let data = try await sendRaw(method, path, query: query, body: body)
        do {
            return try JSONDecoder().decode(Output.self, from: data)
        } catch {
            throw ClientError.invalidResponse("unexpected response body for \(method.rawValue) \(path)")
        }
    }

    func sendRaw(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [String: Any]? = nil) async throws -> Data {
        var bodyBytes: [UInt8] = []
        if let body {
            bodyBytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.withoutEscapingSlashes]))
        }
        defer { secureZero(&bodyBytes) }
        let rawPath = basePath + path
        let rawQuery = query.map { "\(SigV4.uriEncode($0.0))=\(SigV4.uriEncode($0.1))" }.joined(separator: "&")
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await sendOnce(method, rawPath: rawPath, rawQuery: rawQuery, body: bodyBytes)
            } catch let error as ClientError where error.isRetryable && attempt < maxAttempts {
                // Full jitter: a random wait in [0, 100 ms · 2^attempt], capped at 5 s.
                let ceiling = min(5_000, 100 << attempt)
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...ceiling)))
            }
        }
    }

    private func sendOnce(_ method: HTTPMethod, rawPath: String, rawQuery: String, body: [UInt8]) async throws -> Data {
        let contentType = "application/json"
        let signature = try signer.sign(
            method: method.rawValue, host: hostHeader, rawPath: rawPath, rawQuery: rawQuery,
            headers: [("content-type", contentType)], body: body)
        var request = HTTPClientRequest(url: path(rawPath, rawQuery))
        request.method = method
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Host", value: hostHeader)
        request.headers.add(name: "User-Agent", value: userAgent)
        for (name, value) in signature { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        var collected: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: timeout)
            collected = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw ClientError.unreachable(Self.describeTransportFailure(error))
        }
        let data = Data(collected.readBytes(length: collected.readableBytes) ?? [])
        guard (200..<300).contains(Int(response.status.code)) else {
            struct ErrorBody: Decodable {
                struct Inner: Decodable { var code: String; var message: String; var requestId: String? }
                var error: Inner
            }
            if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: data) {
                throw ClientError.service(status: Int(response.status.code), code: decoded.error.code,
                                          message: decoded.error.message, requestId: decoded.error.requestId)
            }
            throw ClientError.service(status: Int(response.status.code), code: "HTTP\(response.status.code)",
                                      message: "the service answered \(response.status)", requestId: response.headers.first(name: "x-request-id"))
        }
        return data
    }

    private func path(_ rawPath: String, _ rawQuery: String) -> String {
        let origin = endpoint.hasPrefix("\(scheme)://") ? "\(scheme)://\(endpoint.dropFirst(scheme.count + 3).prefix { $0 != "/" })" : endpoint
        return origin + rawPath + (rawQuery.isEmpty ? "" : "?" + rawQuery)
    }

    /// A path segment naming a key or alias (ids, ARNs and alias names all fit).
    static func segment(_ value: String) -> String { SigV4.uriEncode(value) }

    /// Whether `GET /v1/health` answers ok (no signature needed).
    public func health() async -> Bool {
        var request = HTTPClientRequest(url: path(basePath + "/v1/health", ""))
        request.method = .GET
        guard let response = try? await httpClient.execute(request, timeout: timeout) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status == .ok
    }
}

extension KeyServiceClient {
    /// A transport failure in words: NIO's descriptions ("connection reset (error set):
    /// Connection refused) (errno: 111)") name the wrong thing for a refused connection.
    static func describeTransportFailure(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused (is the server running at that address?)"
            case ECONNRESET: return "the connection was reset"
            case ETIMEDOUT: return "the connection timed out"
            case EHOSTUNREACH, ENETUNREACH: return "no route to the host"
            default: return String(cString: strerror(io.errnoCode))
            }
        }
        return "\(error)"
    }
}

