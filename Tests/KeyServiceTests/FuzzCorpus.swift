import Foundation

/// The committed inputs of one fuzz target: its seed corpus (`fuzz/corpus/<target>/`)
/// and the inputs that once crashed it (`fuzz/crashers/<target>/`), replayed by
/// the suites so that `swift test` runs them without a fuzzer.
enum FuzzCorpus {
    struct Missing: Error, CustomStringConvertible { var description: String }

    static func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let root = try repositoryRoot()
        var inputs: [(name: String, bytes: [UInt8])] = []
        for folder in ["fuzz/corpus", "fuzz/crashers"] {
            let directory = root.appendingPathComponent(folder).appendingPathComponent(target)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") {
                let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
                inputs.append(("\(folder)/\(target)/\(name)", bytes))
            }
        }
        return inputs
    }

    /// The nearest folder above this file (or the working directory) that has `fuzz/corpus`.
    static func repositoryRoot() throws -> URL {
        for start in [URL(fileURLWithPath: #filePath).deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var candidate = start.standardizedFileURL
            while true {
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("fuzz/corpus").path) { return candidate }
                let parent = candidate.deletingLastPathComponent()
                if parent.path == candidate.path { break }
                candidate = parent
            }
        }
        throw Missing(description: "fuzz/corpus not found above \(#filePath)")
    }
}
