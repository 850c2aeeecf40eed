import Foundation

/// The server's configuration file: a small, strict subset of TOML.
///
/// `key = value` lines, `[section]` headers, `#` comments; values are "strings",
/// integers, `true`/`false`, or arrays of strings on one line. Every key must be
/// one the server knows; anything else is an error naming the line.
public struct ConfigFile: Sendable {
    public enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case boolean(Bool)
        case strings([String])
    }

    /// Every setting the file may hold, with its type.
    public static let known: [String: String] = [
        "listen": "string", "data_dir": "string", "region": "string", "account": "string",
        "log_level": "string", "log_format": "string", "rate_limit": "string",
        "tls.cert": "string", "tls.key": "string", "tls.client_ca": "string", "tls.client_auth": "string",
        "audit.checkpoint_every": "integer", "audit.checkpoint_seconds": "integer",
        "webhook.url": "string", "webhook.secret_file": "string", "webhook.actions": "strings",
    ]

    private(set) var values: [String: Value] = [:]
    let path: String

    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigFileError("cannot read configuration file \(path)")
        }
        var section = ""
        for (index, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = Self.stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw error(number, "a section header looks like [name]") }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard ["tls", "audit", "webhook"].contains(section) else { throw error(number, "unknown section [\(section)]") }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw error(number, "expected key = value") }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            let key = section.isEmpty ? name : section + "." + name
            guard let type = Self.known[key] else { throw error(number, "unknown setting '\(key)'") }
            guard values[key] == nil else { throw error(number, "'\(key)' is set twice") }
            let value = try parseValue(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces), line: number)
            switch (type, value) {
            case ("string", .string), ("integer", .integer), ("strings", .strings): values[key] = value
            default: throw error(number, "'\(key)' must be a \(type == "strings" ? "list of strings" : type)")
            }
        }
    }

    public func string(_ key: String) -> String? {
        if case .string(let value)? = values[key] { return value }
        return nil
    }

    public func integer(_ key: String) -> Int? {
        if case .integer(let value)? = values[key] { return value }
        return nil
    }

    public func strings(_ key: String) -> [String]? {
        if case .strings(let value)? = values[key] { return value }
        return nil
    }

    private func error(_ line: Int, _ message: String) -> ConfigFileError {
        ConfigFileError("\(path):\(line): \(message)")
    }

    private func parseValue(_ text: String, line: Int) throws -> Value {
        if text.hasPrefix("\"") {
            guard text.count >= 2, text.hasSuffix("\""), let string = Self.unquote(text) else {
                throw error(line, "unterminated or malformed string")
            }
            return .string(string)
        }
        if text == "true" { return .boolean(true) }
        if text == "false" { return .boolean(false) }
        if let number = Int(text.replacingOccurrences(of: "_", with: "")) { return .integer(number) }
        if text.hasPrefix("[") && text.hasSuffix("]") {
            let inner = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { return .strings([]) }
            var items: [String] = []
            for item in inner.split(separator: ",") {
                let trimmed = item.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                guard let string = Self.unquote(trimmed) else { throw error(line, "lists hold \"strings\"") }
                items.append(string)
            }
            return .strings(items)
        }
        throw error(line, "a value is a \"string\", a number, true/false or a [\"list\"]")
    }

    /// The contents of a double-quoted string with \" \\ \n \t escapes.
    static func unquote(_ text: String) -> String? {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return nil }
        var out = ""
        var escaped = false
        for ch in text.dropFirst().dropLast() {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\"", "\\": out.append(ch)
                default: return nil
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                return nil
            } else {
                out.append(ch)
            }
        }
        return escaped ? nil : out
    }

    /// The line without a `#` comment (a `#` inside a string is kept).
    static func stripComment(_ line: String) -> String {
        var inString = false
        var escaped = false
        var out = ""
        for ch in line {
            if inString {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
            } else if ch == "\"" {
                inString = true
            } else if ch == "#" {
                break
            }
            out.append(ch)
        }
        return out
    }
}

public struct ConfigFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
