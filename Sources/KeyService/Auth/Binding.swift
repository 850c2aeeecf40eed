/// Which keys a binding covers.
public enum BindingScope: Sendable, Equatable, Codable {
    case allKeys
    case key(String)
    case aliasPrefix(String)
    case tag(key: String, value: String)

    /// Whether `key` (with its aliases and tags) is in scope. Actions on no key
    /// are only ever in an all-keys scope.
    func covers(_ key: KeyRecord?, aliases: [String]) -> Bool {
        switch self {
        case .allKeys: return true
        case .key(let id): return key?.id == id
        case .aliasPrefix(let prefix): return key != nil && aliases.contains { $0.hasPrefix(prefix) }
        case .tag(let tagKey, let value): return key?.tags.contains { $0.key == tagKey && $0.value == value } ?? false
        }
    }

    var summary: String {
        switch self {
        case .allKeys: "all keys"
        case .key(let id): "key \(id)"
        case .aliasPrefix(let prefix): "aliases \(prefix)*"
        case .tag(let key, let value): "tag \(key)=\(value)"
        }
    }
}

/// A condition on the encryption context of a request. A condition holds only
/// when the request carries a context that satisfies it.
public enum ContextCondition: Sendable, Equatable, Codable {
    /// The context has this key.
    case hasKey(String)
    /// The context has this key with exactly this value.
    case equals(key: String, value: String)
    /// The context has this key with a value matching this glob (`*` any run, `?` one character).
    case matches(key: String, pattern: String)

    func holds(in context: [String: String]?) -> Bool {
        guard let context else { return false }
        switch self {
        case .hasKey(let key): return context[key] != nil
        case .equals(let key, let value): return context[key] == value
        case .matches(let key, let pattern): return context[key].map { Glob.matches(pattern, $0) } ?? false
        }
    }

    var summary: String {
        switch self {
        case .hasKey(let key): "has \(key)"
        case .equals(let key, let value): "\(key)=\(value)"
        case .matches(let key, let pattern): "\(key)~\(pattern)"
        }
    }
}

/// Gives a principal a role on a scope, optionally under conditions. A deny
/// binding takes the role's actions away and wins over every allow.
public struct BindingRecord: Sendable, Equatable {
    public enum Effect: String, Sendable, Codable { case allow = "Allow", deny = "Deny" }
    public var id: String
    public var principalId: String
    public var role: String
    public var scope: BindingScope
    public var conditions: [ContextCondition]
    public var effect: Effect
    public var createdAt: Timestamp
}

/// Minimal glob matching over Unicode scalars: `*` matches any run, `?` one scalar.
enum Glob {
    static func matches(_ pattern: String, _ value: String) -> Bool {
        let p = Array(pattern.unicodeScalars), v = Array(value.unicodeScalars)
        var pi = 0, vi = 0, star = -1, mark = 0
        while vi < v.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == v[vi]) {
                pi += 1; vi += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = vi; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; vi = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
