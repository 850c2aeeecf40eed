import Foundation
import Logging
import Synchronization
import Testing
@testable import KeyService

/// The server's readable log lines: layout, metadata order and precedence, levels.
@Suite struct TextLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    static func logger(_ lines: Lines) -> Logger {
        var logger = Logger(label: "kms") { label in
            TextLogHandler(label: label, now: { Timestamp(microseconds: 1_796_000_000_250_000) }) { line in
                lines.lines.withLock { $0.append(line) }
            }
        }
        logger.logLevel = .info
        return logger
    }

    @Test func aLineHasTimeLevelLabelSortedMetadataSourceAndMessage() {
        let lines = Lines()
        var logger = Self.logger(lines)
        logger[metadataKey: "requestId"] = "r-1"
        logger[metadataKey: "b"] = "2"
        logger.warning("audit log write failed", metadata: ["a": "1", "b": "given"], source: "KeyService")
        #expect(lines.all == ["2026-11-30T00:53:20.250000Z warning kms : a=1 b=given requestId=r-1 [KeyService] audit log write failed\n"])
    }

    @Test func withoutMetadataTheLineHasNoFields() {
        let lines = Lines()
        Self.logger(lines).error("request failed", source: "KeyService")
        #expect(lines.all == ["2026-11-30T00:53:20.250000Z error kms : [KeyService] request failed\n"])
    }

    @Test func controlCharactersCannotStartAForgedLine() {
        let lines = Lines()
        let forged = "x\n2026-11-30T00:00:00.000Z critical kms : [KeyService] forged"
        Self.logger(lines).warning("\(forged)\u{85}\t", metadata: ["route": "a\r\nb\u{1b}[31m", "k\ney": "v"], source: "KeyService")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.filter { $0 == "\n" || $0 == "\r\n" }.count == 1, "only the line's own end")
        #expect(lines.all.first == "2026-11-30T00:53:20.250000Z warning kms : k\\ney=v route=a\\r\\nb\\u{1b}[31m [KeyService] "
            + "x\\n2026-11-30T00:00:00.000Z critical kms : [KeyService] forged\\u{85}\\t\n")
    }

    @Test func entriesBelowTheLevelAreNotWritten() {
        let lines = Lines()
        let logger = Self.logger(lines)
        logger.debug("request refused")
        logger.trace("noise")
        #expect(lines.all.isEmpty)
        logger.info("kept")
        #expect(lines.all.count == 1)
    }
}
