import AsyncHTTPClient
import Client
import Foundation
import KeyCrypto
import NIOSSL
import Testing

@testable import KeyService

/// A CA, a server certificate for 127.0.0.1 and client certificates, made with the `openssl` command line.
struct TestPKI {
    let directory: TemporaryDirectory
    var path: String { directory.path }
    var caFile: String { path + "/ca.pem" }
    var serverTLS: ServerConfiguration.TLS {
        ServerConfiguration.TLS(certificateChainPath: path + "/server.pem", privateKeyPath: path + "/server.key")
    }

    init(clients: [String], otherCAClients: [String] = []) throws {
        directory = try TemporaryDirectory()
        try Self.makeCA("ca", in: directory.path)
        try Self.issue("server", by: "ca", extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", in: directory.path)
        for name in clients { try Self.issue(name, by: "ca", extensions: "extendedKeyUsage=clientAuth\n", in: directory.path) }
        if !otherCAClients.isEmpty {
            try Self.makeCA("other-ca", in: directory.path)
            for name in otherCAClients { try Self.issue(name, by: "other-ca", extensions: "extendedKeyUsage=clientAuth\n", in: directory.path) }
        }
    }

    private static func run(_ arguments: [String]) throws {
        let result = try OpenSSLTool.run(arguments)
        guard result.status == 0 else { throw ConfigurationError("openssl \(arguments.first ?? ""): \(result.output)") }
    }

    private static func makeCA(_ name: String, in path: String) throws {
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(path)/\(name).key",
                 "-out", "\(path)/\(name).pem", "-days", "2", "-subj", "/CN=kms-test-\(name)",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"])
    }

    private static func issue(_ name: String, by ca: String, extensions: String, in path: String) throws {
        try extensions.write(toFile: "\(path)/\(name).ext", atomically: true, encoding: .utf8)
        try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(path)/\(name).key",
                 "-out", "\(path)/\(name).csr", "-subj", "/CN=\(name)"])
        try run(["x509", "-req", "-in", "\(path)/\(name).csr", "-CA", "\(path)/\(ca).pem", "-CAkey", "\(path)/\(ca).key",
                 "-set_serial", "\(Int.random(in: 2...Int(Int32.max)))", "-days", "2", "-extfile", "\(path)/\(name).ext",
                 "-out", "\(path)/\(name).pem"])
    }

    /// `openssl x509 -fingerprint -sha256` of a certificate, as 64 lowercase hex digits.
    func opensslFingerprint(_ name: String) throws -> String {
        let result = try OpenSSLTool.run(["x509", "-in", "\(path)/\(name).pem", "-noout", "-fingerprint", "-sha256"])
        let value = try #require(result.output.split(separator: "=").last)
        return value.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "").lowercased()
    }

    /// An HTTP client trusting the CA, presenting certificate `name` (if any), over HTTP/1.1 only or HTTP/2 by ALPN.
    func httpClient(presenting name: String?, http2: Bool) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile)
        if let name {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile("\(path)/\(name).pem").map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: "\(path)/\(name).key", format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = http2 ? .automatic : .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// Client certificates bound to principals, end to end over TLS (HTTP/1.1 and HTTP/2).
extension ProductionTests {
    /// Calls `body` with clients made by `make`, shutting their HTTP clients down afterwards.
    static func withClients<T>(
        _ specs: [(presenting: String?, http2: Bool, credentials: Credentials)], pki: TestPKI, endpoint: String,
        _ body: ([KeyServiceClient]) async throws -> T
    ) async throws -> T {
        var httpClients: [HTTPClient] = []
        var clients: [KeyServiceClient] = []
        for spec in specs {
            let http = try pki.httpClient(presenting: spec.presenting, http2: spec.http2)
            httpClients.append(http)
            clients.append(try KeyServiceClient(endpoint: endpoint, credentials: spec.credentials, timeout: .seconds(10), maxAttempts: 1, httpClient: http))
        }
        let result: Result<T, any Error>
        do { result = .success(try await body(clients)) } catch { result = .failure(error) }
        for http in httpClients { try? await http.shutdown() }
        return try result.get()
    }

    /// Optional client authentication: connections without a certificate are
    /// accepted, presented certificates must verify, and a bound principal is
    /// served only with its own certificate.
    @Test(.enabled(if: OpenSSLTool.isAvailable), .timeLimit(.minutes(4)))
    func boundPrincipalIsServedOnlyWithItsOwnCertificate() async throws {
        let pki = try TestPKI(clients: ["alice", "mallory"], otherCAClients: ["stranger"])
        defer { pki.directory.cleanup() }
        #expect(try ClientCertificate.fingerprint(file: pki.path + "/alice.pem") == (try pki.opensslFingerprint("alice")))
        var tls = pki.serverTLS
        tls.clientCAPath = pki.caFile
        tls.clientAuthentication = .optional
        let live = try await LiveServer.build(tls: tls)
        let admin = try #require(live.administrator)
        let audit = live.server.audit
        try await live.run { _, port in
            let endpoint = "https://127.0.0.1:\(port)"
            let fingerprint = try ClientCertificate.fingerprint(file: pki.path + "/alice.pem")
            let (key, created) = try await Self.withClients([(nil, true, admin)], pki: pki, endpoint: endpoint) { clients in
                // The administrator is not bound: it needs no client certificate, over HTTP/2.
                let key = try await clients[0].createKey(description: "mtls").keyId
                let (principal, accessKey) = try await clients[0].createPrincipal(name: "ci", clientCertificateFingerprint: fingerprint)
                #expect(principal.clientCertificateFingerprint == fingerprint)
                #expect(try await clients[0].describePrincipal("ci").clientCertificateFingerprint == fingerprint)
                _ = try await clients[0].createBinding(principal: "ci", role: "key-user", scope: .allKeys)
                return (key, accessKey.credentials)
            }
            try await Self.withClients([
                ("alice", false, created), ("alice", true, created), ("mallory", true, created), (nil, true, created),
                (nil, false, created),
            ], pki: pki, endpoint: endpoint) { clients in
                // Its own certificate, over HTTP/1.1 and over HTTP/2.
                #expect(try await clients[0].describeKey(key).keyId == key)
                #expect(try await clients[1].describeKey(key).keyId == key)
                // Another certificate of the same CA; no certificate at all (HTTP/2 and HTTP/1.1).
                let before = audit.lastSequence
                await expectServiceError("AccessDenied", status: 403) { try await clients[2].describeKey(key) }
                await expectServiceError("AccessDenied", status: 403) { try await clients[3].describeKey(key) }
                await expectServiceError("AccessDenied", status: 403) { try await clients[4].describeKey(key) }
                let denials = try AuditIntegrationTests.records(audit, after: before)
                #expect(denials.map(\.reason) == [
                    "client certificate does not match the principal's", "client certificate missing", "client certificate missing",
                ])
                #expect(denials.allSatisfy { $0.outcome == .denied && $0.principalName == "ci" && $0.action == "DescribeKey" })
            }
            // A certificate the client CA did not issue does not even connect.
            try await Self.withClients([("stranger", false, created)], pki: pki, endpoint: endpoint) { clients in
                do {
                    _ = try await clients[0].describeKey(key)
                    Issue.record("a certificate from another CA was accepted")
                } catch let error as ClientError {
                    guard case .unreachable = error else { Issue.record("expected a failed handshake, got \(error)"); return }
                }
            }
            // Cleared, the principal works without a certificate again.
            try await Self.withClients([(nil, true, admin), (nil, true, created)], pki: pki, endpoint: endpoint) { clients in
                try await clients[0].setPrincipalClientCertificate("ci", fingerprint: nil)
                #expect(try await clients[0].describePrincipal("ci").clientCertificateFingerprint == nil)
                #expect(try await clients[1].describeKey(key).keyId == key)
            }
        }
    }

    /// Required client authentication (the default with a client CA): a connection
    /// without a certificate fails its handshake; a bound principal's own works.
    @Test(.enabled(if: OpenSSLTool.isAvailable), .timeLimit(.minutes(4)))
    func requiredClientAuthenticationRefusesConnectionsWithoutACertificate() async throws {
        let pki = try TestPKI(clients: ["admin", "alice"])
        defer { pki.directory.cleanup() }
        var tls = pki.serverTLS
        tls.clientCAPath = pki.caFile
        let live = try await LiveServer.build(tls: tls)
        let admin = try #require(live.administrator)
        try await live.run { _, port in
            let endpoint = "https://127.0.0.1:\(port)"
            try await Self.withClients([(nil, false, admin), ("admin", true, admin)], pki: pki, endpoint: endpoint) { clients in
                do {
                    _ = try await clients[0].listKeys()
                    Issue.record("a connection without a client certificate was served")
                } catch let error as ClientError {
                    guard case .unreachable = error else { Issue.record("expected a failed handshake, got \(error)"); return }
                }
                let fingerprint = try ClientCertificate.fingerprint(file: pki.path + "/alice.pem")
                let (_, key) = try await clients[1].createPrincipal(name: "ci", clientCertificateFingerprint: fingerprint)
                _ = try await clients[1].createBinding(principal: "ci", role: "auditor", scope: .allKeys)
                try await Self.withClients([("alice", false, key.credentials), ("admin", false, key.credentials)], pki: pki, endpoint: endpoint) { ci in
                    _ = try await ci[0].listKeys()
                    await expectServiceError("AccessDenied", status: 403) { try await ci[1].listKeys() }
                }
            }
        }
    }

    /// Over plain HTTP there is no client certificate, so a bound principal is refused.
    @Test(.timeLimit(.minutes(3)))
    func boundPrincipalIsRefusedOverPlainHTTP() async throws {
        let live = try await LiveServer.build()
        let admin = try #require(live.administrator)
        let audit = live.server.audit
        try await live.run { endpoint, _ in
            let client = try LiveServer.client(endpoint, admin)
            let fingerprint = String(repeating: "ab", count: 32)
            let (_, key) = try await client.createPrincipal(name: "ci", clientCertificateFingerprint: fingerprint)
            _ = try await client.createBinding(principal: "ci", role: "auditor", scope: .allKeys)
            let before = audit.lastSequence
            do {
                _ = try await LiveServer.client(endpoint, key.credentials).listKeys()
                Issue.record("a bound principal was served over plain HTTP")
            } catch let error as ClientError {
                #expect(error.code == "AccessDenied")
                #expect(!error.description.contains(fingerprint))
            }
            let records = try AuditIntegrationTests.records(audit, after: before)
            #expect(records.map(\.reason) == ["client certificate missing"])
            #expect(records.first?.principalName == "ci")
            // The administrator, unbound, is unaffected.
            _ = try await client.listKeys()
        }
    }
}
