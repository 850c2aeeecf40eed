import ArgumentParser
import Client

/// `kms aliases …`: friendly names for keys.
struct AliasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aliases", abstract: "Create and manage aliases (alias/NAME).",
        subcommands: [Create.self, Update.self, Delete.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an alias for a key.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Alias name, alias/NAME.") var alias: String
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().createAlias(alias, targetKeyId: key)
                acknowledge(options.output, ["aliasName": alias, "targetKeyId": key])
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Point an alias at another key.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Alias name, alias/NAME.") var alias: String
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().updateAlias(alias, targetKeyId: key)
                acknowledge(options.output, ["aliasName": alias, "targetKeyId": key])
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an alias (the key is untouched).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Alias name, alias/NAME.") var alias: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().deleteAlias(alias)
                acknowledge(options.output, ["aliasName": alias, "deleted": true])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List aliases, optionally of one key.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only aliases of this key (id or ARN).") var key: String?
        func run() async throws {
            try await runClient {
                let client = try options.makeClient()
                var all: [AliasEntry] = []
                var marker: String?
                repeat {
                    let page = try await client.listAliases(keyId: key, limit: 100, marker: marker)
                    all += page.items
                    marker = page.nextMarker
                } while marker != nil
                emit(options.output,
                     json: ["aliases": all.map { ["aliasName": $0.aliasName, "aliasArn": $0.aliasArn, "targetKeyId": $0.targetKeyId] }],
                     headers: ["ALIAS", "TARGET KEY"], rows: all.map { [$0.aliasName, $0.targetKeyId] })
            }
        }
    }
}
