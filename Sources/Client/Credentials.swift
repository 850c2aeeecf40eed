import Foundation
import KeyCrypto

/// An access key id and its secret, for signing requests with SigV4.
public struct Credentials: Sendable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: SecureBytes

    public init(accessKeyId: String, secretAccessKey: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = SecureBytes(copying: Array(secretAccessKey.utf8))
    }

    public init(accessKeyId: String, secretAccessKey: SecureBytes) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }

    /// Never prints the secret.
    public var description: String { "Credentials(\(accessKeyId), secret redacted)" }

    /// Reads a profile of an AWS shared-credentials file (`aws_access_key_id`,
    /// `aws_secret_access_key`), such as the server's `admin.credentials`.
    public static func load(file path: String, profile: String = "default") throws -> (Credentials, region: String?) {
        guard let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw ClientError.configuration("cannot read credentials file \(path)")
        }
        var section = ""
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == profile, let equals = line.firstIndex(of: "=") else { continue }
            values[line[..<equals].trimmingCharacters(in: .whitespaces)] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw ClientError.configuration("credentials file \(path) has no aws_access_key_id/aws_secret_access_key in [\(profile)]")
        }
        return (Credentials(accessKeyId: id, secretAccessKey: secret), values["region"])
    }
}
