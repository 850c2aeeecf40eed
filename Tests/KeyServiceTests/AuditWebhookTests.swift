#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Client
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeyCrypto
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing
@testable import KeyService

/// Audit webhooks against a real HTTP receiver on loopback: signed deliveries of
/// sensitive events and repeated denials, and a dead receiver that blocks nothing.
@Suite(.timeLimit(.minutes(3))) struct AuditWebhookTests {
    struct Delivery: Sendable {
        var event: String?
        var timestamp: String?
        var signature: String?
        var body: [UInt8]
    }

    /// A tiny Hummingbird app on 127.0.0.1, port 0, that records every POST.
    final class Receiver: Sendable {
        let deliveries = Mutex<[Delivery]>([])
        var all: [Delivery] { deliveries.withLock { $0 } }

        func application(onPort: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
            let router = Router()
            router.post("/hook") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 20)
                let delivery = Delivery(
                    event: request.headers[HTTPField.Name("X-KMS-Event")!], timestamp: request.headers[HTTPField.Name("X-KMS-Timestamp")!],
                    signature: request.headers[HTTPField.Name("X-KMS-Signature")!], body: Array(body.readableBytesView))
                self.deliveries.withLock { $0.append(delivery) }
                return .noContent
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                               onServerRunning: { onPort($0.localAddress?.port ?? -1) }, logger: quietLogger)
        }
    }

    static let secret = SecureBytes(copying: utf8("webhook-test-secret"))

    /// Runs `services` in a group next to `body`, then shuts them down; bounded in time throughout.
    static func running<T: Sendable>(_ services: [any Service], _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let group = ServiceGroup(configuration: {
            var configuration = ServiceGroupConfiguration(services: services, logger: quietLogger)
            configuration.maximumGracefulShutdownDuration = .seconds(5)
            configuration.maximumCancellationDuration = .seconds(5)
            return configuration
        }())
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await withTimeout(.seconds(120), "the webhook test", body))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            tasks.addTask {
                try await Task.sleep(for: .seconds(15))
                throw TimeoutError(description: "the services did not stop")
            }
            _ = try await tasks.next()
            tasks.cancelAll()
            return try result.get()
        }
    }

    /// Runs a receiver and calls `body` with it and its port.
    static func withReceiver<T: Sendable>(_ body: @escaping @Sendable (Receiver, Int) async throws -> T) async throws -> T {
        let receiver = Receiver()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = receiver.application { port in
            continuation.yield(port)
            continuation.finish()
        }
        return try await running([app]) {
            let port = try await withTimeout(.seconds(20), "the receiver start") {
                guard let port = await ports.first(where: { _ in true }), port > 0 else {
                    throw TimeoutError(description: "the receiver did not report its port")
                }
                return port
            }
            return try await body(receiver, port)
        }
    }

    /// Builds the server with a webhook to `url` and drives it through the router. The router
    /// test framework runs the application's services, the webhook service among them, for as
    /// long as `body` runs.
    static func withWebhooks<T: Sendable>(
        url: String, attempts: Int = 4, timeout: Duration = .seconds(5), maxQueue: Int = 1000,
        _ body: @escaping @Sendable (KeyServer, Credentials, DoorClient) async throws -> T
    ) async throws -> T {
        var configuration = ServerConfiguration()
        configuration.storage = .memory
        configuration.port = 0
        configuration.webhook = WebhookConfiguration(url: url, secret: secret, maxQueue: maxQueue, attempts: attempts, timeout: timeout)
        let server = try await buildApplication(configuration: configuration, rootKey: TestKeys.root, logger: quietLogger)
        let issued = try #require(server.bootstrapCredentials)
        let admin = Credentials(accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey)
        #expect(server.webhooks != nil)
        return try await withTimeout(.seconds(120), "the webhook test") {
            try await server.application.test(.router) { client in try await body(server, admin, DoorClient(client: client)) }
        }
    }

    /// A loopback port bound by a socket that never accepts: connecting is refused, or
    /// (when `listening`) connects and then hangs.
    static func withDeadPort<T>(listening: Bool, _ body: (Int) async throws -> T) async throws -> T {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        if listening { try #require(listen(fd, 1) == 0) }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    static func createKeys(_ count: Int, on server: KeyServer) async throws -> [String] {
        let context = ServiceHarness.callContext(principalId: try #require(server.service.administratorId))
        var ids: [String] = []
        for _ in 0..<count { ids.append(try await server.service.perform(CreateKey.self, .init(), context: context).keyMetadata.keyId) }
        return ids
    }

    struct Payload: Decodable {
        var event: String
        var record: AuditRecord
    }

    @Test func sensitiveEventsAndRepeatedDenialsAreDeliveredSigned() async throws {
        try await Self.withReceiver { receiver, port in
            // A generous delivery timeout: on a saturated machine (the whole suite runs in
            // parallel on two cores) a 5 s one can expire before the receiver is scheduled.
            try await Self.withWebhooks(url: "http://127.0.0.1:\(port)/hook", timeout: .seconds(60)) { server, admin, door in
                let keys = try await Self.createKeys(2, on: server)
                let context = ServiceHarness.callContext(principalId: try #require(server.service.administratorId))
                let created = try await server.service.perform(CreatePrincipal.self, .init(name: "bob"), context: context)
                let bob = Credentials(accessKeyId: created.accessKey.accessKeyId, secretAccessKey: created.accessKey.secretAccessKey.bytes)
                #expect(try await door.rest(.post, "/v1/keys/\(keys[0])/schedule-deletion", #"{"pendingWindowInDays":7}"#, as: admin).status == .ok)
                #expect(try await door.rest(.post, "/v1/keys/\(keys[1])/disable", as: admin).status == .ok)
                #expect(try await door.rest(.get, "/v1/keys", "", as: admin).status == .ok, "not a sensitive event")
                for _ in 0..<5 {
                    #expect(try await door.rest(.get, "/v1/keys/\(keys[1])", "", as: bob).status == .forbidden)
                }
                #expect(try await AuditLogTests.eventually(.seconds(120)) { receiver.all.count >= 3 }, "\(receiver.all.count) deliveries")
                try await Task.sleep(for: .milliseconds(300))
                // Delivery is at least once: a retry after a slow answer may repeat an event.
                var seen = Set<String>()
                let deliveries = receiver.all.filter { seen.insert(($0.event ?? "") + String(decoding: $0.body, as: UTF8.self)).inserted }
                #expect(deliveries.map(\.event) == ["ScheduleKeyDeletion", "DisableKey", "RepeatedDenials"])
                let now = Int(Date().timeIntervalSince1970)
                for delivery in deliveries {
                    let timestamp = try #require(delivery.timestamp)
                    #expect(abs((Int(timestamp) ?? 0) - now) < 300)
                    let mac = try HMAC.authenticate(.sha256, key: Self.secret, data: Array((timestamp + ".").utf8) + delivery.body)
                    #expect(delivery.signature == "sha256=" + Hex.encode(mac), "\(delivery.event ?? "?") does not verify")
                    let forged = try HMAC.authenticate(.sha256, key: Self.secret, data: Array((timestamp + ".").utf8) + delivery.body + [0x20])
                    #expect(delivery.signature != "sha256=" + Hex.encode(forged))
                    let payload = try JSONDecoder().decode(Payload.self, from: Data(delivery.body))
                    #expect(payload.event == delivery.event)
                }
                let records = try deliveries.map { try JSONDecoder().decode(Payload.self, from: Data($0.body)).record }
                #expect(records[0].action == "ScheduleKeyDeletion" && records[0].keyId == keys[0] && records[0].principalName == "admin")
                #expect(records[1].action == "DisableKey" && records[1].keyId == keys[1] && records[1].outcome == .allowed)
                #expect(records[2].principalName == "bob" && records[2].outcome == .denied && records[2].errorCode == "AccessDeniedException")
                let counters = try #require(server.webhooks).counters
                #expect(counters.delivered >= 3 && counters.failed == 0 && counters.dropped == 0)
            }
        }
    }

    @Test(arguments: [false, true])
    func deadReceiverNeverBlocksRequests(listening: Bool) async throws {
        // A receiver that accepts and never answers holds each delivery for the whole
        // timeout; one that refuses connections fails each attempt at once.
        let timeout: Duration = listening ? .seconds(60) : .seconds(1)
        try await Self.withDeadPort(listening: listening) { port in
            try await Self.withWebhooks(url: "http://127.0.0.1:\(port)/hook", attempts: 2, timeout: timeout, maxQueue: 2) { server, admin, door in
                let keys = try await Self.createKeys(4, on: server)
                for key in keys {
                    #expect(try await door.rest(.post, "/v1/keys/\(key)/disable", as: admin).status == .ok)
                }
                let webhooks = try #require(server.webhooks)
                if listening {
                    // Every request was answered while the first delivery still waited on the receiver.
                    let counters = webhooks.counters
                    #expect(counters.delivered == 0 && counters.failed == 0, "\(counters)")
                    #expect(counters.dropped >= 1, "a bounded queue drops the oldest events: \(counters)")
                } else {
                    let settled = try await AuditLogTests.eventually(.seconds(40)) {
                        let c = webhooks.counters
                        return c.failed + c.dropped == 4 && c.queued == 0
                    }
                    let counters = webhooks.counters
                    #expect(settled, "\(counters)")
                    #expect(counters.delivered == 0 && counters.failed >= 1, "\(counters)")
                }
            }
        }
    }

    @Test func webhookServiceStopsOnGracefulShutdown() async throws {
        try await Self.withDeadPort(listening: false) { port in
            let webhooks = AuditWebhooks(
                configuration: WebhookConfiguration(url: "http://127.0.0.1:\(port)/hook", secret: Self.secret, attempts: 1),
                logger: quietLogger)
            // As `kms server` runs it: no limit on how long a graceful shutdown may take.
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [webhooks], logger: quietLogger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Task.sleep(for: .milliseconds(200))
                await group.triggerGracefulShutdown()
                tasks.addTask {
                    // A hang detector, not a speed check: generous, because a saturated
                    // machine can delay even this timer.
                    try await Task.sleep(for: .seconds(300))
                    throw TimeoutError(description: "the webhook service ignored the graceful shutdown")
                }
                defer { tasks.cancelAll() }
                try await tasks.next()
            }
        }
    }
}
