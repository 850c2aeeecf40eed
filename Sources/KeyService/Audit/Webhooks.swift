import AsyncHTTPClient
import Foundation
import KeyCrypto
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// Where sensitive audit events are POSTed, and which.
public struct WebhookConfiguration: Sendable {
    public var url: String
    /// Signs each delivery: `X-KMS-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
    public var secret: SecureBytes
    /// Operation names that trigger a delivery (any outcome).
    public var actions: Set<String>
    /// Denials of one principal within `denialWindow` that trigger a `RepeatedDenials` event.
    public var denialThreshold: Int
    public var denialWindow: Duration
    public var maxQueue: Int
    public var attempts: Int
    public var timeout: Duration

    public static let defaultActions: Set<String> = [
        "ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "CreateRole", "UpdateRole", "DeleteRole",
        "CreateBinding", "DeleteBinding", "DeleteImportedKeyMaterial", "DeletePrincipal", "PruneAuditLog",
    ]

    public init(url: String, secret: SecureBytes, actions: Set<String> = defaultActions, denialThreshold: Int = 5,
                denialWindow: Duration = .seconds(60), maxQueue: Int = 1000, attempts: Int = 4, timeout: Duration = .seconds(5)) {
        self.url = url
        self.secret = secret
        self.actions = actions
        self.denialThreshold = denialThreshold
        self.denialWindow = denialWindow
        self.maxQueue = maxQueue
        self.attempts = attempts
        self.timeout = timeout
    }
}

/// Delivers sensitive audit events to a webhook without ever blocking a request:
/// `observe` only appends to a bounded queue (dropping the oldest when full), and
/// a background service POSTs with retries and backoff.
public final class AuditWebhooks: Service, Sendable {
    struct Event: Sendable {
        var type: String
        var record: AuditRecord
    }

    struct State {
        var queue: [Event] = []
        var waiter: CheckedContinuation<Void, Never>?
        var denials: [String: [ContinuousClock.Instant]] = [:]
        var dropped = 0
        var delivered = 0
        var failed = 0
    }

    let configuration: WebhookConfiguration
    let logger: Logger
    let httpClient: HTTPClient
    private let state = Mutex(State())

    public init(configuration: WebhookConfiguration, logger: Logger, httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        self.logger = logger
        self.httpClient = httpClient
    }

    /// Delivery counters, for metrics and tests.
    public var counters: (delivered: Int, failed: Int, dropped: Int, queued: Int) {
        state.withLock { ($0.delivered, $0.failed, $0.dropped, $0.queue.count) }
    }

    static let signatureRefusals: Set<String> = ["InvalidSignatureException", "UnrecognizedClientException", "IncompleteSignatureException"]

    /// Called for every durable record; cheap and non-blocking.
    public func observe(_ record: AuditRecord) {
        var events: [Event] = []
        if configuration.actions.contains(record.action) { events.append(Event(type: record.action, record: record)) }
        let now = ContinuousClock.now
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            // Denials, and refused signatures of a known principal (its secret being guessed), count alike.
            let refusedSignature = record.errorCode.map(Self.signatureRefusals.contains) ?? false
            if record.outcome == .denied || refusedSignature, let principal = record.principalId {
                var recent = state.denials[principal, default: []].filter { now - $0 < configuration.denialWindow }
                recent.append(now)
                if recent.count >= configuration.denialThreshold {
                    events.append(Event(type: "RepeatedDenials", record: record))
                    recent.removeAll()
                }
                state.denials[principal] = recent
                if state.denials.count > 10_000 { state.denials.removeAll() }
            }
            guard !events.isEmpty else { return nil }
            state.queue += events
            if state.queue.count > configuration.maxQueue {
                let before = state.dropped
                state.dropped += state.queue.count - configuration.maxQueue
                state.queue.removeFirst(state.queue.count - configuration.maxQueue)
                // Said, not silent; once per hundred so a flood does not flood the log too.
                if before / 100 != state.dropped / 100 || before == 0 {
                    logger.warning("webhook queue full: oldest events dropped", metadata: ["dropped": "\(state.dropped)", "queue": "\(configuration.maxQueue)"])
                }
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Delivers until cancelled; on graceful shutdown, delivers what is queued and returns.
    public func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            while !Task.isCancelled {
                let next = state.withLock { state -> Event? in state.queue.isEmpty ? nil : state.queue.removeFirst() }
                guard let event = next else {
                    if Task.isShuttingDownGracefully { return }
                    await withCheckedContinuation { continuation in
                        let resumeNow = state.withLock { state -> Bool in
                            if !state.queue.isEmpty || Task.isCancelled || Task.isShuttingDownGracefully { return true }
                            state.waiter = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                    continue
                }
                await deliver(event)
            }
        } onCancelOrGracefulShutdown: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }

    func deliver(_ event: Event) async {
        let body: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            struct Payload: Encodable { var event: String; var record: AuditRecord }
            body = Array(try encoder.encode(Payload(event: event.type, record: event.record)))
        } catch {
            return
        }
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let signature = (try? HMAC.authenticate(.sha256, key: configuration.secret, data: Array((timestamp + ".").utf8) + body)).map(Hex.encode) ?? ""
        for attempt in 1...max(1, configuration.attempts) {
            var request = HTTPClientRequest(url: configuration.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "X-KMS-Event", value: event.type)
            request.headers.add(name: "X-KMS-Timestamp", value: timestamp)
            request.headers.add(name: "X-KMS-Signature", value: "sha256=" + signature)
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let seconds = configuration.timeout.components.seconds
                // At shutdown an in-flight delivery is abandoned (and counted as failed):
                // a dead receiver must not hold the server's exit either.
                let prepared = request
                let status = try await cancelWhenGracefulShutdown {
                    let response = try await self.httpClient.execute(prepared, timeout: .seconds(max(1, seconds)))
                    _ = try? await response.body.collect(upTo: 64 * 1024)
                    return response.status.code
                }
                if (200..<300).contains(status) {
                    state.withLock { $0.delivered += 1 }
                    return
                }
            } catch {}
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            if attempt < configuration.attempts {
                try? await Task.sleep(for: .milliseconds(250 << attempt))
            }
        }
        state.withLock { $0.failed += 1 }
        logger.warning("audit webhook delivery failed", metadata: ["event": "\(event.type)", "sequence": "\(event.record.sequence)"])
    }
}
