import ArgumentParser
import Foundation
import Hummingbird
import KeyCrypto
import KeyService
import Logging

/// `kms server`: runs the service until SIGTERM or SIGINT.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Run the key service.")

    @Option(help: "Address to listen on, host:port (env KMS_LISTEN; default 127.0.0.1:8720).")
    var listen: String?

    @Option(help: "Data directory for the database and root key (env KMS_DATA_DIR; default ./kms-data).")
    var dataDir: String?

    @Option(help: "Region in ARNs and the SigV4 scope (env KMS_REGION; default us-east-1).")
    var region: String?

    @Option(help: "12-digit account id in ARNs (env KMS_ACCOUNT; default 000000000000).")
    var account: String?

    @Option(help: "PEM certificate chain: serve HTTPS (HTTP/1.1 and HTTP/2) (env KMS_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "PEM private key of the certificate (env KMS_TLS_KEY).")
    var tlsKey: String?

    @Option(help: "PEM CA bundle: require client certificates it issued (mTLS) (env KMS_TLS_CLIENT_CA).")
    var tlsClientCa: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env KMS_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "Sign an audit checkpoint at least every N records (env KMS_AUDIT_CHECKPOINT_EVERY; default 10000).")
    var auditCheckpointEvery: Int?

    @Option(help: "…and at least every S seconds while records arrive (env KMS_AUDIT_CHECKPOINT_SECONDS; default 60).")
    var auditCheckpointSeconds: Int?

    @Option(help: "Requests per second per principal, optionally /burst, e.g. 200/400 (env KMS_RATE_LIMIT; default unlimited).")
    var rateLimit: String?

    @Option(help: "POST sensitive audit events to this URL (env KMS_WEBHOOK_URL).")
    var webhookUrl: String?

    @Option(help: "File holding the webhook HMAC secret (env KMS_WEBHOOK_SECRET holds the secret itself).")
    var webhookSecretFile: String?

    @Option(help: "Comma-separated operation names that trigger the webhook (default: deletions, disables, policy, role and binding changes).")
    var webhookActions: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        let dataDirectory = dataDir ?? environment["KMS_DATA_DIR"] ?? "./kms-data"
        configuration.storage = .dataDirectory(dataDirectory)
        do {
            try configuration.setListen(listen ?? environment["KMS_LISTEN"] ?? "127.0.0.1:8720")
            configuration.partition = Partition(
                region: region ?? environment["KMS_REGION"] ?? "us-east-1",
                account: account ?? environment["KMS_ACCOUNT"] ?? "000000000000")
            if let every = auditCheckpointEvery ?? environment["KMS_AUDIT_CHECKPOINT_EVERY"].flatMap(Int.init) {
                guard every > 0 else { throw ConfigurationError("--audit-checkpoint-every must be positive") }
                configuration.auditCheckpointEvery = every
            }
            if let seconds = auditCheckpointSeconds ?? environment["KMS_AUDIT_CHECKPOINT_SECONDS"].flatMap(Int.init) {
                guard seconds > 0 else { throw ConfigurationError("--audit-checkpoint-seconds must be positive") }
                configuration.auditCheckpointInterval = .seconds(seconds)
            }
            let cert = tlsCert ?? environment["KMS_TLS_CERT"], key = tlsKey ?? environment["KMS_TLS_KEY"]
            switch (cert, key) {
            case (let cert?, let key?):
                configuration.tls = .init(certificateChainPath: cert, privateKeyPath: key, clientCAPath: tlsClientCa ?? environment["KMS_TLS_CLIENT_CA"])
            case (nil, nil):
                guard tlsClientCa ?? environment["KMS_TLS_CLIENT_CA"] == nil else { throw ConfigurationError("--tls-client-ca needs --tls-cert and --tls-key") }
            default:
                throw ConfigurationError("--tls-cert and --tls-key go together")
            }
            if let limit = rateLimit ?? environment["KMS_RATE_LIMIT"] {
                let parts = limit.split(separator: "/").map { Double($0) }
                guard (1...2).contains(parts.count), let rate = parts[0], rate > 0, parts.count == 1 || (parts[1] ?? 0) >= 1 else {
                    throw ConfigurationError("--rate-limit takes RATE or RATE/BURST, e.g. 200/400")
                }
                configuration.rateLimit = (rate, parts.count == 2 ? parts[1]! : rate)
            }
            if let url = webhookUrl ?? environment["KMS_WEBHOOK_URL"] {
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ConfigurationError("the webhook URL must be http(s)") }
                var secret: [UInt8]
                if let file = webhookSecretFile {
                    guard let data = FileManager.default.contents(atPath: file) else { throw ConfigurationError("cannot read \(file)") }
                    secret = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
                } else if let value = environment["KMS_WEBHOOK_SECRET"] {
                    secret = Array(value.utf8)
                } else {
                    throw ConfigurationError("a webhook needs a secret: --webhook-secret-file or KMS_WEBHOOK_SECRET")
                }
                guard secret.count >= 16 else { throw ConfigurationError("the webhook secret must be at least 16 bytes") }
                var webhook = WebhookConfiguration(url: url, secret: SecureBytes(copying: secret))
                secureZero(&secret)
                if let actions = webhookActions {
                    webhook.actions = Set(actions.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
                }
                configuration.webhook = webhook
            }
            try configuration.validate()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let levelName = logLevel ?? environment["KMS_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("unknown log level '\(levelName)'")
        }
        var logger = Logger(label: "kms") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level

        let server: KeyServer
        let scheme = configuration.tls == nil ? "http" : "https"
        let listening = "kms listening on \(scheme)://\(configuration.host):\(configuration.port) (data in \(dataDirectory))"
        do {
            server = try await buildApplication(configuration: configuration, logger: logger) { _ in
                Terminal.printLine(listening)
            }
        } catch let error as ConfigurationError {
            Terminal.printError("kms server: \(error.description)")
            throw ExitCode(ExitCodes.configuration)
        }
        if let credentials = server.bootstrapCredentials, let directory = server.dataDirectory {
            let secret = String(decoding: credentials.secretAccessKey.exportBytes(), as: UTF8.self)
            Terminal.printLine("""
                Created the administrator principal '\(credentials.principalName)'. Its credentials are shown once:
                  access key id:     \(credentials.accessKeyId)
                  secret access key: \(secret)
                They are also in \(directory.credentialsPath) (mode 0600), which the kms CLI reads by default.
                """)
        }
        try await server.application.runService()
    }
}
