import Foundation
import Logging

/// Readable logs: one line per entry on standard error, laid out as swift-log's
/// `StreamLogHandler` does (time, level, label, metadata, source, message), but
/// with the metadata formatted only when a line is written. `StreamLogHandler`
/// formats it whenever it is set, and Hummingbird sets a request id on the
/// logger of every request, most of which never log anything (about 1% of a
/// GenerateDataKey's server CPU in a perf profile).
/// Control characters in messages and metadata are escaped, so text that came
/// from a request cannot start a forged line.
public struct TextLogHandler: LogHandler {
    let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    /// Where lines go: standard error, unless a test captures them.
    let sink: @Sendable (String) -> Void
    let now: @Sendable () -> Timestamp

    public init(label: String) {
        self.init(label: label, now: { .now() }) { line in
            var line = line
            line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
        }
    }

    init(label: String, now: @escaping @Sendable () -> Timestamp, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.now = now
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        let merged = extra.map { metadata.merging($0, uniquingKeysWith: { $1 }) } ?? metadata
        let fields = merged.sorted { $0.key < $1.key }.map { " \(Self.escaped($0.key))=\(Self.escaped("\($0.value)"))" }.joined()
        sink("\(now().iso8601) \(level) \(label) :\(fields) [\(source)] \(Self.escaped(message.description))\n")
    }

    /// The text with line breaks, tabs and other control characters written as escapes.
    static func escaped(_ text: String) -> String {
        func isControl(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
