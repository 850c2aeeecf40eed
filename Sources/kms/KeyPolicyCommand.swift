import ArgumentParser
import Client

/// `kms keys policy …`: a key's policy document, whose Deny statements take permissions away.
struct KeyPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show or replace a key's policy (its Deny statements are enforced; Allow grants nothing beyond roles).",
        subcommands: [Get.self, Put.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a key's policy document.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        func run() async throws {
            try await runClient {
                let policy = try await options.makeClient().getKeyPolicy(keyId: key)
                switch options.output {
                case .json: emit(.json, json: ["policy": policy, "policyName": "default"], headers: [], rows: [])
                case .table: Terminal.printLine(policy)
                }
            }
        }
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a key's policy with a JSON document.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Key id or ARN.") var key: String
        @Option(help: "The policy document (JSON), or - for standard input.") var file: String
        @Flag(help: "Store a policy even if it would deny you kms:PutKeyPolicy afterwards.") var bypassLockoutCheck = false
        func run() async throws {
            let policy = String(decoding: try readInput(file), as: UTF8.self)
            try await runClient {
                try await options.makeClient().putKeyPolicy(keyId: key, policy: policy, bypassLockoutCheck: bypassLockoutCheck)
                acknowledge(options.output, ["keyId": key, "policyName": "default", "stored": true])
            }
        }
    }
}
