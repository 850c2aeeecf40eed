import Client
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeyCrypto
import Logging
import NIOCore
import Testing
@testable import KeyService

/// The built application, driven in-process through HummingbirdTesting's router client.
@Suite(.timeLimit(.minutes(2))) struct RouterTests {
    static let requestId = HTTPField.Name("x-request-id")!

    /// An in-memory server with a fixed root key, and its administrator's credentials.
    static func makeServer(logger: Logger = quietLogger) async throws -> (KeyServer, Credentials) {
        var configuration = ServerConfiguration()
        configuration.storage = .memory
        configuration.port = 0
        let server = try await buildApplication(configuration: configuration, rootKey: TestKeys.root, logger: logger)
        let issued = try #require(server.bootstrapCredentials)
        return (server, Credentials(accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey))
    }

    /// Sends requests to the router, signed as the router will see them (authority `localhost`).
    struct SignedClient: Sendable {
        let client: any TestClientProtocol
        let credentials: Credentials

        func send(
            _ method: HTTPRequest.Method, _ path: String, query: String = "", body: String? = nil, signed: Bool = true,
            contentType: String? = "application/json"
        ) async throws -> TestResponse {
            let bytes = body.map { Array($0.utf8) } ?? []
            var headers = HTTPFields()
            var toSign: [(name: String, value: String)] = []
            if let contentType {
                headers[.contentType] = contentType
                toSign.append(("content-type", contentType))
            }
            if signed {
                let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
                for (name, value) in try signer.sign(
                    method: method.rawValue, host: "localhost", rawPath: path, rawQuery: query, headers: toSign, body: bytes) {
                    headers[HTTPField.Name(name)!] = value
                }
            }
            let response = try await client.execute(
                uri: path + (query.isEmpty ? "" : "?" + query), method: method, headers: headers,
                body: body.map { ByteBuffer(string: $0) })
            #expect(response.headers[RouterTests.requestId]?.isEmpty == false, "\(method) \(path) has no x-request-id")
            return response
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// Checks the REST error shape and returns the error code.
    static func errorCode(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let error = try #require(try json(response)["error"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(Set(error.keys) == ["code", "message", "requestId"], sourceLocation: sourceLocation)
        #expect(error["requestId"] as? String == response.headers[requestId], sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        return error["code"] as? String
    }

    @Test func everyRouteRequiresAuthentication() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            #expect(RESTDoor.routes.count >= 26)
            for route in RESTDoor.routes {
                let path = route.path
                    .replacingOccurrences(of: "{keyId}", with: "00000000-0000-4000-8000-000000000000")
                    .replacingOccurrences(of: "{aliasName}", with: "alias%2Fx")
                let body: String? = [.get, .delete].contains(route.method) ? nil : "{}"
                let response = try await c.send(route.method, path, body: body, signed: false)
                #expect(response.status == .forbidden, "\(route.method) \(route.path)")
                #expect(try Self.errorCode(response) == "MissingAuthentication", "\(route.method) \(route.path)")
                #expect(response.headers[Self.requestId]?.isEmpty == false, "\(route.method) \(route.path)")
            }
        }
    }

    @Test func healthAndOpenAPINeedNoAuthentication() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            let health = try await c.send(.get, "/v1/health", signed: false, contentType: nil)
            #expect(health.status == .ok)
            #expect(try Self.json(health)["status"] as? String == "ok")
            #expect(health.headers[Self.requestId] != nil)
            let openapi = try await c.send(.get, "/v1/openapi.json", signed: false, contentType: nil)
            #expect(openapi.status == .ok)
            #expect(openapi.headers[.contentType] == "application/json")
            #expect((try? JSONSerialization.jsonObject(with: Data(openapi.body.readableBytesView))) is [String: Any])
            #expect(openapi.headers[Self.requestId] != nil)
        }
    }

    @Test func unknownRouteIsJSON404() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            for path in ["/v1/nothing", "/v2/keys", "/"] {
                let response = try await c.send(.get, path, signed: false)
                #expect(response.status == .notFound, "\(path)")
                #expect(try Self.errorCode(response) == "RouteNotFound", "\(path)")
            }
            // A known path with a method it does not serve.
            let wrongMethod = try await c.send(.delete, "/v1/keys", signed: false)
            #expect([.notFound, .methodNotAllowed].contains(wrongMethod.status))
            #expect(try Self.errorCode(wrongMethod) != nil)
        }
    }

    @Test func badBodiesGetTheirOwnErrors() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            let unknownField = try await c.send(.post, "/v1/keys", body: #"{"descripton":"typo"}"#)
            #expect(unknownField.status == .badRequest)
            #expect(try Self.errorCode(unknownField) == "ValidationError")

            let malformed = try await c.send(.post, "/v1/keys", body: #"{"description": "#)
            #expect(malformed.status == .badRequest)
            #expect(try Self.errorCode(malformed) == "MalformedRequest")

            let notObject = try await c.send(.post, "/v1/random", body: "[1, 2]")
            #expect(notObject.status == .badRequest)
            #expect(try Self.errorCode(notObject) == "MalformedRequest")

            let wrongType = try await c.send(.post, "/v1/random", body: #"{"numberOfBytes":"ten"}"#)
            #expect(wrongType.status == .badRequest)
            #expect(try Self.errorCode(wrongType) == "ValidationError")

            let huge = "{\"description\":\"" + String(repeating: "a", count: 64 * 1024) + "\"}"
            let tooLarge = try await c.send(.post, "/v1/keys", body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try Self.errorCode(tooLarge) == "PayloadTooLarge")

            let wrongMedia = try await c.send(.post, "/v1/keys", body: "{}", contentType: "text/plain")
            #expect(wrongMedia.status == .unsupportedMediaType)
            #expect(try Self.errorCode(wrongMedia) == "UnsupportedMediaType")

            let badLimit = try await c.send(.get, "/v1/keys", query: "limit=0")
            #expect(badLimit.status == .badRequest)
            #expect(try Self.errorCode(badLimit) == "ValidationError")

            // None of the refused requests created anything.
            let list = try await c.send(.get, "/v1/keys")
            #expect((try Self.json(list)["keys"] as? [Any])?.isEmpty == true)
        }
    }

    /// Valid JSON whose number does not fit the member's integer type is a ValidationError saying so,
    /// not a MalformedRequest claiming the body is not JSON (JSONDecoder reports both alike).
    @Test func numberThatDoesNotFitItsMemberIsValidationErrorNotMalformedJSON() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            let key = try Self.json(try await c.send(.post, "/v1/keys", body: "{}"))
            let keyId = try #require((key["keyMetadata"] as? [String: Any])?["keyId"] as? String)
            let cases: [(String, String)] = [
                ("/v1/random", #"{"numberOfBytes": 1.5}"#),
                ("/v1/random", #"{"numberOfBytes": 84194560855797102863712256}"#),
                ("/v1/datakey", #"{"keyId": "\#(keyId)", "numberOfBytes": 3.25}"#),
                // Through the path-merging decoder too.
                ("/v1/keys/\(keyId)/schedule-deletion", #"{"pendingWindowInDays": 7.5}"#),
            ]
            for (path, body) in cases {
                let response = try await c.send(.post, path, body: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try Self.errorCode(response) == "ValidationError", "\(body)")
                let message = try #require((try Self.json(response)["error"] as? [String: Any])?["message"] as? String)
                #expect(!message.contains("not valid JSON"), "\(body): \(message)")
            }
            // A body that is not JSON stays MalformedRequest.
            let truncated = try await c.send(.post, "/v1/random", body: #"{"numberOfBytes": 1"#)
            #expect(try Self.errorCode(truncated) == "MalformedRequest")
            // The key was not scheduled for deletion.
            let described = try Self.json(try await c.send(.get, "/v1/keys/\(keyId)"))
            #expect((described["keyMetadata"] as? [String: Any])?["keyState"] as? String == "Enabled")
        }
    }

    @Test func domainErrorsMapToTheirStatusCodes() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            let missing = try await c.send(.get, "/v1/keys/00000000-0000-4000-8000-000000000000")
            #expect(missing.status == .notFound)
            #expect(try Self.errorCode(missing) == "NotFound")

            let created = try await c.send(.post, "/v1/keys", body: #"{"description":"router"}"#)
            #expect(created.status == .created)
            let metadata = try #require(try Self.json(created)["keyMetadata"] as? [String: Any])
            let keyId = try #require(metadata["keyId"] as? String)
            #expect(metadata["description"] as? String == "router")

            let disabled = try await c.send(.post, "/v1/keys/\(keyId)/disable")
            #expect(disabled.status == .ok)
            let encrypt = try await c.send(.post, "/v1/encrypt", body: #"{"keyId":"\#(keyId)","plaintext":"aGVsbG8="}"#)
            #expect(encrypt.status == .conflict)
            #expect(try Self.errorCode(encrypt) == "Disabled")

            let alias = try await c.send(.post, "/v1/aliases", body: #"{"aliasName":"alias/router","targetKeyId":"\#(keyId)"}"#)
            #expect(alias.status == .created)
            let duplicate = try await c.send(.post, "/v1/aliases", body: #"{"aliasName":"alias/router","targetKeyId":"\#(keyId)"}"#)
            #expect(duplicate.status == .conflict)
            #expect(try Self.errorCode(duplicate) == "AlreadyExists")
            let byAlias = try await c.send(.get, "/v1/keys/alias%2Frouter")
            #expect(byAlias.status == .ok)
            #expect((try Self.json(byAlias)["keyMetadata"] as? [String: Any])?["keyId"] as? String == keyId)

            let both = try await c.send(.post, "/v1/keys/\(keyId)/enable", body: #"{"keyId":"\#(keyId)"}"#)
            #expect(both.status == .badRequest)
            #expect(try Self.errorCode(both) == "ValidationError")
        }
    }

    /// Query parameters are held to the body's rules: unknown, repeated and empty ones are refused
    /// (also on routes that take none), and nothing runs.
    @Test func queryParametersAreStrict() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            let cases: [(HTTPRequest.Method, String, String, String?, String)] = [
                (.get, "/v1/keys", "limt=5", nil, "Unknown query parameter 'limt'"),
                (.get, "/v1/keys", "marker=", nil, "must not be empty"),
                (.get, "/v1/keys", "limit=", nil, "must not be empty"),
                (.get, "/v1/keys", "limit=1&limit=2", nil, "more than once"),
                (.get, "/v1/aliases", "keyId=", nil, "must not be empty"),
                (.post, "/v1/keys", "description=x", "{}", "Unknown query parameter 'description'"),
                (.post, "/v1/random", "numberOfBytes=8", #"{"numberOfBytes":8}"#, "Unknown query parameter"),
            ]
            for (method, path, query, body, message) in cases {
                let response = try await c.send(method, path, query: query, body: body)
                #expect(response.status == .badRequest, "\(method) \(path)?\(query)")
                #expect(try Self.errorCode(response) == "ValidationError", "\(path)?\(query)")
                let text = try #require((try Self.json(response)["error"] as? [String: Any])?["message"] as? String)
                #expect(text.contains(message), "\(path)?\(query): \(text)")
            }
            // The refused POST created no key; a known, non-empty parameter still works.
            let list = try await c.send(.get, "/v1/keys", query: "limit=5")
            #expect(list.status == .ok)
            #expect((try Self.json(list)["keys"] as? [Any])?.isEmpty == true)
        }
    }

    /// An update that changes nothing is refused rather than answered as a success.
    @Test func updateRoleWithNothingToChangeIsRefused() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            let created = try await c.send(.post, "/v1/roles", body: #"{"name":"auditors-2","actions":["audit:ReadAuditLog"]}"#)
            #expect(created.status == .created)
            for body in [nil, "{}"] as [String?] {
                let response = try await c.send(.patch, "/v1/roles/auditors-2", body: body)
                #expect(response.status == .badRequest, "\(body ?? "no body")")
                #expect(try Self.errorCode(response) == "ValidationError")
            }
            let changed = try await c.send(.patch, "/v1/roles/auditors-2", body: #"{"description":"reads the log"}"#)
            #expect(changed.status == .ok)
        }
    }

    @Test func listingPaginatesThroughQueryMarkers() async throws {
        let (server, credentials) = try await Self.makeServer()
        try await server.application.test(.router) { client in
            let c = SignedClient(client: client, credentials: credentials)
            var created: [String] = []
            for _ in 0..<3 {
                let response = try await c.send(.post, "/v1/keys", body: "{}")
                created.append(try #require((try Self.json(response)["keyMetadata"] as? [String: Any])?["keyId"] as? String))
            }
            var seen: [String] = []
            var marker: String?
            repeat {
                let query = "limit=1" + (marker.map { "&marker=" + SigV4.uriEncode($0) } ?? "")
                let response = try await c.send(.get, "/v1/keys", query: query)
                #expect(response.status == .ok)
                let page = try Self.json(response)
                seen += (page["keys"] as? [[String: Any]] ?? []).compactMap { $0["keyId"] as? String }
                marker = page["nextMarker"] as? String
                #expect(page["truncated"] as? Bool == (marker != nil))
            } while marker != nil && seen.count < 10
            #expect(seen == created.sorted())
        }
    }

    @Test func plaintextsAndDataKeysNeverReachLogsOrErrorBodies() async throws {
        let capture = LogCapture()
        let (server, credentials) = try await Self.makeServer(logger: capture.logger())
        let plaintext = "TOP-SECRET-PLAINTEXT-7f3a9c"
        let encoded = Base64.encode(utf8(plaintext))
        let leaked = try await server.application.test(.router) { client -> [String] in
            let c = SignedClient(client: client, credentials: credentials)
            var bodies: [String] = []
            func record(_ response: TestResponse) -> TestResponse {
                if response.status.code >= 300 { bodies.append(String(buffer: response.body)) }
                return response
            }
            let created = try await c.send(.post, "/v1/keys", body: "{}")
            let keyId = try #require((try Self.json(created)["keyMetadata"] as? [String: Any])?["keyId"] as? String)
            let encrypted = record(try await c.send(.post, "/v1/encrypt",
                body: #"{"keyId":"\#(keyId)","plaintext":"\#(encoded)","encryptionContext":{"purpose":"leak-test"}}"#))
            let blob = try #require(try Self.json(encrypted)["ciphertextBlob"] as? String)
            #expect(!String(buffer: encrypted.body).contains(encoded))
            // Failing requests that carry the plaintext or its blob.
            _ = record(try await c.send(.post, "/v1/decrypt", body: #"{"ciphertextBlob":"\#(blob)","encryptionContext":{"purpose":"wrong"}}"#))
            _ = record(try await c.send(.post, "/v1/encrypt", body: #"{"keyId":"\#(keyId)","plaintext":"\#(encoded)","extra":"\#(encoded)"}"#))
            _ = record(try await c.send(.post, "/v1/encrypt", body: #"{"keyId":"\#(keyId)","plaintext":"\#(plaintext)"}"#))
            _ = record(try await c.send(.post, "/v1/encrypt", body: #"{"keyId":"\#(keyId)","plaintext":["\#(encoded)"]}"#))
            _ = record(try await c.send(.post, "/v1/encrypt", body: #"{"keyId":"alias/none","plaintext":"\#(encoded)"}"#))
            _ = record(try await c.send(.post, "/v1/encrypt", body: #"{"keyId":"\#(keyId)","plaintext":"\#(encoded)""#))
            _ = record(try await c.send(.post, "/v1/encrypt", body: #"{"keyId":"\#(keyId)","plaintext":"\#(encoded)"}"#, signed: false))
            // Successful calls whose responses must carry the secret (and only those).
            let decrypted = try await c.send(.post, "/v1/decrypt", body: #"{"ciphertextBlob":"\#(blob)","encryptionContext":{"purpose":"leak-test"}}"#)
            #expect(try Self.json(decrypted)["plaintext"] as? String == encoded)
            let dataKey = try Self.json(try await c.send(.post, "/v1/datakey", body: #"{"keyId":"\#(keyId)","keySpec":"AES_256"}"#))
            let dataKeyPlaintext = try #require(dataKey["plaintext"] as? String)
            let dataKeyBlob = try #require(dataKey["ciphertextBlob"] as? String)
            _ = record(try await c.send(.post, "/v1/decrypt", body: #"{"ciphertextBlob":"\#(dataKeyBlob)","encryptionContext":{"x":"y"}}"#))
            _ = record(try await c.send(.post, "/v1/keys/\(keyId)/disable"))
            _ = record(try await c.send(.post, "/v1/decrypt", body: #"{"ciphertextBlob":"\#(dataKeyBlob)"}"#))
            #expect(bodies.count == 9)
            let dataKeyHex = Hex.encode(try #require(Base64.decode(dataKeyPlaintext)))
            let needles = [plaintext, encoded, dataKeyPlaintext, dataKeyHex, Hex.encode(utf8(plaintext))]
            return needles.flatMap { needle in bodies.filter { $0.contains(needle) }.map { "body: \($0)" } }
                + needles.flatMap { needle in capture.all.filter { $0.contains(needle) }.map { "log: \($0)" } }
        }
        #expect(leaked.isEmpty, "secrets leaked: \(leaked)")
        #expect(!capture.all.isEmpty, "the log capture saw nothing, so it proves nothing")
    }
}
