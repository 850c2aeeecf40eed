/// How `kms server` runs. Built from flags and environment by the CLI.
public struct ServerConfiguration: Sendable {
    public enum Storage: Sendable {
        /// SQLite and a root key file in the data directory (the default).
        case dataDirectory(String)
        /// Everything in memory with the given root key (tests).
        case memory
    }

    /// TLS served by the process (HTTP/1.1 and HTTP/2 by ALPN); nil for plain HTTP.
    public struct TLS: Sendable {
        /// Whether a connection must present a client certificate when a client CA is set.
        public enum ClientAuthentication: String, Sendable, CaseIterable {
            /// Every connection presents a certificate the client CA issued (the default).
            case require
            /// A connection may present none; one it presents must verify against the
            /// client CA. Principals with a bound certificate still need theirs.
            case optional
        }
        public var certificateChainPath: String
        public var privateKeyPath: String
        /// If set, client certificates are verified against these CAs (mTLS).
        public var clientCAPath: String?
        /// With a client CA: whether every connection must present a certificate.
        public var clientAuthentication: ClientAuthentication
        public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil,
                    clientAuthentication: ClientAuthentication = .require) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
            self.clientCAPath = clientCAPath
            self.clientAuthentication = clientAuthentication
        }
    }

    public var host: String = "127.0.0.1"
    public var port: Int = 8720
    public var storage: Storage = .dataDirectory("./kms-data")
    public var tls: TLS?
    public var partition: Partition = Partition()
    public var maintenanceInterval: Duration = .seconds(60)
    /// A signed audit checkpoint at least every this many records…
    public var auditCheckpointEvery: Int = 10_000
    /// …and at least this often while records arrive.
    public var auditCheckpointInterval: Duration = .seconds(60)
    /// Requests per second per principal (token bucket), and the burst; nil for no limit.
    public var rateLimit: (rate: Double, burst: Double)?
    /// Sensitive audit events are POSTed here, if set.
    public var webhook: WebhookConfiguration?

    public init() {}

    /// Parses `host:port` (or `[v6]:port`).
    public mutating func setListen(_ value: String) throws {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
              (0...65535).contains(port)
        else { throw ConfigurationError("listen address must be host:port, got '\(value)'") }
        var host = String(value[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ConfigurationError("listen address must name a host, got '\(value)'") }
        self.host = host
        self.port = port
    }

    /// Checks region and account look like AWS's (they appear in every ARN).
    public func validate() throws {
        let region = partition.region
        guard !region.isEmpty, region.utf8.count <= 32,
              region.allSatisfy({ $0.isLowercase && $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw ConfigurationError("region must be lowercase letters, digits and '-', like us-east-1")
        }
        guard partition.account.count == 12, partition.account.allSatisfy(\.isNumber) else {
            throw ConfigurationError("account must be 12 digits")
        }
        if let rateLimit {
            // Finite and of a size a limiter means: `inf` or 1e400 would silently switch it off.
            guard rateLimit.rate.isFinite, rateLimit.burst.isFinite, rateLimit.rate > 0, rateLimit.burst >= 1,
                  rateLimit.rate <= 1_000_000, rateLimit.burst <= 1_000_000 else {
                throw ConfigurationError("the rate limit must be a number of requests per second from 0 to 1000000 (and a burst from 1 to 1000000)")
            }
        }
        if let webhook {
            // A misspelt action would silently never alert.
            let known = Self.auditActionNames
            if let unknown = webhook.actions.sorted().first(where: { !known.contains($0) }) {
                throw ConfigurationError("webhook action '\(unknown)' is not an operation name (e.g. ScheduleKeyDeletion, DisableKey, CreateBinding) or RepeatedDenials")
            }
        }
    }

    /// Every name an audit record's action can have that a webhook can watch: the operations of both doors, and RepeatedDenials.
    static var auditActionNames: Set<String> {
        Set(RESTDoor.routes.map(\.operationId)).union(AWSDoor.operations.keys).union(["RepeatedDenials"])
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
