import ArgumentParser
import Foundation

/// One input and where its result goes ("-" is standard input or output).
struct FileJob: Equatable {
    var input: String
    var output: String
}

/// Turns the command line's inputs into jobs: one file, many files, a directory
/// (`--recursive`, mirrored under `--output`), or standard input and output.
struct FileTargets {
    enum Direction { case encrypt, decrypt }

    var direction: Direction
    var suffix: String
    var output: String?
    var recursive: Bool

    func jobs(for inputs: [String]) throws -> [FileJob] {
        guard !inputs.isEmpty else { throw ValidationError("name a file, a directory (with --recursive) or - for standard input") }
        guard !suffix.isEmpty else { throw ValidationError("--suffix may not be empty") }
        if inputs == ["-"] { return [FileJob(input: "-", output: output ?? "-")] }
        if inputs.contains("-") { throw ValidationError("- (standard input) cannot be combined with other inputs") }
        let directories = inputs.filter(isDirectory)
        if !directories.isEmpty && !recursive {
            throw ValidationError("\(directories[0]) is a directory: add --recursive")
        }
        // One plain file: --output is its output file (or a directory to put it in).
        if inputs.count == 1, directories.isEmpty, let output, !isDirectory(output) {
            return [FileJob(input: inputs[0], output: output)]
        }
        if output == "-" { throw ValidationError("--output - takes a single input") }
        var jobs: [FileJob] = []
        for input in inputs {
            if isDirectory(input) {
                for relative in try files(under: input) {
                    let source = (input as NSString).appendingPathComponent(relative)
                    guard let target = outputName(for: relative, skipForeign: true) else { continue }
                    let base = output ?? input
                    jobs.append(FileJob(input: source, output: (base as NSString).appendingPathComponent(target)))
                }
            } else {
                let name = (input as NSString).lastPathComponent
                guard let target = outputName(for: name, skipForeign: false) else {
                    throw ValidationError("\(input) does not end with \(suffix): give --output")
                }
                let directory = output ?? (input as NSString).deletingLastPathComponent
                jobs.append(FileJob(input: input, output: (directory as NSString).appendingPathComponent(target)))
            }
        }
        return jobs
    }

    /// The output name for an input name, or nil when the file is not for this
    /// direction (already encrypted, or not carrying the suffix).
    private func outputName(for name: String, skipForeign: Bool) -> String? {
        switch direction {
        case .encrypt:
            if skipForeign && name.hasSuffix(suffix) { return nil }
            return name + suffix
        case .decrypt:
            guard name.hasSuffix(suffix), name.count > suffix.count else { return nil }
            return String(name.dropLast(suffix.count))
        }
    }

    /// Regular files under `directory`, relative, sorted; hidden temporary files skipped.
    private func files(under directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw ValidationError("cannot read directory \(directory)")
        }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(relative)
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") && name.contains(".tmp-") { continue }
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG { found.append(relative) }
        }
        return found.sorted()
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// The size of a regular file, or nil (pipes, standard input).
func fileSize(_ path: String) -> UInt64? {
    guard path != "-" else { return nil }
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return UInt64(info.st_size)
}
