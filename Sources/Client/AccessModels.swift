import Foundation
import KeyCrypto

/// What kind of caller a principal is.
public enum PrincipalKind: String, Sendable, CaseIterable {
    case user, service, pipeline
}

/// A principal (a person, service or pipeline) as the service describes it. Secrets never appear here.
public struct PrincipalInfo: Decodable, Sendable, Equatable {
    /// One of the principal's access keys, without its secret.
    public struct AccessKeyInfo: Decodable, Sendable, Equatable {
        public var accessKeyId: String
        /// `Active` or `Inactive`.
        public var status: String
        public var createDate: String
        public var lastUsedDate: String?
    }

    public var name: String
    public var principalId: String
    public var arn: String
    /// `user`, `service` or `pipeline`.
    public var kind: String
    public var enabled: Bool
    public var createDate: String
    /// SHA-256 (hex) of the DER of the client certificate bound to the principal; nil when none is.
    public var clientCertificateFingerprint: String?
    /// The access keys; nil in listings, which do not show them.
    public var accessKeys: [AccessKeyInfo]?
}

/// A new access key with its secret, which the service shows only this once.
///
/// `description` and `debugDescription` never print the secret; read it from `secretAccessKey` to store it.
public struct NewAccessKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: SecureBytes

    public init(accessKeyId: String, secretAccessKey: SecureBytes) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }

    /// Credentials for signing requests as this key's principal.
    public var credentials: Credentials { Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey) }

    public var description: String { "NewAccessKey(\(accessKeyId), secret redacted)" }
    public var debugDescription: String { description }
}

/// A role: a named set of actions.
public struct RoleInfo: Decodable, Sendable, Equatable {
    public var name: String
    public var description: String
    /// Action names such as `kms:Encrypt`.
    public var actions: [String]
    public var builtIn: Bool
}

/// Which keys a binding covers.
public enum BindingScope: Sendable, Equatable {
    /// Every key (and actions on no key, such as CreateKey).
    case allKeys
    /// One key, by id, ARN or alias; the service resolves an alias when the binding is made.
    case key(String)
    /// Keys with an alias starting with this prefix, such as `alias/team-a/`.
    case aliasPrefix(String)
    /// Keys carrying this tag.
    case tag(key: String, value: String)

    /// A tag scope from `key=value` text, or nil when it is not of that form.
    public static func tag(parsing text: String) -> BindingScope? {
        KeyValueText.split(text).map { .tag(key: $0.key, value: $0.value) }
    }

    /// The members naming this scope in a binding's JSON (request and response alike).
    public var jsonMembers: [String: Any] {
        switch self {
        case .allKeys: ["allKeys": true]
        case .key(let id): ["keyId": id]
        case .aliasPrefix(let prefix): ["aliasPrefix": prefix]
        case .tag(let key, let value): ["tagKey": key, "tagValue": value]
        }
    }

    /// A short human summary: `all keys`, `key …`, `aliases alias/x*`, `tag k=v`.
    public var summary: String {
        switch self {
        case .allKeys: "all keys"
        case .key(let id): "key \(id)"
        case .aliasPrefix(let prefix): "aliases \(prefix)*"
        case .tag(let key, let value): "tag \(key)=\(value)"
        }
    }
}

/// A condition on a request's encryption context under which a binding applies.
public enum Condition: Sendable, Equatable {
    /// The context has this key.
    case hasKey(String)
    /// The context has this key with exactly this value.
    case equals(key: String, value: String)
    /// The context has this key with a value matching this glob (`*` any run, `?` one character).
    case matches(key: String, pattern: String)

    /// An `equals` condition from `key=value` text, or nil when it is not of that form.
    public static func equals(parsing text: String) -> Condition? {
        KeyValueText.split(text).map { .equals(key: $0.key, value: $0.value) }
    }

    /// A `matches` condition from `key=glob` text, or nil when it is not of that form.
    public static func matches(parsing text: String) -> Condition? {
        KeyValueText.split(text).map { .matches(key: $0.key, pattern: $0.value) }
    }

    /// The condition in a binding's JSON (request and response alike): `{"key"}`, `{"key", "equals"}` or `{"key", "matches"}`.
    public var jsonObject: [String: String] {
        switch self {
        case .hasKey(let key): ["key": key]
        case .equals(let key, let value): ["key": key, "equals": value]
        case .matches(let key, let pattern): ["key": key, "matches": pattern]
        }
    }

    /// A short human summary: `has k`, `k=v`, `k~glob`.
    public var summary: String {
        switch self {
        case .hasKey(let key): "has \(key)"
        case .equals(let key, let value): "\(key)=\(value)"
        case .matches(let key, let pattern): "\(key)~\(pattern)"
        }
    }
}

/// Whether a binding gives its role's actions or takes them away.
public enum BindingEffect: String, Sendable, Equatable {
    case allow = "Allow"
    case deny = "Deny"
}

/// A binding: a principal given (or denied) a role on a scope, optionally under conditions.
public struct BindingInfo: Sendable, Equatable {
    public var bindingId: String
    public var principal: String
    public var role: String
    public var effect: BindingEffect
    public var scope: BindingScope
    public var conditions: [Condition]
    public var createDate: String
}

/// Encryption-context constraints of a grant. The service takes one kind per grant.
public enum GrantConstraint: Sendable, Equatable {
    /// The request's context must be exactly these pairs.
    case contextEquals([String: String])
    /// The request's context must include these pairs.
    case contextSubset([String: String])

    /// The grant's `constraints` JSON object (request and response alike).
    public var jsonObject: [String: [String: String]] {
        switch self {
        case .contextEquals(let pairs): ["encryptionContextEquals": pairs]
        case .contextSubset(let pairs): ["encryptionContextSubset": pairs]
        }
    }
}

/// A grant on a key, as listed.
public struct GrantEntry: Sendable, Equatable {
    /// The key's ARN.
    public var keyId: String
    public var grantId: String
    public var name: String?
    public var creationDate: String
    /// The grantee's ARN.
    public var granteePrincipal: String
    public var retiringPrincipal: String?
    public var issuingAccount: String
    /// Operation names such as `Decrypt`.
    public var operations: [String]
    public var constraint: GrantConstraint?
}

/// A new grant: its id, and the token that lets the grantee use it before it is visible everywhere.
public struct CreatedGrant: Decodable, Sendable, Equatable {
    public var grantToken: String
    public var grantId: String
}

/// Splits `key=value` at the first `=`; the key must not be empty, the value may be.
enum KeyValueText {
    static func split(_ text: String) -> (key: String, value: String)? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
