import Foundation

/// Finds and loads the known-answer vectors in `keys-fixtures/`.
///
/// The files there are unedited upstream copies (see its README); this file
/// only reads them, with one small loader per format.
enum Fixtures {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The `keys-fixtures` directory, found from (in order) `KMS_FIXTURES_DIR`,
    /// the directories above this source file (as compiled, then with symlinks
    /// resolved), and the working directory and its parents.
    static let directory: URL? = {
        let fileManager = FileManager.default
        func isDirectory(_ url: URL) -> Bool {
            var isDir: ObjCBool = false
            return fileManager.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
        }
        if let override = ProcessInfo.processInfo.environment["KMS_FIXTURES_DIR"], !override.isEmpty {
            let url = URL(fileURLWithPath: override)
            if isDirectory(url) { return url }
        }
        let source = URL(fileURLWithPath: #filePath)
        let starts = [
            source.deletingLastPathComponent(),
            source.resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: fileManager.currentDirectoryPath),
        ]
        for start in starts {
            var candidate = start.standardizedFileURL
            while true {
                let fixtures = candidate.appendingPathComponent("keys-fixtures")
                if isDirectory(fixtures) { return fixtures }
                let parent = candidate.deletingLastPathComponent()
                if parent.path == candidate.path { break }
                candidate = parent
            }
        }
        return nil
    }()

    static func url(_ relativePath: String) throws -> URL {
        guard let directory else {
            throw Missing(description: "keys-fixtures not found (set KMS_FIXTURES_DIR)")
        }
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "fixture \(relativePath) not found under \(directory.path)")
        }
        return url
    }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    static func text(_ relativePath: String) throws -> String {
        String(decoding: try data(relativePath), as: UTF8.self)
    }

    /// Lines without their terminator. The NIST files use CRLF, which a Swift
    /// `String` holds as one `Character`, so split on any newline character.
    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// `Name = value` (spaces around `=` optional, value may be empty).
    static func keyValue(_ line: Substring) -> (key: String, value: String)? {
        guard let equals = line.firstIndex(of: "=") else { return nil }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : (key, value)
    }
}

/// Strict hex for vector fields, independent of the `Hex` type under test.
func bytes(hex: some StringProtocol) throws -> [UInt8] {
    let digits = Array(hex.utf8)
    guard digits.count % 2 == 0 else { throw Fixtures.Missing(description: "odd-length hex in a vector") }
    func nibble(_ c: UInt8) throws -> UInt8 {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: throw Fixtures.Missing(description: "non-hex character in a vector")
        }
    }
    return try stride(from: 0, to: digits.count, by: 2).map { try nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

// MARK: - NIST CAVP .rsp

/// One record of a NIST CAVP response file: its fields, the `[Name = value]`
/// headers of the section it sits in, and whether it carries the `FAIL` marker
/// (decrypt files: the tag must not verify).
struct CAVPRecord {
    var section: [String: String]
    var fields: [String: String]
    var fails: Bool
    var line: Int

    func hex(_ name: String) throws -> [UInt8] {
        guard let value = fields[name] else { throw Fixtures.Missing(description: "field \(name) missing at line \(line)") }
        return try bytes(hex: value)
    }

    func int(_ name: String, inSection: Bool = false) throws -> Int {
        guard let value = (inSection ? section : fields)[name], let number = Int(value) else {
            throw Fixtures.Missing(description: "integer \(name) missing at line \(line)")
        }
        return number
    }
}

enum CAVPFile {
    /// Records are runs of `Name = value` lines separated by blank lines;
    /// a run of `[Name = value]` lines starts a new section.
    static func parse(_ text: String) -> [CAVPRecord] {
        var records: [CAVPRecord] = []
        var section: [String: String] = [:]
        var previousWasHeader = false
        var current: CAVPRecord?
        func flush() {
            if let record = current, !record.fields.isEmpty { records.append(record) }
            current = nil
        }
        for (index, line) in Fixtures.lines(text).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") { continue }
            if trimmed.isEmpty { flush(); continue }
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                flush()
                if !previousWasHeader { section = [:] }
                previousWasHeader = true
                if let (key, value) = Fixtures.keyValue(trimmed.dropFirst().dropLast()) { section[key] = value }
                continue
            }
            previousWasHeader = false
            if current == nil { current = CAVPRecord(section: section, fields: [:], fails: false, line: index + 1) }
            if trimmed == "FAIL" {
                current?.fails = true
            } else if let (key, value) = Fixtures.keyValue(Substring(trimmed)) {
                current?.fields[key] = value
            }
        }
        flush()
        return records
    }
}

// MARK: - RFC-style text vectors (cryptography-vectors layout)

/// `Name = value` records as the cryptography-vectors package writes the RFC
/// vectors (HKDF, HMAC): `#` comments, blank lines anywhere, and a record ends
/// where a name it already has appears again.
enum RFCVectorFile {
    static func parse(_ text: String) -> [[String: String]] {
        var records: [[String: String]] = []
        var current: [String: String] = [:]
        for line in Fixtures.lines(text) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let (key, value) = Fixtures.keyValue(Substring(trimmed)) else { continue }
            if current[key] != nil {
                records.append(current)
                current = [:]
            }
            current[key] = value
        }
        if !current.isEmpty { records.append(current) }
        return records
    }
}

// MARK: - Wycheproof JSON

/// A Wycheproof v1 test file.
struct WycheproofFile<Group: Decodable>: Decodable {
    var algorithm: String
    var numberOfTests: Int
    var testGroups: [Group]

    static func load(_ relativePath: String) throws -> WycheproofFile {
        try JSONDecoder().decode(WycheproofFile.self, from: Fixtures.data(relativePath))
    }
}

enum WycheproofResult: String, Decodable {
    case valid, acceptable, invalid
}

/// `aead_test_schema_v1.json`.
struct WycheproofAEADGroup: Decodable {
    struct Test: Decodable {
        var tcId: Int
        var comment: String
        var flags: [String]
        var key: String
        var iv: String
        var aad: String
        var msg: String
        var ct: String
        var tag: String
        var result: WycheproofResult
    }
    var keySize: Int
    var ivSize: Int
    var tagSize: Int
    var tests: [Test]
}

/// `hkdf_test_schema_v1.json`.
struct WycheproofHKDFGroup: Decodable {
    struct Test: Decodable {
        var tcId: Int
        var comment: String
        var flags: [String]
        var ikm: String
        var salt: String
        var info: String
        var size: Int
        var okm: String
        var result: WycheproofResult
    }
    var keySize: Int
    var tests: [Test]
}

// MARK: - AWS SigV4 test suite

/// One case directory of the AWS SigV4 test suite: the raw request (`.req`),
/// the expected canonical request (`.creq`), string to sign (`.sts`),
/// `Authorization` value (`.authz`), and the signed request (`.sreq`).
struct SigV4SuiteCase {
    var name: String
    var method: String
    var rawPath: String
    var rawQuery: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var signedRequestHeaders: [(name: String, value: String)]
    var canonicalRequest: String
    var stringToSign: String
    var authorization: String

    static let suiteDirectory = "sigv4/aws4_testsuite"

    /// Every case directory (one holding a `.req`), as `group/name` or `name`.
    static func all() throws -> [SigV4SuiteCase] {
        let root = try Fixtures.url(suiteDirectory)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var names: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasSuffix(".req") { names.append(String(relative.dropLast(4))) }
        }
        return try names.sorted().map(load)
    }

    /// `relativeStem` is `dir/…/dir/base` without extension, e.g. `get-vanilla/get-vanilla`.
    static func load(_ relativeStem: String) throws -> SigV4SuiteCase {
        func read(_ ext: String) throws -> String {
            try Fixtures.text("\(suiteDirectory)/\(relativeStem).\(ext)").replacingOccurrences(of: "\r", with: "")
        }
        let request = try parseRequest(read("req"))
        let signed = try parseRequest(read("sreq"))
        return SigV4SuiteCase(
            name: String(relativeStem.split(separator: "/").dropLast().joined(separator: "/")),
            method: request.method, rawPath: request.path, rawQuery: request.query,
            headers: request.headers, body: request.body, signedRequestHeaders: signed.headers,
            canonicalRequest: try read("creq"), stringToSign: try read("sts"), authorization: try read("authz"))
    }

    /// Parses a raw HTTP/1.1 request as the suite writes it: `METHOD target HTTP/1.1`
    /// (the target may contain spaces), `Name:value` headers with obs-fold
    /// continuation lines folded into one space, a blank line, then the body.
    static func parseRequest(_ text: String) throws -> (method: String, path: String, query: String,
                                                        headers: [(name: String, value: String)], body: [UInt8]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let requestLine = lines.popFirst(),
              let firstSpace = requestLine.firstIndex(of: " "),
              let lastSpace = requestLine.lastIndex(of: " "), firstSpace < lastSpace
        else { throw Fixtures.Missing(description: "malformed request line") }
        let method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let path: String, query: String
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = String(target)
            query = ""
        }
        var headers: [(name: String, value: String)] = []
        while let line = lines.popFirst() {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else { throw Fixtures.Missing(description: "continuation before any header") }
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw Fixtures.Missing(description: "header without colon") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let body = Array(lines.joined(separator: "\n").utf8)
        return (method, path, query, headers, body)
    }

    /// The lowercase names after `SignedHeaders=` in the expected `Authorization`.
    var signedHeaders: [String] {
        for part in authorization.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("SignedHeaders=") {
                return trimmed.dropFirst("SignedHeaders=".count).split(separator: ";").map(String.init)
            }
        }
        return []
    }

    func header(_ name: String, in list: [(name: String, value: String)]) -> String? {
        list.first { $0.name.lowercased() == name }?.value
    }
}
