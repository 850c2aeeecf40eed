import Client
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeyCrypto
import Testing
@testable import KeyService

/// Client certificates bound to principals: the fingerprint field, who may set
/// it, and the front door's refusal (in-process, where no request has TLS).
@Suite struct ClientCertificateBindingTests {
    static let fingerprintA = String(repeating: "0123456789abcdef", count: 4)
    static let fingerprintB = String(repeating: "fedcba9876543210", count: 4)

    @Test(arguments: [
        "", String(repeating: "a", count: 63), String(repeating: "a", count: 65), String(repeating: "g", count: 64),
        String(repeating: "ab:", count: 31) + "ab", " " + String(repeating: "a", count: 63), String(repeating: "é", count: 32),
    ])
    func fingerprintsOtherThanSixtyFourHexDigitsAreRefused(text: String) async throws {
        #expect(throws: KMSError.self) { try ClientCertificateBinding.parseFingerprint(text) }
        let h = try await ServiceHarness.make()
        await expectError(.validation) {
            try await h.perform(CreatePrincipal.self, .init(name: "app", clientCertificateFingerprint: text))
        }
        #expect(h.service.read { $0.principal(named: "app") } == nil, "nothing was created")
        _ = try await h.perform(CreatePrincipal.self, .init(name: "other"))
        if !text.isEmpty {
            await expectError(.validation) {
                try await h.perform(UpdatePrincipal.self, .init(principal: "other", clientCertificateFingerprint: text))
            }
        }
    }

    @Test func fingerprintsAreStoredInLowercase() throws {
        #expect(try ClientCertificateBinding.parseFingerprint(Self.fingerprintA.uppercased()) == Self.fingerprintA)
        #expect(try ClientCertificateBinding.parseFingerprint(Self.fingerprintA) == Self.fingerprintA)
    }

    @Test func bindingIsSetReplacedShownAndClearedWithAnEmptyString() async throws {
        let h = try await ServiceHarness.make()
        let created = try await h.perform(CreatePrincipal.self, .init(name: "app", clientCertificateFingerprint: Self.fingerprintA.uppercased()))
        #expect(created.principal.clientCertificateFingerprint == Self.fingerprintA)
        func shown() async throws -> String? {
            try await h.perform(DescribePrincipal.self, .init(principal: "app")).principal.clientCertificateFingerprint
        }
        #expect(try await shown() == Self.fingerprintA)
        let listed = try await h.perform(ListPrincipals.self, .init()).principals.first { $0.name == "app" }
        #expect(listed?.clientCertificateFingerprint == Self.fingerprintA)

        // Enabling or disabling leaves the binding alone, and the binding leaves `enabled` alone.
        _ = try await h.perform(UpdatePrincipal.self, .init(principal: "app", enabled: false))
        #expect(try await shown() == Self.fingerprintA)
        _ = try await h.perform(UpdatePrincipal.self, .init(principal: "app", clientCertificateFingerprint: Self.fingerprintB))
        #expect(try await shown() == Self.fingerprintB)
        #expect(try await h.perform(DescribePrincipal.self, .init(principal: "app")).principal.enabled == false)

        _ = try await h.perform(UpdatePrincipal.self, .init(principal: "app", clientCertificateFingerprint: ""))
        #expect(try await shown() == nil)
        // Without a binding the member is absent from the wire, not null.
        let json = String(decoding: try JSONEncoder().encode(try await h.perform(DescribePrincipal.self, .init(principal: "app"))), as: UTF8.self)
        #expect(!json.contains("clientCertificateFingerprint"))

        await expectError(.validation, "an update must change something") {
            try await h.perform(UpdatePrincipal.self, .init(principal: "app"))
        }
    }

    @Test func onlyCallersAllowedToCreateOrUpdatePrincipalsMayBindCertificates() async throws {
        let h = try await ServiceHarness.make()
        let keyAdmin = try await h.perform(CreatePrincipal.self, .init(name: "key-admin"))
        _ = try await h.perform(CreateBinding.self, .init(principal: "key-admin", role: "key-admin", allKeys: true))
        _ = try await h.perform(CreatePrincipal.self, .init(name: "app"))
        let context = ServiceHarness.callContext(principalId: keyAdmin.principal.principalId, name: "key-admin")
        await expectError(.accessDenied) {
            try await h.service.perform(UpdatePrincipal.self, .init(principal: "app", clientCertificateFingerprint: Self.fingerprintA), context: context)
        }
        await expectError(.accessDenied) {
            try await h.service.perform(UpdatePrincipal.self, .init(principal: "app", clientCertificateFingerprint: ""), context: context)
        }
        await expectError(.accessDenied) {
            try await h.service.perform(CreatePrincipal.self, .init(name: "new", clientCertificateFingerprint: Self.fingerprintA), context: context)
        }
        #expect(h.service.read { $0.principal(named: "app")?.clientCertificateFingerprint } == nil)
        // The same request from the administrator is allowed.
        _ = try await h.perform(UpdatePrincipal.self, .init(principal: "app", clientCertificateFingerprint: Self.fingerprintA))
        #expect(h.service.read { $0.principal(named: "app")?.clientCertificateFingerprint } == Self.fingerprintA)
    }

    @Test func refusalNamesTheReasonAndAcceptsOnlyTheBoundCertificate() throws {
        let certificate = Array("not really DER, any bytes hash".utf8)
        let bound = Hex.encode(try Digest.hash(.sha256, certificate))
        #expect(ClientCertificateBinding.refusal(bound: bound, presented: certificate) == nil)
        #expect(ClientCertificateBinding.refusal(bound: bound, presented: nil) == "client certificate missing")
        #expect(ClientCertificateBinding.refusal(bound: bound, presented: certificate + [0]) == "client certificate does not match the principal's")
        #expect(ClientCertificateBinding.refusal(bound: bound, presented: []) == "client certificate does not match the principal's")
        var flipped = Array(bound.utf8)
        flipped[63] = flipped[63] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(ClientCertificateBinding.refusal(bound: String(decoding: flipped, as: UTF8.self), presented: certificate) != nil)
    }

    /// Through both doors of the built app (no TLS in-process): a bound principal is
    /// refused with AccessDenied, the record names it and the reason, the response
    /// does not carry the fingerprint; unbound principals and a cleared binding work.
    @Test(arguments: [API.rest, API.aws])
    func boundPrincipalWithoutACertificateIsDeniedAndAudited(api: API) async throws {
        let (server, admin, bob, _) = try await AuditIntegrationTests.setUp()
        let context = ServiceHarness.callContext(principalId: try #require(server.service.administratorId))
        _ = try await server.service.perform(CreateBinding.self, .init(principal: "bob", role: "key-user", allKeys: true), context: context)
        _ = try await server.service.perform(UpdatePrincipal.self, .init(principal: "bob", clientCertificateFingerprint: Self.fingerprintA), context: context)
        let audit = server.audit
        try await server.application.test(.router) { client in
            let door = DoorClient(client: client)
            func encrypt(as credentials: Credentials) async throws -> TestResponse {
                try await door.call(api, "Encrypt", restPath: "/v1/encrypt", ["keyId": "alias/audited", "plaintext": "aGVsbG8="], as: credentials)
            }
            var last = audit.lastSequence
            let denied = try await encrypt(as: bob)
            #expect(denied.status == (api == .rest ? .forbidden : .badRequest))
            let body = String(buffer: denied.body)
            #expect(body.contains("AccessDenied"))
            #expect(!body.contains(Self.fingerprintA) && !body.contains("missing"), "\(body)")
            let record = try AuditIntegrationTests.onlyRecord(of: denied, in: audit, after: last)
            #expect(record.outcome == .denied && record.errorCode == "AccessDeniedException")
            #expect(record.reason == "client certificate missing")
            #expect(record.principalName == "bob" && record.accessKeyId == bob.accessKeyId)

            // An unbound principal is unaffected.
            last = audit.lastSequence
            let allowed = try await encrypt(as: admin)
            #expect(allowed.status == .ok)
            #expect(try AuditIntegrationTests.onlyRecord(of: allowed, in: audit, after: last).outcome == .allowed)

            // Clearing the binding lets bob in again.
            _ = try await server.service.perform(UpdatePrincipal.self, .init(principal: "bob", clientCertificateFingerprint: ""), context: context)
            #expect(try await encrypt(as: bob).status == .ok)
        }
    }
}
