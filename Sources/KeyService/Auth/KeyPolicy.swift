import Foundation

/// Key policies: one JSON policy document per key, named "default", stored as given.
///
/// How they relate to RBAC: roles, bindings and grants decide what is allowed;
/// a key policy can only take permissions away. Its `Deny` statements are
/// enforced (a matching deny refuses the request whatever RBAC allows), while
/// its `Allow` statements grant nothing by themselves. The default policy is a
/// single statement allowing the account root `kms:*`, which therefore allows
/// nothing beyond RBAC.
enum KeyPolicy {
    static let maxSize = 32_768

    static func defaultPolicy(account: String) -> String {
        """
        {
          "Version": "2012-10-17",
          "Id": "key-default-1",
          "Statement": [
            {
              "Sid": "Enable IAM User Permissions",
              "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::\(account):root"},
              "Action": "kms:*",
              "Resource": "*"
            }
          ]
        }
        """
    }

    struct Statement: Sendable {
        var sid: String?
        var effect: String
        var principals: [String]
        var actions: [String]
        var notActions: [String]?
    }

    /// Parses and checks a policy document against the AWS policy grammar's shape:
    /// Version, Statement (object or array) whose statements have Effect Allow/Deny,
    /// Principal (`*` or {"AWS": string|[string]}), Action/NotAction (string or array),
    /// Resource (string or array), optional Sid and Condition.
    static func validate(_ text: String) throws(KMSError) -> [Statement] {
        guard text.utf8.count <= maxSize else {
            throw KMSError(.malformedPolicyDocument, "The policy document exceeds \(maxSize) bytes.")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw KMSError(.malformedPolicyDocument, "The policy document is not a JSON object.")
        }
        let allowedTop: Set<String> = ["Version", "Id", "Statement"]
        if let unknown = object.keys.first(where: { !allowedTop.contains($0) }) {
            throw KMSError(.malformedPolicyDocument, "Unknown policy element \(sanitizedForMessage(unknown, limit: 40)).")
        }
        if let version = object["Version"] {
            guard let v = version as? String, ["2012-10-17", "2008-10-17"].contains(v) else {
                throw KMSError(.malformedPolicyDocument, "Version must be 2012-10-17.")
            }
        }
        let rawStatements: [Any]
        switch object["Statement"] {
        case let list as [Any]: rawStatements = list
        case let single as [String: Any]: rawStatements = [single]
        default: throw KMSError(.malformedPolicyDocument, "The policy has no Statement.")
        }
        guard !rawStatements.isEmpty else { throw KMSError(.malformedPolicyDocument, "The policy has no Statement.") }
        var statements: [Statement] = []
        for raw in rawStatements {
            guard let statement = raw as? [String: Any] else {
                throw KMSError(.malformedPolicyDocument, "Each Statement must be an object.")
            }
            let known: Set<String> = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]
            if let unknown = statement.keys.first(where: { !known.contains($0) }) {
                throw KMSError(.malformedPolicyDocument, "Unknown statement element \(sanitizedForMessage(unknown, limit: 40)).")
            }
            guard let effect = statement["Effect"] as? String, effect == "Allow" || effect == "Deny" else {
                throw KMSError(.malformedPolicyDocument, "Effect must be Allow or Deny.")
            }
            let principals: [String]
            switch statement["Principal"] {
            case let star as String where star == "*": principals = ["*"]
            case let map as [String: Any]:
                guard let aws = map["AWS"], map.count == 1, let list = stringList(aws) else {
                    throw KMSError(.malformedPolicyDocument, "Principal must be \"*\" or {\"AWS\": ...}.")
                }
                principals = list
            default:
                throw KMSError(.malformedPolicyDocument, "Each statement needs a Principal.")
            }
            let actions = statement["Action"].flatMap(stringList)
            let notActions = statement["NotAction"].flatMap(stringList)
            guard (actions == nil) != (notActions == nil) else {
                throw KMSError(.malformedPolicyDocument, "Each statement needs exactly one of Action and NotAction.")
            }
            for action in (actions ?? []) + (notActions ?? []) where !(action == "*" || action.hasPrefix("kms:")) {
                throw KMSError(.malformedPolicyDocument, "Actions must be kms:... or *.")
            }
            guard statement["Resource"].flatMap(stringList) != nil || statement["NotResource"].flatMap(stringList) != nil else {
                throw KMSError(.malformedPolicyDocument, "Each statement needs a Resource.")
            }
            if let condition = statement["Condition"], !(condition is [String: Any]) {
                throw KMSError(.malformedPolicyDocument, "Condition must be an object.")
            }
            statements.append(Statement(sid: statement["Sid"] as? String, effect: effect, principals: principals,
                                        actions: actions ?? [], notActions: notActions))
        }
        return statements
    }

    private static func stringList(_ value: Any) -> [String]? {
        if let string = value as? String { return [string] }
        if let list = value as? [Any], !list.isEmpty, list.allSatisfy({ $0 is String }) { return list as? [String] }
        return nil
    }

    /// The Deny statements of a stored policy, parsed once when it is stored.
    static func denyStatements(_ text: String) -> [Statement] {
        ((try? validate(text)) ?? []).enumerated().compactMap { index, statement in
            guard statement.effect == "Deny" else { return nil }
            var numbered = statement
            numbered.sid = statement.sid ?? "#\(index)"
            return numbered
        }
    }

    /// The Sid of a Deny statement matching `action` and `principal`, if any.
    /// Principals match as `*`, the account root, or `arn:aws:iam::<account>:user/<name>`.
    /// Action names match without regard to case, as in IAM (`kms:decrypt` is `kms:Decrypt`).
    static func denyingStatement(_ statements: [Statement], action: Action, principal: PrincipalRecord) -> String? {
        for statement in statements {
            let principalMatches = statement.principals.contains { p in
                p == "*" || p.hasSuffix(":root") || p.hasSuffix(":user/\(principal.name)") || p == principal.name
            }
            guard principalMatches else { continue }
            let name = action.rawValue.lowercased()
            let matches: (String) -> Bool = { pattern in Glob.matches(pattern.lowercased(), name) || pattern == "*" }
            let actionMatches = statement.notActions.map { !$0.contains(where: matches) } ?? statement.actions.contains(where: matches)
            if actionMatches { return statement.sid }
        }
        return nil
    }
}
