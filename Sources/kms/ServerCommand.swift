import ArgumentParser
import Foundation
import Hummingbird
import KeyCrypto
import KeyService
import Logging

/// `kms server`: runs the service until SIGTERM or SIGINT.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Run the key service.")

    @Option(help: "Configuration file (TOML; env KMS_CONFIG). Flags and environment variables override it.")
    var config: String?

    @Option(help: "Log format: text or json (env KMS_LOG_FORMAT; default text).")
    var logFormat: String?

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

    @Option(help: "PEM CA bundle: verify client certificates against it (mTLS) (env KMS_TLS_CLIENT_CA).")
    var tlsClientCa: String?

    @Option(help: "With a client CA: require a client certificate on every connection, or make it optional (only principals with a bound certificate need one): require or optional (env KMS_TLS_CLIENT_AUTH; default require).")
    var tlsClientAuth: String?

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
        let file: ConfigFile?
        do {
            file = try (config ?? environment["KMS_CONFIG"]).map { try ConfigFile(path: $0) }
        } catch let error as ConfigFileError {
            Terminal.printError("kms server: \(error.description)")
            throw ExitCode(ExitCodes.configuration)
        }
        /// A flag, else its environment variable, else the file's setting.
        func setting(_ flag: String?, _ variable: String, _ key: String) -> String? {
            flag ?? environment[variable] ?? file?.string(key)
        }
        func number(_ flag: Int?, _ variable: String, _ key: String) throws -> Int? {
            if let flag { return flag }
            if let text = environment[variable] {
                guard let value = Int(text) else { throw ConfigurationError("\(variable) must be a number") }
                return value
            }
            return file?.integer(key)
        }

        var configuration = ServerConfiguration()
        let dataDirectory = setting(dataDir, "KMS_DATA_DIR", "data_dir") ?? "./kms-data"
        configuration.storage = .dataDirectory(dataDirectory)
        let levelName = setting(logLevel, "KMS_LOG_LEVEL", "log_level") ?? "info"
        let format = setting(logFormat, "KMS_LOG_FORMAT", "log_format") ?? "text"
        do {
            try configuration.setListen(setting(listen, "KMS_LISTEN", "listen") ?? "127.0.0.1:8720")
            configuration.partition = Partition(
                region: setting(region, "KMS_REGION", "region") ?? "us-east-1",
                account: setting(account, "KMS_ACCOUNT", "account") ?? "000000000000")
            guard Logger.Level(rawValue: levelName) != nil else { throw ConfigurationError("unknown log level '\(levelName)'") }
            guard ["text", "json"].contains(format) else { throw ConfigurationError("log format is text or json, not '\(format)'") }
            if let every = try number(auditCheckpointEvery, "KMS_AUDIT_CHECKPOINT_EVERY", "audit.checkpoint_every") {
                guard every > 0 else { throw ConfigurationError("the audit checkpoint interval in records must be positive") }
                configuration.auditCheckpointEvery = every
            }
            if let seconds = try number(auditCheckpointSeconds, "KMS_AUDIT_CHECKPOINT_SECONDS", "audit.checkpoint_seconds") {
                guard seconds > 0 else { throw ConfigurationError("the audit checkpoint interval in seconds must be positive") }
                configuration.auditCheckpointInterval = .seconds(seconds)
            }
            let cert = setting(tlsCert, "KMS_TLS_CERT", "tls.cert"), key = setting(tlsKey, "KMS_TLS_KEY", "tls.key")
            let clientCA = setting(tlsClientCa, "KMS_TLS_CLIENT_CA", "tls.client_ca")
            let clientAuthName = setting(tlsClientAuth, "KMS_TLS_CLIENT_AUTH", "tls.client_auth")
            let clientAuth = try clientAuthName.map { name in
                guard let mode = ServerConfiguration.TLS.ClientAuthentication(rawValue: name) else {
                    throw ConfigurationError("client certificate authentication is require or optional, not '\(name)'")
                }
                guard clientCA != nil else { throw ConfigurationError("client certificate authentication needs a client CA (--tls-client-ca)") }
                return mode
            }
            switch (cert, key) {
            case (let cert?, let key?):
                for path in [cert, key] + (clientCA.map { [$0] } ?? []) where !FileManager.default.isReadableFile(atPath: path) {
                    throw ConfigurationError("cannot read \(path)")
                }
                configuration.tls = .init(certificateChainPath: cert, privateKeyPath: key, clientCAPath: clientCA,
                                          clientAuthentication: clientAuth ?? .require)
            case (nil, nil):
                guard clientCA == nil else { throw ConfigurationError("a client CA (mTLS) needs a TLS certificate and key") }
            default:
                throw ConfigurationError("the TLS certificate and key go together")
            }
            if let limit = setting(rateLimit, "KMS_RATE_LIMIT", "rate_limit") {
                let parts = limit.split(separator: "/").map { Double($0) }
                guard (1...2).contains(parts.count), let rate = parts[0], rate > 0, parts.count == 1 || (parts[1] ?? 0) >= 1 else {
                    throw ConfigurationError("the rate limit is RATE or RATE/BURST, e.g. 200/400")
                }
                configuration.rateLimit = (rate, parts.count == 2 ? parts[1]! : rate)
            }
            if let url = setting(webhookUrl, "KMS_WEBHOOK_URL", "webhook.url") {
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ConfigurationError("the webhook URL must be http(s)") }
                var secret: [UInt8]
                if let secretFile = webhookSecretFile ?? file?.string("webhook.secret_file") {
                    guard let data = FileManager.default.contents(atPath: secretFile) else { throw ConfigurationError("cannot read \(secretFile)") }
                    secret = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
                } else if let value = environment["KMS_WEBHOOK_SECRET"] {
                    secret = Array(value.utf8)
                } else {
                    throw ConfigurationError("a webhook needs a secret: --webhook-secret-file, webhook.secret_file or KMS_WEBHOOK_SECRET")
                }
                guard secret.count >= 16 else { throw ConfigurationError("the webhook secret must be at least 16 bytes") }
                var webhook = WebhookConfiguration(url: url, secret: SecureBytes(copying: secret))
                secureZero(&secret)
                if let actions = webhookActions.map({ $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } })
                    ?? file?.strings("webhook.actions") {
                    webhook.actions = Set(actions)
                }
                configuration.webhook = webhook
            }
            try configuration.validate()
        } catch let error as ConfigurationError {
            // A bad setting is bad configuration (78), not a usage error: no usage text.
            Terminal.printError("kms server: \(error.description)")
            throw ExitCode(ExitCodes.configuration)
        }

        var logger = Logger(label: "kms") { label -> any LogHandler in
            if format == "json" { return JSONLogHandler(label: label) }
            return TextLogHandler(label: label)
        }
        logger.logLevel = Logger.Level(rawValue: levelName)!

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
