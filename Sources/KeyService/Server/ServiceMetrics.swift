import Metrics
import Prometheus
import Synchronization

/// The service's metrics, through swift-metrics with a Prometheus registry of its
/// own (no global bootstrap, so several servers can live in one process).
///
/// - `kms_requests_total{action,outcome}`: requests by operation and outcome
/// - `kms_request_duration_seconds{action}`: latency histogram
/// - `kms_audit_queue_depth`, `kms_audit_healthy`, `kms_audit_last_sequence`
/// - `kms_key_material_cache_total{result}`: unwrapped-material cache hits and misses
/// - `kms_keys{state}`: keys by state
/// - `kms_throttled_total`: requests refused by rate limits
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private let requests = Mutex<[String: Metrics.Counter]>([:])
    /// Far above the action vocabulary times three outcomes; a bound, not a budget.
    static let maxRequestSeries = 1_024
    private let durations = Mutex<[String: Metrics.Timer]>([:])
    let cacheHits: Metrics.Counter
    let cacheMisses: Metrics.Counter
    let throttled: Metrics.Counter

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        self.factory = factory
        cacheHits = Metrics.Counter(label: "kms_key_material_cache_total", dimensions: [("result", "hit")], factory: factory)
        cacheMisses = Metrics.Counter(label: "kms_key_material_cache_total", dimensions: [("result", "miss")], factory: factory)
        throttled = Metrics.Counter(label: "kms_throttled_total", factory: factory)
    }

    func cacheHit() { cacheHits.increment() }
    func cacheMiss() { cacheMisses.increment() }
    func throttle() { throttled.increment() }

    /// Counts one request and its latency.
    func record(action: String, outcome: AuditOutcome, duration: Duration) {
        // Actions come from a fixed vocabulary (about a hundred names); should anything else ever reach
        // here, the number of series still stays bounded: past the cap, new names share "Other".
        let (counter, action) = requests.withLock { cache -> (Metrics.Counter, String) in
            if let counter = cache[action + "|" + outcome.rawValue] { return (counter, action) }
            let action = cache.count < Self.maxRequestSeries ? action : "Other"
            let key = action + "|" + outcome.rawValue
            if let counter = cache[key] { return (counter, action) }
            let counter = Metrics.Counter(label: "kms_requests_total", dimensions: [("action", action), ("outcome", outcome.rawValue)], factory: factory)
            cache[key] = counter
            return (counter, action)
        }
        counter.increment()
        let timer = durations.withLock { cache in
            if let timer = cache[action] { return timer }
            let timer = Metrics.Timer(label: "kms_request_duration_seconds", dimensions: [("action", action)],
                                      preferredDisplayUnit: .seconds, factory: factory)
            cache[action] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The Prometheus text exposition, with gauges read fresh from the service.
    func render(service: KeyService, audit: AuditLog) -> String {
        Metrics.Gauge(label: "kms_audit_queue_depth", factory: factory).record(audit.queueDepth)
        Metrics.Gauge(label: "kms_audit_healthy", factory: factory).record(audit.isHealthy ? 1 : 0)
        Metrics.Gauge(label: "kms_audit_last_sequence", factory: factory).record(audit.lastSequence)
        let states = service.read { state in
            Dictionary(grouping: state.keys.values, by: \.record.state).mapValues(\.count)
        }
        for state in KeyState.allCases {
            Metrics.Gauge(label: "kms_keys", dimensions: [("state", state.rawValue)], factory: factory).record(states[state] ?? 0)
        }
        return registry.emitToString()
    }
}
