import ArgumentParser
import Client
import Foundation

/// `kms grants …`: let a principal use one key for some operations, without a binding.
struct GrantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants", abstract: "Create, list, retire and revoke grants on keys.",
        subcommands: [Create.self, List.self, Retire.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a principal operations on a key; prints the grant id and token.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Key id or ARN.") var key: String
        @Option(help: "The principal given the grant (name or ARN).") var grantee: String
        @Option(name: .customLong("operation"), help: "An operation such as Decrypt (repeatable, at least one).") var operations: [String] = []
        @Option(help: "A principal that may retire the grant.") var retiringPrincipal: String?
        @Option(help: "Only for requests whose encryption context is exactly k=v[,k=v…].") var contextEquals: [String] = []
        @Option(help: "Only for requests whose encryption context includes k=v[,k=v…].") var contextSubset: [String] = []
        @Option(help: "A name; creating the same named grant again returns the existing one.") var name: String?

        func constraint() throws -> GrantConstraint? {
            let equals = try parsePairs(contextEquals, option: "--context-equals")
            let subset = try parsePairs(contextSubset, option: "--context-subset")
            switch (equals.isEmpty, subset.isEmpty) {
            case (true, true): return nil
            case (false, true): return .contextEquals(equals)
            case (true, false): return .contextSubset(subset)
            case (false, false): throw ValidationError("--context-equals and --context-subset exclude each other")
            }
        }

        func validate() throws {
            if operations.isEmpty { throw ValidationError("give at least one --operation, such as --operation Decrypt") }
            _ = try constraint()
        }

        func run() async throws {
            let constraint = try constraint()
            try await runClient {
                let grant = try await options.makeClient().createGrant(
                    keyId: key, grantee: grantee, operations: operations, retiringPrincipal: retiringPrincipal,
                    constraints: constraint, name: name)
                emitPairs(options.output, json: ["grantId": grant.grantId, "grantToken": grant.grantToken],
                          rows: [["GrantId", grant.grantId], ["GrantToken", grant.grantToken]])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the grants on a key, or those a principal may retire.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Key id or ARN.") var key: String?
        @Option(help: "Instead of --key: the grants this principal may retire.") var retiringPrincipal: String?
        func validate() throws {
            if (key == nil) == (retiringPrincipal == nil) { throw ValidationError("give --key or --retiring-principal") }
        }
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                let grants = if let key { try await client.allGrants(keyId: key) }
                    else { try await client.allRetirableGrants(retiringPrincipal: retiringPrincipal ?? "") }
                emit(options.output, json: ["grants": grants.map(\.json)],
                     headers: ["GRANT ID", "NAME", "GRANTEE", "OPERATIONS", "CONSTRAINTS", "RETIRING"],
                     rows: grants.map {
                         [$0.grantId, $0.name ?? "-", shortPrincipal($0.granteePrincipal), $0.operations.joined(separator: ","),
                          $0.constraint?.summary ?? "-", $0.retiringPrincipal.map(shortPrincipal) ?? "-"]
                     })
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a grant: by --token, or by --key and --grant-id (retiring principal or permitted grantee).")
        @OptionGroup var options: ClientOptions
        @Option(help: "The grant token.") var token: String?
        @Option(help: "Key id or ARN, with --grant-id.") var key: String?
        @Option(help: "Grant id, with --key.") var grantId: String?
        func validate() throws {
            guard (token != nil) != (key != nil || grantId != nil), token != nil || (key != nil && grantId != nil) else {
                throw ValidationError("give --token, or --key with --grant-id")
            }
        }
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                if let token { try await client.retireGrant(token: token) }
                else if let key, let grantId { try await client.retireGrant(keyId: key, grantId: grantId) }
                acknowledge(options.output, grantId.map { ["grantId": $0, "retired": true] } ?? ["retired": true])
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a grant on a key (key managers).")
        @OptionGroup var options: ClientOptions
        @Option(help: "Key id or ARN.") var key: String
        @Option(help: "Grant id.") var grantId: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().revokeGrant(keyId: key, grantId: grantId)
                acknowledge(options.output, ["keyId": key, "grantId": grantId, "revoked": true])
            }
        }
    }
}

/// `arn:aws:iam::111122223333:user/NAME` → `NAME`; anything else unchanged.
private func shortPrincipal(_ arn: String) -> String {
    guard arn.hasPrefix("arn:"), let range = arn.range(of: ":user/") else { return arn }
    return String(arn[range.upperBound...])
}

extension GrantConstraint {
    /// `equals k=v,…` or `subset k=v,…`.
    var summary: String {
        let (label, pairs) = switch self {
        case .contextEquals(let pairs): ("equals ", pairs)
        case .contextSubset(let pairs): ("subset ", pairs)
        }
        return label + pairs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

extension GrantEntry {
    /// The grant as the service spells it.
    var json: [String: Any] {
        var object: [String: Any] = [
            "keyId": keyId, "grantId": grantId, "creationDate": creationDate, "granteePrincipal": granteePrincipal,
            "issuingAccount": issuingAccount, "operations": operations,
        ]
        if let name { object["name"] = name }
        if let retiringPrincipal { object["retiringPrincipal"] = retiringPrincipal }
        if let constraint { object["constraints"] = constraint.jsonObject }
        return object
    }
}
