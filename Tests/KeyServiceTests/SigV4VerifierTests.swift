import Client
import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// The server's SigV4 verifier against requests signed by the client's signer.
@Suite struct SigV4VerifierTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)
    static let host = "kms.test:8720"

    struct SignedRequest {
        var method: String
        var path: String
        var query: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// A service with its administrator, a verifier over its credentials, and the administrator's signer.
    struct Fixture {
        let service: KeyService
        let verifier: SigV4Verifier
        let credentials: Credentials
        let administratorId: String

        init(store: any KeyStore = MemoryKeyStore()) async throws {
            let service = try KeyService(store: store, rootKey: TestKeys.root, logger: quietLogger)
            let issued = try #require(try await service.bootstrapAdministrator())
            self.service = service
            credentials = Credentials(accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey)
            administratorId = try #require(service.administratorId)
            verifier = SigV4Verifier(region: "us-east-1") { service.credential(accessKeyId: $0) }
        }

        func sign(
            _ method: String = "POST", path: String = "/v1/encrypt", query: String = "", body: [UInt8] = utf8(#"{"keyId":"alias/x"}"#),
            date: Date = SigV4VerifierTests.now, credentials: Credentials? = nil, region: String = "us-east-1", service: String = "kms",
            extraHeaders: [(name: String, value: String)] = []
        ) throws -> SignedRequest {
            let signer = SigV4Signer(credentials: credentials ?? self.credentials, region: region, service: service)
            let headers = [(name: "content-type", value: "application/json")] + extraHeaders
            let signature = try signer.sign(
                method: method, host: SigV4VerifierTests.host, rawPath: path, rawQuery: query, headers: headers, body: body, date: date)
            return SignedRequest(
                method: method, path: path, query: query, headers: [("host", SigV4VerifierTests.host)] + headers + signature, body: body)
        }

        func verify(_ request: SignedRequest, now: Date = SigV4VerifierTests.now) throws -> Caller {
            try request.body.withUnsafeBytes { body in
                try verifier.verify(
                    SigV4Verifier.Request(method: request.method, rawPath: request.path, rawQuery: request.query, headers: request.headers, body: body),
                    nowSeconds: Int64(now.timeIntervalSince1970))
            }
        }
    }

    @Test func correctlySignedRequestsIdentifyTheCaller() async throws {
        let f = try await Fixture()
        #expect(try f.verify(try f.sign()).principalId == f.administratorId)
        #expect(try f.verify(try f.sign()).accessKeyId == f.credentials.accessKeyId)
        #expect(try f.verify(try f.sign("GET", path: "/v1/keys", query: "limit=1&marker=a%2Bb%2F%3D", body: [])).principalId == f.administratorId)
        #expect(try f.verify(try f.sign("GET", path: "/v1/keys/alias%2Fname", body: [])).principalId == f.administratorId)
        // Within the five-minute window either way.
        #expect(try f.verify(try f.sign(), now: Self.now.addingTimeInterval(299)).principalId == f.administratorId)
        #expect(try f.verify(try f.sign(), now: Self.now.addingTimeInterval(-299)).principalId == f.administratorId)
        // A correct, signed payload hash is accepted.
        let body = utf8("{}")
        let hash = body.withUnsafeBytes { Digest.sha256Hex($0) }
        #expect(try f.verify(try f.sign(body: body, extraHeaders: [("x-amz-content-sha256", hash)])).principalId == f.administratorId)
    }

    /// The service issues no session tokens, so a signed X-Amz-Security-Token is refused
    /// (it used to be ignored); X-Amz-Target, which names the operation on the AWS door,
    /// must be signed; and a request carries one Authorization and one X-Amz-Date.
    @Test func sessionTokensUnsignedTargetsAndRepeatedAuthorizationAreRefused() async throws {
        let f = try await Fixture()
        let token = try f.sign(extraHeaders: [("x-amz-security-token", "bogus-session-token")])
        await expectError(.unrecognizedClient) { try f.verify(token) }

        let signedTarget = try f.sign(path: "/", extraHeaders: [("x-amz-target", "TrentService.Encrypt")])
        #expect(try f.verify(signedTarget).principalId == f.administratorId)
        var unsignedTarget = try f.sign(path: "/")
        unsignedTarget.headers.append(("X-Amz-Target", "TrentService.ListKeys"))
        await expectError(.invalidSignature) { try f.verify(unsignedTarget) }

        var twice = try f.sign()
        let other = try f.sign(body: utf8("{}"))
        twice.headers += other.headers.filter { $0.name.lowercased() == "authorization" }
        await expectError(.incompleteSignature) { try f.verify(twice) }
        var twoDates = try f.sign()
        twoDates.headers.append(("X-Amz-Date", "20150830T123600Z"))
        await expectError(.incompleteSignature) { try f.verify(twoDates) }
    }

    /// The access key id a refused request claimed is recorded only when it has the
    /// form of one (a secret pasted there by mistake is not repeated).
    @Test func theClaimedAccessKeyIdIsTakenOnlyInItsOwnForm() {
        func claimed(_ credential: String) -> String? {
            SigV4Verifier.claimedAccessKeyId(headers: [("Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credential)/20150830/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(String(repeating: "0", count: 64))")])
        }
        #expect(claimed("AKIAIOSFODNN7EXAMPLE") == "AKIAIOSFODNN7EXAMPLE")
        #expect(claimed("wJalrXUtnFEMI+K7MDENG") == nil)
        #expect(claimed("AKIA") == nil)
        #expect(SigV4Verifier.claimedAccessKeyId(headers: [("Authorization", "garbage")]) == nil)
    }

    @Test func missingAuthorizationIsMissingAuthenticationToken() async throws {
        let f = try await Fixture()
        var request = try f.sign()
        request.headers.removeAll { $0.name.lowercased() == "authorization" }
        await expectError(.missingAuthenticationToken) { try f.verify(request) }
    }

    @Test func garbageAuthorizationIsIncompleteSignature() async throws {
        let f = try await Fixture()
        for garbage in ["garbage", "AWS4-HMAC-SHA256 nonsense", "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/kms/aws4_request",
                        "Basic dXNlcjpwYXNz", ""] {
            var request = try f.sign()
            request.headers = request.headers.map { $0.name == "Authorization" ? ($0.name, garbage) : $0 }
            await expectError(.incompleteSignature, "\(garbage)") { try f.verify(request) }
        }
        var noDate = try f.sign()
        noDate.headers.removeAll { $0.name.lowercased() == "x-amz-date" }
        await expectError(.incompleteSignature) { try f.verify(noDate) }
    }

    @Test func authorizationParserHandlesSpacingOrderAndMalformedParts() throws {
        let signature = String(repeating: "a", count: 64)
        let parsed = try SigV4Verifier.parseAuthorization(
            "  AWS4-HMAC-SHA256   Signature=\(signature.uppercased()) ,SignedHeaders=host;x-amz-date,  Credential=AKIAX/20260101/us-east-1/kms/aws4_request  ")
        #expect(parsed.accessKeyId == "AKIAX")
        #expect(parsed.scope == SigV4.Scope(date: "20260101", region: "us-east-1", service: "kms"))
        #expect(parsed.signedHeaders == ["host", "x-amz-date"])
        #expect(parsed.signature == signature)
        let credential = "Credential=AKIAX/20260101/us-east-1/kms/aws4_request"
        let malformed: [(String, KMSError.Code)] = [
            ("AWS4-HMAC-SHA256", .incompleteSignature),
            ("AWS4-HMAC-SHA512 \(credential), SignedHeaders=host, Signature=\(signature)", .incompleteSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=host, Signature", .incompleteSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=host", .incompleteSignature),
            ("AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/kms, SignedHeaders=host, Signature=\(signature)", .incompleteSignature),
            ("AWS4-HMAC-SHA256 Credential=/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=\(signature)", .incompleteSignature),
            ("AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/kms/aws5_request, SignedHeaders=host, Signature=\(signature)", .invalidSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=Host, Signature=\(signature)", .incompleteSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=;;, Signature=\(signature)", .incompleteSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=h\u{e9}, Signature=\(signature)", .incompleteSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=host, Signature=\(signature.dropLast())", .invalidSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=host, Signature=\(signature.dropLast())z", .invalidSignature),
            ("AWS4-HMAC-SHA256 \(credential), SignedHeaders=host, Signature=\(signature.dropLast())\u{e9}", .invalidSignature),
        ]
        for (header, code) in malformed {
            let error = #expect(throws: KMSError.self, "\(header)") { try SigV4Verifier.parseAuthorization(header) }
            #expect(error?.code == code, "\(header)")
        }
    }

    @Test func headerNamesCompareWithoutCaseAndValuesCanonicalise() {
        #expect(SigV4.headerNamesEqual("X-Amz-Date", "x-amz-date"))
        #expect(SigV4.headerNamesEqual("host", "HOST"))
        #expect(!SigV4.headerNamesEqual("host", "hosts"))
        #expect(!SigV4.headerNamesEqual("x-amz-date", "x-amz-dat\u{e9}"))
        #expect(!SigV4.headerNamesEqual("a@", "a`"))  // 0x40 and 0x60 differ only in the case bit but are not letters
        let cases: [(String, String)] = [
            ("application/json", "application/json"), ("  a  b\t c ", "a b c"), ("a\tb", "a b"), ("\t", ""),
            ("", ""), ("x ", "x"), (" x", "x"), ("a b", "a b"), ("a  b", "a b"), ("é  ü", "é ü"),
        ]
        for (raw, canonical) in cases {
            #expect(SigV4.canonicalHeaderValue(raw) == canonical, "\(raw)")
        }
    }

    @Test func wrongSecretIsInvalidSignature() async throws {
        let f = try await Fixture()
        let wrong = Credentials(accessKeyId: f.credentials.accessKeyId, secretAccessKey: "not-the-secret-not-the-secret-not-the-sec")
        await expectError(.invalidSignature) { try f.verify(try f.sign(credentials: wrong)) }
    }

    @Test func unknownAccessKeyIsUnrecognizedClient() async throws {
        let f = try await Fixture()
        let unknown = Credentials(accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: f.credentials.secretAccessKey)
        await expectError(.unrecognizedClient) { try f.verify(try f.sign(credentials: unknown)) }
    }

    @Test func datesOutsideTheFiveMinuteWindowAreInvalidSignature() async throws {
        let f = try await Fixture()
        await expectError(.invalidSignature, "6 minutes old") { try f.verify(try f.sign(date: Self.now.addingTimeInterval(-360))) }
        await expectError(.invalidSignature, "6 minutes ahead") { try f.verify(try f.sign(date: Self.now.addingTimeInterval(360))) }
    }

    @Test func wrongScopeIsInvalidSignature() async throws {
        let f = try await Fixture()
        await expectError(.invalidSignature, "region") { try f.verify(try f.sign(region: "eu-west-1")) }
        await expectError(.invalidSignature, "service") { try f.verify(try f.sign(service: "s3")) }
    }

    @Test func changingTheRequestAfterSigningIsInvalidSignature() async throws {
        let f = try await Fixture()
        var body = try f.sign()
        body.body = utf8(#"{"keyId":"alias/y"}"#)
        await expectError(.invalidSignature, "body") { try f.verify(body) }
        var method = try f.sign()
        method.method = "PUT"
        await expectError(.invalidSignature, "method") { try f.verify(method) }
        var path = try f.sign()
        path.path = "/v1/decrypt"
        await expectError(.invalidSignature, "path") { try f.verify(path) }
        var query = try f.sign("GET", path: "/v1/keys", query: "limit=1", body: [])
        query.query = "limit=2"
        await expectError(.invalidSignature, "query") { try f.verify(query) }
        var header = try f.sign()
        header.headers = header.headers.map { $0.name == "content-type" ? ($0.name, "text/plain") : $0 }
        await expectError(.invalidSignature, "signed header value") { try f.verify(header) }
    }

    @Test func signedHeaderMissingFromTheRequestIsInvalidSignature() async throws {
        let f = try await Fixture()
        var request = try f.sign(extraHeaders: [("x-custom", "value")])
        #expect(try f.verify(request).principalId == f.administratorId)
        request.headers.removeAll { $0.name == "x-custom" }
        await expectError(.invalidSignature) { try f.verify(request) }
    }

    @Test func payloadHashHeaderMustMatchTheBody() async throws {
        let f = try await Fixture()
        var request = try f.sign()
        request.headers.append(("x-amz-content-sha256", SigV4.emptyPayloadHash))
        await expectError(.invalidSignature) { try f.verify(request) }
    }

    @Test func disabledPrincipalsAndInactiveKeysAreUnrecognizedClients() async throws {
        let store = MemoryKeyStore()
        let keyring = try Keyring(rootKey: TestKeys.root)
        var changes: [StoreChange] = []
        func add(principal name: String, enabled: Bool, key: String, status: AccessKeyRecord.Status) throws -> Credentials {
            let id = UUID().uuidString.lowercased()
            changes.append(.putPrincipal(PrincipalRecord(id: id, name: name, kind: .service, enabled: enabled, createdAt: TestClock.start)))
            let secret = "secret-of-\(name)-0123456789abcdefghijklmno"
            changes.append(.putAccessKey(AccessKeyRecord(
                id: key, principalId: id, wrappedSecret: try keyring.wrapSecret(SecureBytes(copying: utf8(secret)), accessKeyId: key),
                status: status, createdAt: TestClock.start)))
            return Credentials(accessKeyId: key, secretAccessKey: secret)
        }
        let active = try add(principal: "active", enabled: true, key: "AKIAACTIVEACTIVEACTI", status: .active)
        let disabled = try add(principal: "disabled", enabled: false, key: "AKIADISABLEDDISABLED", status: .active)
        let inactive = try add(principal: "inactive", enabled: true, key: "AKIAINACTIVEINACTIVE", status: .inactive)
        try store.commit(changes)
        let f = try await Fixture(store: store)
        #expect(try f.verify(try f.sign(credentials: active)).principalName == "active")
        await expectError(.unrecognizedClient, "disabled principal") { try f.verify(try f.sign(credentials: disabled)) }
        await expectError(.unrecognizedClient, "inactive access key") { try f.verify(try f.sign(credentials: inactive)) }
    }

    /// Every committed fuzz input (seeds and past crashers of `fuzz-sigv4`) runs
    /// through the fuzzer's checks: no crash, no server fault, signer and verifier agree.
    @Test func fuzzCorpusRunsWithoutFindings() throws {
        let inputs = try FuzzCorpus.inputs("sigv4")
        #expect(inputs.count >= 34)
        for (name, bytes) in inputs {
            #expect(SigV4FuzzHarness.run(bytes) == nil, "\(name)")
        }
        // The seeds are the AWS suite's signed requests: the harness reaches an accepted signature.
        let seed = try #require(inputs.first { $0.name.hasSuffix("/get-vanilla") })
        #expect(try SigV4FuzzHarness.verify(SigV4FuzzHarness.parse(seed.bytes)) == SigV4FuzzHarness.caller)
    }
}
