import ArgumentParser
import Client

/// `kms bind NAME --role ROLE <scope> [conditions]`: gives a principal a role on some keys.
struct BindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bind",
        abstract: "Give a principal a role on a scope (--all-keys, --key, --alias-prefix or --tag), optionally under conditions.",
        discussion: """
            Conditions test the request's encryption context; all must hold.
              --condition env=prod         env is exactly prod
              --condition-present tenant   tenant is present
              --condition-match app=web-*  app matches the glob (* any run, ? one char)
            --deny takes the role's actions away instead and wins over every allow.
            """)
    @OptionGroup var options: ClientOptions
    @Argument(help: "Principal name or ARN.") var principal: String
    @Option(help: "Role name (kms roles list).") var role: String
    @Flag(help: "Scope: every key.") var allKeys = false
    @Option(help: "Scope: one key (id, ARN or alias; an alias is resolved now).") var key: String?
    @Option(help: "Scope: keys with an alias starting with this prefix, such as alias/team-a/.") var aliasPrefix: String?
    @Option(help: "Scope: keys with this tag, key=value.") var tag: String?
    @Option(name: .customLong("condition"), help: "Context key=value must be present exactly (repeatable).") var equals: [String] = []
    @Option(name: .customLong("condition-present"), help: "Context key must be present (repeatable).") var present: [String] = []
    @Option(name: .customLong("condition-match"), help: "Context key=glob must match (repeatable).") var matches: [String] = []
    @Flag(help: "Deny the role's actions instead of allowing them.") var deny = false

    func scope() throws -> BindingScope {
        var scopes: [BindingScope] = []
        if allKeys { scopes.append(.allKeys) }
        if let key { scopes.append(.key(key)) }
        if let aliasPrefix { scopes.append(.aliasPrefix(aliasPrefix)) }
        if let tag {
            guard let scope = BindingScope.tag(parsing: tag) else { throw ValidationError("--tag takes key=value, got '\(tag)'") }
            scopes.append(scope)
        }
        guard scopes.count == 1, let scope = scopes.first else {
            throw ValidationError("give exactly one scope: --all-keys, --key, --alias-prefix or --tag")
        }
        return scope
    }

    func conditions() throws -> [Condition] {
        var conditions: [Condition] = []
        for text in equals {
            guard let condition = Condition.equals(parsing: text) else { throw ValidationError("--condition takes key=value, got '\(text)'") }
            conditions.append(condition)
        }
        for key in present {
            guard !key.isEmpty else { throw ValidationError("--condition-present takes a context key") }
            conditions.append(.hasKey(key))
        }
        for text in matches {
            guard let condition = Condition.matches(parsing: text) else { throw ValidationError("--condition-match takes key=glob, got '\(text)'") }
            conditions.append(condition)
        }
        return conditions
    }

    func validate() throws {
        _ = try scope()
        _ = try conditions()
    }

    func run() async throws {
        let scope = try scope(), conditions = try conditions()
        try await runClient {
            let binding = try await options.makeClient().createBinding(
                principal: principal, role: role, scope: scope, conditions: conditions, effect: deny ? .deny : .allow)
            emitPairs(options.output, json: ["binding": binding.json], rows: [
                ["BindingId", binding.bindingId], ["Principal", binding.principal], ["Role", binding.role],
                ["Effect", binding.effect.rawValue], ["Scope", binding.scope.summary], ["Conditions", binding.conditionSummary],
            ])
        }
    }
}

/// `kms unbind BINDING_ID`: removes a binding.
struct UnbindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unbind", abstract: "Remove a binding by id (kms bindings list shows them).")
    @OptionGroup var options: ClientOptions
    @Argument(help: "Binding id.") var bindingId: String
    func run() async throws {
        try await runClient {
            try await options.makeClient().deleteBinding(id: bindingId)
            acknowledge(options.output, ["bindingId": bindingId, "deleted": true])
        }
    }
}

/// `kms bindings list`: who holds which role where.
struct BindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bindings", abstract: "List bindings (make them with kms bind, remove them with kms unbind).",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List all bindings, or one principal's.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this principal's bindings.") var principal: String?
        func run() async throws {
            try await runClient {
                let bindings = try await options.makeClient().listBindings(principal: principal)
                emit(options.output, json: ["bindings": bindings.map(\.json)],
                     headers: ["BINDING ID", "PRINCIPAL", "ROLE", "EFFECT", "SCOPE", "CONDITIONS"],
                     rows: bindings.map { [$0.bindingId, $0.principal, $0.role, $0.effect.rawValue, $0.scope.summary, $0.conditionSummary] })
            }
        }
    }
}

extension BindingInfo {
    var conditionSummary: String { conditions.isEmpty ? "-" : conditions.map(\.summary).joined(separator: ", ") }

    /// The binding as the service spells it.
    var json: [String: Any] {
        var object: [String: Any] = [
            "bindingId": bindingId, "principal": principal, "role": role, "effect": effect.rawValue, "createDate": createDate,
            "conditions": conditions.map(\.jsonObject),
        ]
        object.merge(scope.jsonMembers) { current, _ in current }
        return object
    }
}
