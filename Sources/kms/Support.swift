import ArgumentParser
import AsyncHTTPClient
import NIOSSL
import Client
import Foundation
import KeyCrypto

/// Exit codes scripts can tell apart.
enum ExitCodes {
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let integrity: Int32 = 65
    static let unreachable: Int32 = 69
    static let configuration: Int32 = 78
    static let accessDenied: Int32 = 77
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
}

enum Terminal {
    static func printLine(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
    }

    static func printError(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    static func writeStdout(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Connection options every client command shares, with the output format.
struct ClientOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Output format: table or json.")
    var output: OutputFormat = .table

    func makeClient() throws -> KeyServiceClient { try connection.makeClient() }
}

/// How to reach and sign in to the service (for commands whose `--output` is a path).
struct ConnectionOptions: ParsableArguments {
    @Option(help: "PEM CA bundle to trust for an https endpoint (env KMS_CA_FILE; default: the system's).")
    var caFile: String?

    @Option(help: "Service endpoint (env KMS_ENDPOINT; default http://127.0.0.1:8720).")
    var endpoint: String?

    @Option(help: "Access key id (env KMS_ACCESS_KEY_ID).")
    var accessKeyId: String?

    @Option(help: "Secret access key (env KMS_SECRET_ACCESS_KEY). Prefer the environment or a credentials file.")
    var secretAccessKey: String?

    @Option(help: "AWS-style credentials file (env KMS_CREDENTIALS_FILE; default ./kms-data/admin.credentials).")
    var credentialsFile: String?

    @Option(help: "Region of the service (env KMS_REGION; default from the credentials file, else us-east-1).")
    var region: String?

    @Option(help: "PEM client certificate to present over TLS, for a server that verifies them (env KMS_TLS_CLIENT_CERT).")
    var tlsClientCert: String?

    @Option(help: "PEM private key of the client certificate (env KMS_TLS_CLIENT_KEY).")
    var tlsClientKey: String?

    func makeClient() throws -> KeyServiceClient {
        let environment = ProcessInfo.processInfo.environment
        let endpoint = self.endpoint ?? environment["KMS_ENDPOINT"] ?? "http://127.0.0.1:8720"
        var fileRegion: String?
        let credentials: Credentials
        if let id = accessKeyId ?? environment["KMS_ACCESS_KEY_ID"] {
            guard let secret = secretAccessKey ?? environment["KMS_SECRET_ACCESS_KEY"] else {
                throw ValidationError("an access key id needs its secret (--secret-access-key or KMS_SECRET_ACCESS_KEY)")
            }
            credentials = Credentials(accessKeyId: id, secretAccessKey: secret)
        } else {
            let path = credentialsFile ?? environment["KMS_CREDENTIALS_FILE"] ?? "./kms-data/admin.credentials"
            do {
                (credentials, fileRegion) = try Credentials.load(file: path)
            } catch {
                throw ValidationError("no credentials: set KMS_ACCESS_KEY_ID and KMS_SECRET_ACCESS_KEY, or point --credentials-file at a credentials file (\(error))")
            }
        }
        let region = self.region ?? environment["KMS_REGION"] ?? fileRegion ?? "us-east-1"
        let ca = caFile ?? environment["KMS_CA_FILE"]
        let identity: HTTPClients.Identity?
        switch (tlsClientCert ?? environment["KMS_TLS_CLIENT_CERT"], tlsClientKey ?? environment["KMS_TLS_CLIENT_KEY"]) {
        case (let certificate?, let key?): identity = .init(certificateFile: certificate, keyFile: key)
        case (nil, nil): identity = nil
        default: throw ValidationError("a TLS client certificate and its key go together (--tls-client-cert and --tls-client-key)")
        }
        do {
            if ca != nil || identity != nil {
                return try KeyServiceClient(endpoint: endpoint, credentials: credentials, region: region,
                                            httpClient: HTTPClients.client(caFile: ca, identity: identity), userAgent: cliUserAgent)
            }
            return try KeyServiceClient(endpoint: endpoint, credentials: credentials, region: region, userAgent: cliUserAgent)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// Runs a client command body, mapping failures to messages and exit codes.
func runClient(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ClientError {
        Terminal.printError("kms: \(error)")
        switch error {
        case .service(let status, let code, _, _):
            if code == "AccessDenied" || code == "UnrecognizedClient" || code == "InvalidSignature" || status == 403 {
                throw ExitCode(ExitCodes.accessDenied)
            }
            if ["InvalidCiphertext", "IncorrectKey", "IncorrectKeyMaterial", "KMSInvalidSignature", "KMSInvalidMac"].contains(code) {
                throw ExitCode(ExitCodes.integrity)
            }
            throw ExitCode(ExitCodes.failure)
        case .unreachable: throw ExitCode(ExitCodes.unreachable)
        case .configuration: throw ExitCode(ExitCodes.usage)
        case .invalidResponse: throw ExitCode(ExitCodes.failure)
        }
    }
}

/// Parses `k=v` pairs, from repeated options or comma-separated lists, with `\,`
/// `\=` `\\` escapes; a key given twice is a usage error (see `ContextPairs`).
func parsePairs(_ values: [String], option: String) throws -> [String: String] {
    do {
        return try ContextPairs.parse(values, option: option)
    } catch {
        throw ValidationError(error.description)
    }
}

/// The `User-Agent` of the CLI's requests (the library's own is `kms-swift-client/1`).
let cliUserAgent = "kms-cli/1 (\(KeyServiceClient.defaultUserAgent))"

/// For a command that changes something and gets nothing back: with `--output json`
/// it still prints one object saying what was done, so every command's output parses.
func acknowledge(_ format: OutputFormat, _ fields: [String: Any]) {
    if format == .json { emit(.json, json: fields, headers: [], rows: []) }
}

/// Prints rows as aligned columns (with the header line unless `header` is false:
/// a following page of the same table), or `json` as JSON.
func emit(_ format: OutputFormat, json: Any, headers: [String], rows: [[String]], header: Bool = true) {
    switch format {
    case .json:
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        Terminal.printLine(String(decoding: data, as: UTF8.self))
    case .table:
        guard !headers.isEmpty else { return }
        var widths = headers.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        if header { Terminal.printLine(line(headers)) }
        for row in rows { Terminal.printLine(line(row)) }
    }
}

extension KeyMetadata {
    var json: [String: Any] {
        var object: [String: Any] = [
            "keyId": keyId, "arn": arn, "awsAccountId": awsAccountId, "creationDate": creationDate, "enabled": enabled,
            "description": description, "keyUsage": keyUsage, "keyState": keyState, "origin": origin,
            "keyManager": keyManager, "keySpec": keySpec, "multiRegion": multiRegion,
        ]
        if let deletionDate { object["deletionDate"] = deletionDate }
        if let signingAlgorithms { object["signingAlgorithms"] = signingAlgorithms }
        if let encryptionAlgorithms { object["encryptionAlgorithms"] = encryptionAlgorithms }
        if let macAlgorithms { object["macAlgorithms"] = macAlgorithms }
        if let expirationModel { object["expirationModel"] = expirationModel }
        if let validTo { object["validTo"] = validTo }
        return object
    }

    func emit(_ format: OutputFormat) {
        var rows: [[String]] = [
            ["KeyId", keyId], ["Arn", arn], ["State", keyState], ["Description", description], ["Created", creationDate],
            ["Spec", keySpec], ["Usage", keyUsage], ["Origin", origin],
        ]
        if let deletionDate { rows.append(["DeletionDate", deletionDate]) }
        if let signingAlgorithms { rows.append(["Signing", signingAlgorithms.joined(separator: " ")]) }
        if let macAlgorithms { rows.append(["Mac", macAlgorithms.joined(separator: " ")]) }
        if let expirationModel { rows.append(["Expiration", expirationModel]) }
        if let validTo { rows.append(["ValidTo", validTo]) }
        emitPairs(format, json: ["keyMetadata": json], rows: rows)
    }
}

/// Prints label/value pairs, or `json` as JSON.
func emitPairs(_ format: OutputFormat, json: Any, rows: [[String]]) {
    switch format {
    case .json: emit(.json, json: json, headers: [], rows: [])
    case .table:
        let width = rows.map { $0[0].count }.max() ?? 0
        for row in rows { Terminal.printLine(row[0].padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row[1]) }
    }
}

/// Reads all of a file, or standard input for "-".
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
    return Array(data)
}

/// HTTP clients for endpoints whose certificate a private CA issued, or that
/// verify client certificates (mTLS). One per CA file and identity, kept for the
/// life of the process.
enum HTTPClients {
    /// A client certificate and its private key, as PEM files.
    struct Identity: Hashable {
        var certificateFile: String
        var keyFile: String
    }

    private struct Settings: Hashable {
        var caFile: String?
        var identity: Identity?
    }

    nonisolated(unsafe) private static var clients: [Settings: HTTPClient] = [:]

    static func client(caFile: String?, identity: Identity?) throws -> HTTPClient {
        let settings = Settings(caFile: caFile, identity: identity)
        if let client = clients[settings] { return client }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        if let identity {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(identity.certificateFile).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: identity.keyFile, format: .pem))
            } catch {
                throw ValidationError("cannot load the TLS client certificate or key: \(error)")
            }
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        clients[settings] = client
        return client
    }
}
