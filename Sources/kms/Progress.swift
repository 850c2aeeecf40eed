import Foundation

/// A one-line progress bar on standard error, shown only when standard error is a
/// terminal and the input is larger than a few MiB; silent otherwise.
final class ProgressBar: @unchecked Sendable {
    static let threshold: UInt64 = 4 << 20

    private let label: String
    private let total: UInt64
    private let started = ContinuousClock.now
    private let lock = NSLock()
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var drawn = false
    private var lastDone: UInt64?

    /// A bar for `total` bytes, or nil when none should be drawn.
    static func make(label: String, total: UInt64?) -> ProgressBar? {
        guard let total, total > threshold, isatty(2) == 1 else { return nil }
        return ProgressBar(label: label, total: total)
    }

    private init(label: String, total: UInt64) {
        self.label = label
        self.total = total
    }

    /// Reports `done` bytes; redraws at most ten times a second.
    func update(_ done: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        guard done != lastDone, now - lastDraw >= .milliseconds(100) || done >= total else { return }
        lastDraw = now
        lastDone = done
        drawn = true
        let fraction = min(1, Double(done) / Double(max(total, 1)))
        let width = 30
        let filled = Int(fraction * Double(width))
        let seconds = max(0.001, Double((now - started).components.attoseconds) / 1e18 + Double((now - started).components.seconds))
        let rate = Double(done) / seconds / 1_000_000
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let name = label.count > 32 ? "…" + label.suffix(31) : label
        let line = "\r\(name) [\(bar)] \(Int(fraction * 100))% \(String(format: "%.0f", rate)) MB/s\u{1b}[K"
        var bytes = Array(line.utf8)
        _ = write(2, &bytes, bytes.count)
    }

    /// Ends the line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn {
            var newline: [UInt8] = [0x0a]
            _ = write(2, &newline, 1)
        }
    }
}
