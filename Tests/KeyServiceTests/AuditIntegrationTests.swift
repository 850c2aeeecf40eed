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

/// Sends signed requests to either front door of an application under test.
struct DoorClient: Sendable {
    let client: any TestClientProtocol

    /// Signs (as the router sees it: authority `localhost`) and sends one request; nil credentials send it unsigned.
    func send(_ method: HTTPRequest.Method, _ path: String, body: String, headers extra: [(name: String, value: String)] = [],
              as credentials: Credentials?) async throws -> TestResponse {
        let bytes = Array(body.utf8)
        var headers = HTTPFields()
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        if let credentials {
            let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
            let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
            for (name, value) in try signer.sign(method: method.rawValue, host: "localhost", rawPath: parts[0],
                                                 rawQuery: parts.count > 1 ? parts[1] : "", headers: extra, body: bytes) {
                headers[HTTPField.Name(name)!] = value
            }
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    func rest(_ method: HTTPRequest.Method, _ path: String, _ body: String = "{}", as credentials: Credentials?) async throws -> TestResponse {
        try await send(method, path, body: body, headers: [("content-type", "application/json")], as: credentials)
    }

    func aws(_ operation: String, _ body: String, as credentials: Credentials?) async throws -> TestResponse {
        try await send(.post, "/", body: body, headers: [("content-type", "application/x-amz-json-1.1"),
                                                         ("x-amz-target", "TrentService." + operation)], as: credentials)
    }

    /// The same request through either door: REST path and camelCase body, or AWS target and PascalCase body.
    func call(_ api: API, _ operation: String, restPath: String, _ fields: [String: Any], as credentials: Credentials?) async throws -> TestResponse {
        switch api {
        case .rest: return try await rest(.post, restPath, Self.json(fields), as: credentials)
        case .aws:
            let pascal = Dictionary(uniqueKeysWithValues: fields.map { (WireCoding.pascalCase($0.key), $0.value) })
            return try await aws(operation, Self.json(pascal), as: credentials)
        }
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    static func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }
}

/// The audit log behind the built application: one record per request through
/// both doors, failing closed, and nothing secret in any record or log line.
@Suite(.timeLimit(.minutes(3))) struct AuditIntegrationTests {
    static func setUp(logger: Logger = quietLogger) async throws -> (server: KeyServer, admin: Credentials, bob: Credentials, keyId: String) {
        let (server, admin) = try await RouterTests.makeServer(logger: logger)
        // Set-up through the core, not a door, so it leaves no records.
        let context = ServiceHarness.callContext(principalId: try #require(server.service.administratorId))
        let keyId = try await server.service.perform(CreateKey.self, .init(), context: context).keyMetadata.keyId
        _ = try await server.service.perform(CreateAlias.self, .init(aliasName: "alias/audited", targetKeyId: keyId), context: context)
        let bob = try await server.service.perform(CreatePrincipal.self, .init(name: "bob"), context: context)
        #expect(server.audit.lastSequence == 0)
        return (server, admin, Credentials(accessKeyId: bob.accessKey.accessKeyId, secretAccessKey: bob.accessKey.secretAccessKey.bytes), keyId)
    }

    static func records(_ audit: AuditLog, after sequence: Int64 = 0) throws -> [AuditRecord] {
        var query = AuditQuery()
        query.afterSequence = sequence
        query.limit = 10_000
        return try audit.records(query).map(\.record)
    }

    /// The one record a response left, matched by its request id.
    static func onlyRecord(of response: TestResponse, in audit: AuditLog, after sequence: Int64,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> AuditRecord {
        let new = try records(audit, after: sequence)
        #expect(new.count == 1, "expected exactly one record, got \(new.count)", sourceLocation: sourceLocation)
        let record = try #require(new.first, sourceLocation: sourceLocation)
        #expect(record.requestId == response.headers[HTTPField.Name("x-request-id")!], sourceLocation: sourceLocation)
        return record
    }

    /// A request that matches no route (or a route with another method) is recorded too,
    /// before its 404/405: probes of the API leave a trace. Found by an independent check.
    @Test func requestsMatchingNoRouteAreRecorded() async throws {
        let (server, _, _, _) = try await Self.setUp()
        let audit = server.audit
        try await server.application.test(.router) { client in
            for (method, path, status, code) in [(HTTPRequest.Method.get, "/v1/nothing-here", HTTPResponse.Status.notFound, "RouteNotFound"),
                                                 (.delete, "/v1/encrypt", .methodNotAllowed, "MethodNotAllowed"),
                                                 (.get, "/", .methodNotAllowed, "MethodNotAllowed")] {
                let last = audit.lastSequence
                let response = try await client.execute(uri: path, method: method, headers: [.userAgent: "probe/1"])
                #expect(response.status == status || response.status == .notFound, "\(method) \(path): \(response.status)")
                let record = try Self.onlyRecord(of: response, in: audit, after: last)
                #expect(record.outcome == .error && record.principalId == nil && record.userAgent == "probe/1")
                #expect(record.action == code || record.action == "RouteNotFound", "\(record.action)")
                #expect(record.reason == "no route for \(method.rawValue) \(path)", "\(record.reason ?? "")")
            }
        }
        #expect(try audit.verify().ok)
    }

    /// An unknown X-Amz-Target is "UnknownOperation" in the record and in /metrics; its text
    /// is only in the record's reason. (It was the metric label: every new value, signed or
    /// not, made a new series that never went away.) Found by an independent check.
    @Test func unknownTargetsAddNoMetricSeries() async throws {
        let (server, admin, _, _) = try await Self.setUp()
        try await server.application.test(.router) { client in
            let door = DoorClient(client: client)
            for n in 0..<4 { _ = try await door.aws("NoSuchOperation\(n)", "{}", as: n % 2 == 0 ? admin : nil) }
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(!text.contains("NoSuchOperation"))
            #expect(text.contains(#"kms_requests_total{action="UnknownOperation",outcome="error"} 4"#), "\(text.prefix(2000))")
        }
        let records = try Self.records(server.audit)
        #expect(records.count == 4 && records.allSatisfy { $0.action == "UnknownOperation" })
        #expect(records[0].reason == "unknown X-Amz-Target 'TrentService.NoSuchOperation0'", "\(records[0].reason ?? "")")
    }

    @Test(arguments: [API.rest, API.aws])
    func everyRequestLeavesExactlyOneRecord(api: API) async throws {
        let (server, admin, bob, keyId) = try await Self.setUp()
        let adminId = try #require(server.service.administratorId)
        let audit = server.audit
        try await server.application.test(.router) { client in
            let door = DoorClient(client: client)
            let blobField = api == .rest ? "ciphertextBlob" : "CiphertextBlob"
            func encrypt(as credentials: Credentials?) async throws -> TestResponse {
                try await door.call(api, "Encrypt", restPath: "/v1/encrypt",
                                    ["keyId": "alias/audited", "plaintext": "aGVsbG8=", "encryptionContext": ["purpose": "audit"]], as: credentials)
            }

            // Allowed.
            var last = audit.lastSequence
            let allowed = try await encrypt(as: admin)
            #expect(allowed.status == .ok)
            let blob = try #require(DoorClient.object(allowed)[blobField] as? String)
            var record = try Self.onlyRecord(of: allowed, in: audit, after: last)
            #expect(record.api == api.rawValue && record.action == "Encrypt" && record.outcome == .allowed)
            #expect(record.principalId == adminId && record.principalName == "admin" && record.accessKeyId == admin.accessKeyId)
            #expect(record.keyId == keyId && record.keyVersion == 1 && record.keyReference == "alias/audited")
            #expect(record.encryptionContext == ["purpose": "audit"])
            #expect(record.errorCode == nil && record.reason == nil)

            // Denied by RBAC: the caller learns nothing, the record names the reason.
            last = audit.lastSequence
            let denied = try await encrypt(as: bob)
            #expect(denied.status == (api == .rest ? .forbidden : .badRequest))
            #expect(!String(buffer: denied.body).contains("binding"))
            record = try Self.onlyRecord(of: denied, in: audit, after: last)
            #expect(record.outcome == .denied && record.errorCode == "AccessDeniedException" && record.action == "Encrypt")
            #expect(record.principalName == "bob" && record.accessKeyId == bob.accessKeyId)
            #expect(record.keyId == keyId && record.keyReference == "alias/audited" && record.keyVersion == nil)
            #expect(record.reason?.contains("bob may not kms:Encrypt") == true, "\(record.reason ?? "no reason")")

            // Failed with an error code after authorization.
            last = audit.lastSequence
            let failed = try await door.call(api, "Decrypt", restPath: "/v1/decrypt",
                                             ["ciphertextBlob": blob, "encryptionContext": ["purpose": "other"]], as: admin)
            #expect(failed.status == .badRequest)
            record = try Self.onlyRecord(of: failed, in: audit, after: last)
            #expect(record.outcome == .error && record.errorCode == "InvalidCiphertextException" && record.action == "Decrypt")
            #expect(record.keyId == keyId && record.keyVersion == 1 && record.encryptionContext == ["purpose": "other"])
            #expect(record.principalName == "admin" && record.reason == nil)

            // Unauthenticated: a wrong secret, an unknown access key, no signature at all. The record
            // names the access key that was tried (and its principal, when it has one) and why it failed.
            let cases: [(Credentials?, String, principal: String?, accessKeyId: String?, reason: String)] = [
                (Credentials(accessKeyId: admin.accessKeyId, secretAccessKey: "not-the-secret"), "InvalidSignatureException",
                 "admin", admin.accessKeyId, "signature refused: The request signature we calculated does not match"),
                (Credentials(accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x"), "UnrecognizedClientException",
                 nil, "AKIAUNKNOWNUNKNOWN00", "signature refused: the access key id is unknown"),
                (nil, "MissingAuthenticationTokenException", nil, nil, "signature refused: the request is not signed"),
            ]
            for (credentials, code, principal, accessKeyId, reason) in cases {
                last = audit.lastSequence
                let refused = try await encrypt(as: credentials)
                #expect(refused.status == (api == .rest ? .forbidden : .badRequest))
                record = try Self.onlyRecord(of: refused, in: audit, after: last)
                #expect(record.outcome == .error && record.errorCode == code && record.action == "Encrypt")
                #expect(record.principalName == principal && record.accessKeyId == accessKeyId)
                #expect(record.reason?.hasPrefix(reason) == true, "\(record.reason ?? "no reason")")
                #expect(record.keyId == nil && record.encryptionContext == nil)
            }
        }
        #expect(try Self.records(audit).map(\.sequence) == Array(1...6))
        #expect(try audit.verify().ok)
    }

    /// `from` and `to` given as epoch seconds no timestamp can hold (huge, infinite, NaN) are a
    /// 400 ValidationError; they used to trap converting to Int64, which took the server down.
    /// A long poll is not woken by the caller's own earlier polls (each poll is a record): a
    /// follower would otherwise be answered at once, forever, and fill the log with its polls.
    /// Any other record wakes it.
    @Test func longPollIsNotWokenByTheCallersOwnPolls() async throws {
        let (server, admin, _, _) = try await Self.setUp()
        try await server.application.test(.router) { client in
            let door = DoorClient(client: client)
            func records(_ response: TestResponse) throws -> [[String: Any]] {
                try #require(try DoorClient.object(response)["records"] as? [[String: Any]])
            }
            let first = try await door.rest(.get, "/v1/audit/records?afterSequence=0", "", as: admin)
            #expect(try records(first).isEmpty)
            // The only newer record is the first poll's own: the poll waits its full second, then returns it.
            let started = ContinuousClock.now
            let own = try await door.rest(.get, "/v1/audit/records?afterSequence=0&wait=1", "", as: admin)
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(try records(own).map { $0["action"] as? String } == ["QueryAuditLog"])

            // A record of anything else ends the wait.
            let after = server.audit.lastSequence
            let poll = Task {
                let began = ContinuousClock.now
                let response = try await door.rest(.get, "/v1/audit/records?afterSequence=\(after)&wait=30", "", as: admin)
                return (response, ContinuousClock.now - began)
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await door.rest(.post, "/v1/keys", "{}", as: admin).status == .created)
            let (woken, waited) = try await poll.value
            #expect(try records(woken).contains { $0["action"] as? String == "CreateKey" })
            #expect(waited < .seconds(25), "woken by the new record, not by the deadline")
        }
    }

    @Test func queryAuditLogRejectsEpochSecondsOutOfRange() async throws {
        let (server, admin, _, _) = try await Self.setUp()
        try await server.application.test(.router) { client in
            let door = DoorClient(client: client)
            for value in ["1e300", "-1e300", "99999999999999999999", "9.3e12", "-9.3e12", "nan", "inf", "-infinity"] {
                for field in ["from", "to"] {
                    let response = try await door.rest(.get, "/v1/audit/records?\(field)=\(value)", "", as: admin)
                    #expect(response.status == .badRequest, "\(field)=\(value)")
                    #expect(try RouterTests.errorCode(response) == "ValidationError", "\(field)=\(value)")
                }
            }
            for query in ["from=-9.2e12&to=9.2e12", "from=1795900000.5", "from=2026-11-29T05:00:00Z&to=9999-12-31T23:59:59Z"] {
                let response = try await door.rest(.get, "/v1/audit/records?" + query, "", as: admin)
                #expect(response.status == .ok, "\(query)")
            }
        }
    }

    @Test func failingAuditLogAnswers503WithoutKeyMaterialAndRecoversByItself() async throws {
        let (server, admin, _, keyId) = try await Self.setUp()
        let audit = server.audit
        try await server.application.test(.router) { client in
            let door = DoorClient(client: client)
            let body = #"{"keyId":"\#(keyId)","keySpec":"AES_256"}"#
            try AuditLogTests.breakWrites(audit)

            let refused = try await door.rest(.post, "/v1/datakey", body, as: admin)
            #expect(refused.status == .serviceUnavailable)
            #expect(Set(DoorClient.object(refused).keys) == ["error"], "only the error: no plaintext, no blob")
            #expect((DoorClient.object(refused)["error"] as? [String: Any])?["code"] as? String == "AuditUnavailable")
            #expect(!audit.isHealthy)
            let refusedId = try #require(refused.headers[HTTPField.Name("x-request-id")!])

            // While unhealthy, every door refuses at once, and readiness says why.
            let aws = try await door.aws("GenerateDataKey", #"{"KeyId":"\#(keyId)","KeySpec":"AES_256"}"#, as: admin)
            #expect(aws.status == .serviceUnavailable)
            #expect(Set(DoorClient.object(aws).keys) == ["__type", "message"])
            let awsRefusedId = try #require(aws.headers[HTTPField.Name("x-request-id")!])
            let ready = try await client.execute(uri: "/v1/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(DoorClient.object(ready)["audit"] as? Bool == false)

            try AuditLogTests.repairWrites(audit)
            #expect(try await AuditLogTests.eventually { audit.isHealthy }, "the audit log did not recover by itself")
            let served = try await door.rest(.post, "/v1/datakey", body, as: admin)
            #expect(served.status == .ok)
            #expect((DoorClient.object(served)["plaintext"] as? String).flatMap(Base64.decode)?.count == 32)

            // The 503 request's record was written by the retry, and says the request did not complete.
            let records = try Self.records(audit)
            #expect(records.map(\.requestId) == [refusedId, awsRefusedId, records.last?.requestId], "\(records.map(\.requestId))")
            let late = try #require(records.first { $0.requestId == refusedId })
            #expect(late.action == "GenerateDataKey" && late.keyId == keyId)
            #expect(late.outcome == .error && late.errorCode == "DependencyTimeoutException", "\(late)")
            // The request refused at the door (nothing ran, not even authentication) has its record too.
            let atTheDoor = try #require(records.first { $0.requestId == awsRefusedId })
            #expect(atTheDoor.api == "AWS" && atTheDoor.action == "GenerateDataKey" && atTheDoor.principalId == nil, "\(atTheDoor)")
            #expect(atTheDoor.outcome == .error && atTheDoor.errorCode == "DependencyTimeoutException", "\(atTheDoor)")
            #expect(atTheDoor.reason?.contains("audit log could not be written") == true)
            #expect(records.last?.outcome == .allowed)
        }
        #expect(try audit.verify().ok)
    }

    @Test func noSecretReachesAnAuditRecordOrALogLine() async throws {
        let capture = LogCapture()
        let (server, admin, bob, keyId) = try await Self.setUp(logger: capture.logger())
        let checked = try await server.application.test(.router) { client -> Int in
            let door = DoorClient(client: client)
            var needles: [String: String] = [:]
            func secretBytes(_ name: String, _ bytes: [UInt8]) {
                needles[name + " (base64)"] = Base64.encode(bytes)
                needles[name + " (hex)"] = Hex.encode(bytes)
            }
            for (index, api) in [API.rest, .aws].enumerated() {
                let plaintext = "known plaintext \(index) 5c1e4a77"
                needles["plaintext \(index)"] = plaintext
                secretBytes("plaintext \(index)", utf8(plaintext))
                let sealed = try await door.call(api, "Encrypt", restPath: "/v1/encrypt",
                                                 ["keyId": "alias/audited", "plaintext": Base64.encode(utf8(plaintext)),
                                                  "encryptionContext": ["scan": "context-\(index)"]], as: admin)
                let blobField = api == .rest ? "ciphertextBlob" : "CiphertextBlob"
                let blob = try #require(DoorClient.object(sealed)[blobField] as? String)
                needles["blob \(index)"] = blob
                secretBytes("blob \(index)", try #require(Base64.decode(blob)))
                let opened = try await door.call(api, "Decrypt", restPath: "/v1/decrypt",
                                                 ["ciphertextBlob": blob, "encryptionContext": ["scan": "context-\(index)"]], as: admin)
                #expect(opened.status == .ok)
                _ = try await door.call(api, "Decrypt", restPath: "/v1/decrypt", ["ciphertextBlob": blob], as: admin)
                _ = try await door.call(api, "Encrypt", restPath: "/v1/encrypt",
                                        ["keyId": keyId, "plaintext": Base64.encode(utf8(plaintext))], as: bob)
                for size in [["keySpec": "AES_256"], ["numberOfBytes": 64]] as [[String: Any]] {
                    let dataKey = try await door.call(api, "GenerateDataKey", restPath: "/v1/datakey",
                                                      size.merging(["keyId": keyId]) { a, _ in a }, as: admin)
                    let object = DoorClient.object(dataKey)
                    let key = try #require(object[api == .rest ? "plaintext" : "Plaintext"] as? String)
                    secretBytes("data key \(index) \(size)", try #require(Base64.decode(key)))
                    needles["data key blob \(index) \(size)"] = try #require(object[blobField] as? String)
                }
                let random = try await door.call(api, "GenerateRandom", restPath: "/v1/random", ["numberOfBytes": 32], as: admin)
                secretBytes("random \(index)", try #require(Base64.decode(DoorClient.object(random)[api == .rest ? "plaintext" : "Plaintext"] as? String ?? "")))
            }
            let created = try await door.rest(.post, "/v1/principals", #"{"name":"carol"}"#, as: admin)
            #expect(created.status == .created)
            let secret = try #require((DoorClient.object(created)["accessKey"] as? [String: Any])?["secretAccessKey"] as? String)
            needles["carol's secret"] = secret
            let added = try await door.rest(.post, "/v1/principals/carol/access-keys", as: admin)
            needles["carol's second secret"] = try #require((DoorClient.object(added)["accessKey"] as? [String: Any])?["secretAccessKey"] as? String)
            needles["admin's secret"] = String(decoding: admin.secretAccessKey.exportBytes(), as: UTF8.self)
            needles["bob's secret"] = String(decoding: bob.secretAccessKey.exportBytes(), as: UTF8.self)
            _ = try await door.rest(.get, "/v1/keys", "", as: Credentials(accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: secret))

            // Everything the audit log holds, as the API serves it and as stored.
            let served = try await door.rest(.get, "/v1/audit/records?limit=1000", "", as: admin)
            #expect(served.status == .ok)
            let stored = try Self.records(server.audit)
            #expect(stored.count >= 17, "the scenario left \(stored.count) records")
            #expect(stored.contains { $0.encryptionContext == ["scan": "context-1"] }, "records carry what they should")
            let texts = [String(buffer: served.body)] + (try stored.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) })
            for (name, needle) in needles {
                #expect(!texts.contains { $0.contains(needle) }, "\(name) is in an audit record")
                #expect(!capture.all.contains { $0.contains(needle) }, "\(name) is in a log line")
            }
            return needles.count
        }
        #expect(checked >= 30)
        #expect(capture.all.contains { $0.contains("access denied") }, "the capture saw the service's log, so it proves something")
    }
}
