import Foundation

/// One input and where its result goes ("-" is standard input or output).
public struct FileJob: Equatable, Sendable {
    public var input: String
    public var output: String
    /// Whether missing directories above `output` may be made: only for outputs
    /// under a directory `--output` (a mirrored tree), never for a named file.
    public var createsDirectories: Bool

    public init(input: String, output: String, createsDirectories: Bool = false) {
        self.input = input
        self.output = output
        self.createsDirectories = createsDirectories
    }
}

/// Turns the command line's inputs into jobs: one file, many files, a directory
/// (`--recursive`, mirrored under `--output`), or standard input and output.
///
/// `--output` names a file only for a single file input; with several inputs or a
/// directory it must be an existing directory or end with `/`. Recursive walks
/// take regular files only and do not follow symbolic links (a link may point out
/// of the tree): they are listed in `Plan.skippedLinks` for a warning.
public struct FileTargets {
    public enum Direction: Sendable { case encrypt, decrypt }

    /// A command line that names no valid set of jobs.
    public struct UsageError: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The jobs, and the symbolic links a recursive walk did not follow.
    public struct Plan: Equatable {
        public var jobs: [FileJob]
        public var skippedLinks: [String]
    }

    public var direction: Direction
    public var suffix: String
    public var output: String?
    public var recursive: Bool

    public init(direction: Direction, suffix: String, output: String?, recursive: Bool) {
        self.direction = direction
        self.suffix = suffix
        self.output = output
        self.recursive = recursive
    }

    public func plan(for inputs: [String]) throws(UsageError) -> Plan {
        guard !inputs.isEmpty else { throw UsageError("name a file, a directory (with --recursive) or - for standard input") }
        guard !suffix.isEmpty else { throw UsageError("--suffix may not be empty") }
        if inputs == ["-"] { return Plan(jobs: [FileJob(input: "-", output: output ?? "-")], skippedLinks: []) }
        if inputs.contains("-") { throw UsageError("- (standard input) cannot be combined with other inputs") }
        let directories = inputs.filter(isDirectory)
        if !directories.isEmpty && !recursive {
            throw UsageError("\(directories[0]) is a directory: add --recursive")
        }
        // One plain file: --output is its output file, unless it names a directory.
        if inputs.count == 1, directories.isEmpty, let output, !output.hasSuffix("/"), !isDirectory(output) {
            return Plan(jobs: [FileJob(input: inputs[0], output: output)], skippedLinks: [])
        }
        if output == "-" { throw UsageError("--output - takes a single input") }
        if let output, !output.hasSuffix("/"), !isDirectory(output) {
            throw UsageError("--output \(output) is not a directory: with several inputs or a directory, "
                + "--output must name an existing directory or end with /")
        }
        var plan = Plan(jobs: [], skippedLinks: [])
        for input in inputs {
            if isDirectory(input) {
                let (files, links) = try walk(input)
                plan.skippedLinks += links
                for relative in files {
                    let source = (input as NSString).appendingPathComponent(relative)
                    guard let target = outputName(for: relative, skipForeign: true) else { continue }
                    plan.jobs.append(job(source, ((output ?? input) as NSString).appendingPathComponent(target)))
                }
            } else {
                let name = (input as NSString).lastPathComponent
                guard let target = outputName(for: name, skipForeign: false) else {
                    throw UsageError("\(input) does not end with \(suffix): give --output")
                }
                let directory = output ?? (input as NSString).deletingLastPathComponent
                plan.jobs.append(job(input, (directory as NSString).appendingPathComponent(target)))
            }
        }
        return plan
    }

    /// A job whose output is under `--output` (whose directories it may make) or beside its input.
    private func job(_ input: String, _ output: String) -> FileJob {
        FileJob(input: input, output: output, createsDirectories: self.output != nil)
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

    /// Regular files under `directory` (relative, sorted; hidden temporary files
    /// skipped) and the symbolic links found there, not followed (full paths, sorted).
    func walk(_ directory: String) throws(UsageError) -> (files: [String], links: [String]) {
        var files: [String] = [], links: [String] = []
        var pending = [""]
        while let relativeDirectory = pending.popLast() {
            let path = relativeDirectory.isEmpty ? directory : (directory as NSString).appendingPathComponent(relativeDirectory)
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw UsageError("cannot read directory \(path)")
            }
            for name in names {
                let relative = relativeDirectory.isEmpty ? name : (relativeDirectory as NSString).appendingPathComponent(name)
                let full = (directory as NSString).appendingPathComponent(relative)
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: pending.append(relative)
                case S_IFLNK: links.append(full)
                case S_IFREG where !(name.hasPrefix(".") && name.contains(".tmp-")): files.append(relative)
                default: continue
                }
            }
        }
        return (files.sorted(), links.sorted())
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
