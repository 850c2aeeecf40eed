import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import NIOSSL
import HTTPTypes
import KeyCrypto
import Logging
import NIOCore
import ServiceLifecycle

/// A built server: the Hummingbird application and the core behind it.
public struct KeyServer: Sendable {
    public let application: Application<RouterResponder<AppRequestContext>>
    public let service: KeyService
    /// Set on the first start only: the administrator's new credentials.
    public let bootstrapCredentials: IssuedCredentials?
    /// Held for the server's lifetime (nil for in-memory servers).
    public let dataDirectory: DataDirectory?
    public let audit: AuditLog
    public let webhooks: AuditWebhooks?
}

/// Builds the whole server from its configuration. `kms server` and the tests both call this.
public func buildApplication(
    configuration: ServerConfiguration,
    rootKey: SecureBytes? = nil,
    clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
    logger: Logger = Logger(label: "kms"),
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> KeyServer {
    try configuration.validate()
    // TLS and the listening address first: what cannot serve must stop the start before any state is made.
    let serverBuilder = try serverBuilder(configuration.tls)
    try checkListenAddress(host: configuration.host, port: configuration.port)
    let store: any KeyStore
    let key: SecureBytes
    var dataDirectory: DataDirectory?
    switch configuration.storage {
    case .dataDirectory(let path):
        let directory = try DataDirectory(path: path)
        if let rootKey {
            key = rootKey
        } else {
            let holdsState = directory.holdsState
            do {
                key = try FileRootKeyProvider(path: directory.rootKeyPath, createIfMissing: !holdsState).loadRootKey()
            } catch let error as RootKeyError {
                throw ConfigurationError(holdsState && !FileManager.default.fileExists(atPath: directory.rootKeyPath)
                    ? "\(directory.rootKeyPath) is missing but \(directory.path) holds keys: restore the root key it was created with (a new one would open nothing)"
                    : error.description)
            }
        }
        directory.prepareDatabaseFiles()
        store = try SQLiteKeyStore(path: directory.databasePath)
        dataDirectory = directory
    case .memory:
        key = try rootKey ?? SecureBytes.random(count: 32)
        store = MemoryKeyStore()
    }
    let webhooks = configuration.webhook.map { AuditWebhooks(configuration: $0, logger: logger) }
    var observer: (@Sendable (AuditRecord) -> Void)?
    if let webhooks { observer = { webhooks.observe($0) } }
    let signingKey: AsymmetricPrivateKey
    if let dataDirectory {
        signingKey = try dataDirectory.auditSigningKey(keyring: Keyring(rootKey: key))
    } else {
        signingKey = try AsymmetricPrivateKey.generate(.ecP256)
    }
    let audit = try AuditLog(
        path: dataDirectory?.auditDatabasePath ?? ":memory:", signingKey: signingKey,
        checkpointEvery: configuration.auditCheckpointEvery, checkpointInterval: configuration.auditCheckpointInterval,
        clock: clock, logger: logger, observer: observer)
    let metrics = ServiceMetrics()
    let service = try KeyService(
        store: store, rootKey: key, partition: configuration.partition, audit: audit, metrics: metrics, clock: clock, logger: logger)
    let credentials = try await service.bootstrapAdministrator()
    if configuration.tls?.clientCAPath == nil, case let bound = service.principalsWithClientCertificates, bound > 0 {
        logger.warning("principals with a bound client certificate cannot sign in: the server does not verify client certificates (set a client CA)",
                       metadata: ["principals": "\(bound)"])
    }
    if let credentials, let dataDirectory {
        try dataDirectory.writeCredentials(credentials, region: configuration.partition.region)
    }

    let verifier = SigV4Verifier(region: configuration.partition.region) { service.credential(accessKeyId: $0) }
    let door = FrontDoor(
        service: service, verifier: verifier, audit: audit, metrics: metrics,
        rateLimiter: configuration.rateLimit.map { RateLimiter(rate: $0.rate, burst: $0.burst) }, logger: logger)
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware { UnmatchedRouteMiddleware(door: door) }
    router.get("/v1/health") { _, _ in
        FrontDoor.json(Array(#"{"status":"ok"}"#.utf8), status: .ok, contentType: "application/json", requestId: FrontDoor.newRequestId())
    }
    router.get("/v1/openapi.json") { _, _ in
        FrontDoor.json(Array(OpenAPIDocument.json.utf8), status: .ok, contentType: "application/json", requestId: FrontDoor.newRequestId())
    }
    router.get("/v1/ready") { _, _ in
        let storeWritable = await Blocking.run { service.storeWritable() }
        let auditWritable = audit.isHealthy
        let ready = storeWritable && auditWritable
        let body = #"{"ready":\#(ready),"store":\#(storeWritable),"audit":\#(auditWritable)}"#
        return FrontDoor.json(Array(body.utf8), status: ready ? .ok : .serviceUnavailable, contentType: "application/json",
                              requestId: FrontDoor.newRequestId())
    }
    router.get("/metrics") { _, _ in
        FrontDoor.json(Array(metrics.render(service: service, audit: audit).utf8), status: .ok,
                       contentType: "text/plain; version=0.0.4", requestId: FrontDoor.newRequestId())
    }
    router.get("/v1/audit/public-key") { _, _ in
        FrontDoor.json(Array(audit.publicKeyPEM.utf8), status: .ok, contentType: "application/x-pem-file", requestId: FrontDoor.newRequestId())
    }
    RESTDoor.register(on: router, door: door)
    AWSDoor.register(on: router, door: door)

    let application = Application(
        router: router,
        server: serverBuilder,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "kms"),
        services: [
            MaintenanceService(service: service, interval: configuration.maintenanceInterval),
            AuditCheckpointService(audit: audit, interval: configuration.auditCheckpointInterval),
        ] + (webhooks.map { [$0] } ?? []),
        onServerRunning: onServerRunning,
        logger: logger)
    return KeyServer(application: application, service: service, bootstrapCredentials: credentials, dataDirectory: dataDirectory, audit: audit, webhooks: webhooks)
}

/// Answers routes that do not exist, and Hummingbird's own errors, in the API's JSON error format.
struct UnmatchedRouteMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let door: FrontDoor
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let code: KMSError.Code = switch error.status {
            case .notFound: .routeNotFound
            case .methodNotAllowed: .methodNotAllowed
            case .contentTooLarge: .payloadTooLarge
            default: error.status.code >= 500 ? .internalError : .validation
            }
            let message = code == .routeNotFound ? "No route for \(request.method.rawValue) \(sanitizedForMessage(request.uri.path))." : "The request could not be served."
            return await door.serveUnrouted(request, context: context, code: code, message: message)
        }
    }
}

/// How long a request may take to arrive after its head, and how long a
/// connection may stay idle between requests (longer than the longest audit long poll).
let requestReadTimeout: TimeAmount = .seconds(30)
let connectionIdleTimeout: TimeAmount = .seconds(75)

/// Plain HTTP/1.1, or TLS (1.2 and up) with HTTP/1.1 and HTTP/2 chosen by ALPN,
/// optionally verifying client certificates against a given CA (mTLS): required
/// on every connection, or optional (then only principals with a bound
/// certificate need one). Without a client CA no certificate is requested.
func serverBuilder(_ tls: ServerConfiguration.TLS?) throws -> HTTPServerBuilder {
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [RequestReadTimeoutHandler(timeout: requestReadTimeout), ParseErrorResponseHandler()],
        idleTimeout: connectionIdleTimeout)
    guard let tls else { return .http1(configuration: http1) }
    do {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // A context checks that the key belongs to the certificate; made here, a mismatch is a start-up error.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ConfigurationError("the TLS private key does not match the certificate, or they cannot be used together: \(error)")
        }
        if let ca = tls.clientCAPath {
            configuration.trustRoots = .file(ca)
            configuration.certificateVerification = switch tls.clientAuthentication {
            case .require: .noHostnameVerification
            case .optional: .optionalVerification
            }
        }
        return try .http2Upgrade(tlsConfiguration: configuration, configuration: .init(
            idleTimeout: .seconds(Int64(connectionIdleTimeout.nanoseconds / 1_000_000_000)), streamConfiguration: http1))
    } catch let error as ConfigurationError {
        throw error
    } catch {
        throw ConfigurationError("cannot load the TLS certificate or key: \(error)")
    }
}

/// Whether the server could listen on `host:port`: the name resolves, and a socket
/// binds there now (then closed; the server binds again moments later). Checked
/// before the data directory is touched, so a wrong or busy address creates nothing.
func checkListenAddress(host: String, port: Int) throws {
    let address: SocketAddress
    do {
        address = try SocketAddress.makeAddressResolvingHost(host, port: port)
    } catch {
        throw ConfigurationError("cannot listen on \(host):\(port): the host does not resolve to an address")
    }
    let family: Int32 = switch address {
    case .v6: AF_INET6
    default: AF_INET
    }
    let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return }  // no socket to try with: let the server's own bind report it
    defer { close(fd) }
    var on: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
    let bound = address.withSockAddr { pointer, length in bind(fd, pointer, socklen_t(length)) }
    guard bound == 0 else {
        let reason = errno == EADDRINUSE ? "the address is already in use by another process" : String(cString: strerror(errno))
        throw ConfigurationError("cannot listen on \(host):\(port): \(reason)")
    }
}
