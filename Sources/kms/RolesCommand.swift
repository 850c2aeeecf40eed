import ArgumentParser
import Client

/// `kms roles …`: named sets of actions that bindings give to principals.
struct RolesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles", abstract: "List built-in roles; create and manage custom roles.",
        subcommands: [List.self, Describe.self, Create.self, Update.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List built-in and custom roles.")
        @OptionGroup var options: ClientOptions
        func run() async throws {
            try await runClient {
                let roles = try await options.makeClient().listRoles()
                emit(options.output, json: ["roles": roles.map(\.json)], headers: ["NAME", "BUILT-IN", "ACTIONS", "DESCRIPTION"],
                     rows: roles.map { [$0.name, $0.builtIn ? "yes" : "no", String($0.actions.count), $0.description] })
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a role and its actions.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Role name.") var name: String
        func run() async throws {
            try await runClient { try await options.makeClient().describeRole(name).emit(options.output) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a custom role: kms roles create NAME --action kms:Encrypt ...")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Role name (letters, digits, - and _).") var name: String
        @Option(name: .customLong("action"), help: "An action such as kms:Encrypt (repeatable, at least one).") var actions: [String] = []
        @Option(help: "Description.") var description: String?
        func validate() throws {
            if actions.isEmpty { throw ValidationError("give at least one --action, such as --action kms:Encrypt") }
        }
        func run() async throws {
            try await runClient {
                try await options.makeClient().createRole(name: name, description: description, actions: actions).emit(options.output)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a custom role: --action (repeatable) replaces its actions, --description its description.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Role name.") var name: String
        @Option(name: .customLong("action"), help: "An action such as kms:Encrypt (repeatable; replaces all actions).") var actions: [String] = []
        @Option(help: "New description.") var description: String?
        func validate() throws {
            if actions.isEmpty && description == nil { throw ValidationError("give --action or --description") }
        }
        func run() async throws {
            try await runClient {
                try await options.makeClient()
                    .updateRole(name, description: description, actions: actions.isEmpty ? nil : actions).emit(options.output)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a custom role that no binding uses.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Role name.") var name: String
        func run() async throws {
            try await runClient {
                try await options.makeClient().deleteRole(name)
                acknowledge(options.output, ["role": name, "deleted": true])
            }
        }
    }
}

extension RoleInfo {
    var json: [String: Any] { ["name": name, "description": description, "actions": actions, "builtIn": builtIn] }

    func emit(_ format: OutputFormat) {
        var rows = [["Name", name], ["BuiltIn", builtIn ? "yes" : "no"], ["Description", description]]
        for (index, action) in actions.enumerated() { rows.append([index == 0 ? "Actions" : "", action]) }
        emitPairs(format, json: ["role": json], rows: rows)
    }
}
