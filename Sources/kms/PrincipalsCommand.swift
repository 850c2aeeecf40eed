import ArgumentParser
import Client
import Foundation
import KeyCrypto

/// `kms principals …`: people, services and pipelines, and their access keys.
struct PrincipalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "principals", abstract: "Create and manage principals and their access keys.",
        subcommands: [Create.self, List.self, Describe.self, Update.self, Disable.self, Enable.self, Delete.self, Keys.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a principal with its first access key; prints the secret this once.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Principal name (letters, digits, ._@+=,-).") var name: String
        @Option(help: "user, service (default) or pipeline.") var kind: String?
        @Option(help: ArgumentHelp(
            "PEM client certificate to bind: the principal's requests must then present it over TLS (mTLS).",
            valueName: "file")) var clientCert: String?
        func validate() throws {
            if let kind, PrincipalKind(rawValue: kind) == nil { throw ValidationError("--kind is user, service or pipeline") }
        }
        func run() async throws {
            try await runClient {
                let fingerprint = try clientCert.map { try ClientCertificate.fingerprint(file: $0) }
                let (principal, key) = try await options.makeClient().createPrincipal(
                    name: name, kind: kind.flatMap(PrincipalKind.init), clientCertificateFingerprint: fingerprint)
                emitNewAccessKey(key, principal: principal, format: options.output)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List principals.")
        @OptionGroup var options: ClientOptions
        func run() async throws {
            try await runClient {
                let principals = try await options.makeClient().allPrincipals()
                emit(options.output, json: ["principals": principals.map(\.json)],
                     headers: ["NAME", "KIND", "ENABLED", "CLIENT CERT", "CREATED", "ARN"],
                     rows: principals.map {
                         [$0.name, $0.kind, String($0.enabled), $0.clientCertificateFingerprint.map { String($0.prefix(16)) + "…" } ?? "-",
                          $0.createDate, $0.arn]
                     })
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a principal and its access keys (never their secrets).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Principal name or ARN.") var name: String
        func run() async throws {
            try await runClient {
                let principal = try await options.makeClient().describePrincipal(name)
                emitPairs(options.output, json: ["principal": principal.json], rows: [
                    ["Name", principal.name], ["Kind", principal.kind], ["Enabled", String(principal.enabled)],
                    ["Arn", principal.arn], ["PrincipalId", principal.principalId], ["Created", principal.createDate],
                    ["ClientCertificate", principal.clientCertificateFingerprint.map { "sha256:" + $0 } ?? "none"],
                ])
                if options.output == .table, let keys = principal.accessKeys {
                    Terminal.printLine("")
                    emit(.table, json: [:], headers: ["ACCESS KEY ID", "STATUS", "CREATED", "LAST USED"],
                         rows: keys.map { [$0.accessKeyId, $0.status, $0.createDate, $0.lastUsedDate ?? "-"] })
                }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bind a client certificate to a principal (mTLS as a second factor), or clear the binding.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Principal name or ARN.") var name: String
        @Option(help: ArgumentHelp(
            "PEM client certificate to bind (replaces any bound before); its SHA-256 fingerprint is computed here.",
            valueName: "file")) var clientCert: String?
        @Flag(help: "Clear the principal's client certificate binding.") var noClientCert = false
        func validate() throws {
            guard (clientCert != nil) != noClientCert else { throw ValidationError("give exactly one of --client-cert FILE or --no-client-cert") }
        }
        func run() async throws {
            try await runClient {
                let fingerprint = try clientCert.map { try ClientCertificate.fingerprint(file: $0) }
                try await options.makeClient().setPrincipalClientCertificate(name, fingerprint: fingerprint)
                if options.output == .table {
                    Terminal.printLine(fingerprint.map { "Bound client certificate sha256:\($0) to \(name)." } ?? "Cleared the client certificate binding of \(name).")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a principal (its requests are refused).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Principal name or ARN.") var name: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().setPrincipalEnabled(name, enabled: false)
                acknowledge(options.output, ["principal": name, "enabled": false])
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a principal again.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Principal name or ARN.") var name: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().setPrincipalEnabled(name, enabled: true)
                acknowledge(options.output, ["principal": name, "enabled": true])
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a principal with its access keys and bindings.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Principal name or ARN.") var name: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().deletePrincipal(name)
                acknowledge(options.output, ["principal": name, "deleted": true])
            }
        }
    }

    /// `kms principals keys …`: access keys, at most two per principal so they rotate without downtime.
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, deactivate, activate and delete a principal's access keys.",
            subcommands: [CreateKey.self, Deactivate.self, Activate.self, DeleteKey.self])

        struct CreateKey: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create", abstract: "Add an access key (at most two); prints the secret this once.")
            @OptionGroup var options: ClientOptions
            @Argument(help: "Principal name or ARN.") var name: String
            func run() async throws {
                try await runClient {
                    let key = try await options.makeClient().createAccessKey(principal: name)
                    emitNewAccessKey(key, principal: nil, format: options.output)
                }
            }
        }

        struct Deactivate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Deactivate an access key (requests signed with it are refused).")
            @OptionGroup var options: ClientOptions
            @Argument(help: "Principal name or ARN.") var name: String
            @Argument(help: "Access key id.") var accessKeyId: String
            func run() async throws {
                try await runClient {
                    try await options.makeClient().setAccessKeyStatus(principal: name, accessKeyId: accessKeyId, active: false)
                    acknowledge(options.output, ["principal": name, "accessKeyId": accessKeyId, "status": "Inactive"])
                }
            }
        }

        struct Activate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Activate an access key again.")
            @OptionGroup var options: ClientOptions
            @Argument(help: "Principal name or ARN.") var name: String
            @Argument(help: "Access key id.") var accessKeyId: String
            func run() async throws {
                try await runClient {
                    try await options.makeClient().setAccessKeyStatus(principal: name, accessKeyId: accessKeyId, active: true)
                    acknowledge(options.output, ["principal": name, "accessKeyId": accessKeyId, "status": "Active"])
                }
            }
        }

        struct DeleteKey: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an access key for good.")
            @OptionGroup var options: ClientOptions
            @Argument(help: "Principal name or ARN.") var name: String
            @Argument(help: "Access key id.") var accessKeyId: String
            func run() async throws {
                try await runClient {
                    try await options.makeClient().deleteAccessKey(principal: name, accessKeyId: accessKeyId)
                    acknowledge(options.output, ["principal": name, "accessKeyId": accessKeyId, "deleted": true])
                }
            }
        }
    }
}

/// Prints a new access key with its secret: `{"principal"?, "accessKeyId", "secretAccessKey"}` as JSON,
/// or label/value rows and a note (on standard error) that the secret is shown only now.
private func emitNewAccessKey(_ key: NewAccessKey, principal: PrincipalInfo?, format: OutputFormat) {
    var secret = key.secretAccessKey.exportBytes()
    defer { secureZero(&secret) }
    let secretText = String(decoding: secret, as: UTF8.self)
    var json: [String: Any] = ["accessKeyId": key.accessKeyId, "secretAccessKey": secretText]
    var rows: [[String]] = []
    if let principal {
        json["principal"] = principal.json
        rows += [["Principal", principal.name], ["Kind", principal.kind], ["Arn", principal.arn]]
    }
    rows += [["AccessKeyId", key.accessKeyId], ["SecretAccessKey", secretText]]
    emitPairs(format, json: json, rows: rows)
    if format == .table {
        Terminal.printError("Note: the secret access key is shown only now and cannot be retrieved later; store it safely.")
    }
}

extension PrincipalInfo {
    var json: [String: Any] {
        var object: [String: Any] = [
            "name": name, "principalId": principalId, "arn": arn, "kind": kind, "enabled": enabled, "createDate": createDate,
        ]
        if let clientCertificateFingerprint { object["clientCertificateFingerprint"] = clientCertificateFingerprint }
        if let accessKeys {
            object["accessKeys"] = accessKeys.map { key -> [String: Any] in
                var entry: [String: Any] = ["accessKeyId": key.accessKeyId, "status": key.status, "createDate": key.createDate]
                if let lastUsed = key.lastUsedDate { entry["lastUsedDate"] = lastUsed }
                return entry
            }
        }
        return object
    }
}
