import Foundation
import Testing
@testable import Client

/// How the CLI's inputs and `--output` become jobs, and the recursive walk.
@Suite struct FileTargetsTests {
    /// A temporary tree: root/a, root/sub/b, root/sub/deeper/c, root/empty/,
    /// root/link → /etc (a directory link), root/sub/file-link → ../a.
    final class Tree {
        let root: String
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("targets-\(UUID().uuidString)").path
            let manager = FileManager.default
            try manager.createDirectory(atPath: root + "/sub/deeper", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
            for file in ["a", "sub/b", "sub/deeper/c", "sub/.b.kms.tmp-abcdef"] {
                #expect(manager.createFile(atPath: root + "/" + file, contents: Data([1])))
            }
            try manager.createSymbolicLink(atPath: root + "/link", withDestinationPath: "/etc")
            try manager.createSymbolicLink(atPath: root + "/sub/file-link", withDestinationPath: "../a")
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    func targets(output: String? = nil, recursive: Bool = false) -> FileTargets {
        FileTargets(direction: .encrypt, suffix: ".kms", output: output, recursive: recursive)
    }

    func usageError(_ targets: FileTargets, _ inputs: [String]) -> String? {
        do {
            _ = try targets.plan(for: inputs)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func recursiveWalkTakesRegularFilesAndReportsEverySymbolicLink() throws {
        let tree = try Tree()
        let walk = try targets(recursive: true).walk(tree.root)
        #expect(walk.files == ["a", "sub/b", "sub/deeper/c"], "links are not followed, temporary files not taken")
        #expect(walk.links == [tree.root + "/link", tree.root + "/sub/file-link"])
        let plan = try targets(output: tree.root + "-out/", recursive: true).plan(for: [tree.root])
        #expect(plan.skippedLinks == walk.links)
        #expect(plan.jobs.map(\.output) == ["a.kms", "sub/b.kms", "sub/deeper/c.kms"].map { tree.root + "-out/" + $0 })
        #expect(plan.jobs.allSatisfy { $0.createsDirectories }, "a mirrored tree's directories are made")
    }

    @Test func singleFileOutputNeverMakesDirectories() throws {
        let tree = try Tree()
        let plan = try targets(output: "/nonexistent/x.kms").plan(for: [tree.root + "/a"])
        #expect(plan.jobs == [FileJob(input: tree.root + "/a", output: "/nonexistent/x.kms", createsDirectories: false)])
        let beside = try targets().plan(for: [tree.root + "/a"])
        #expect(beside.jobs == [FileJob(input: tree.root + "/a", output: tree.root + "/a.kms", createsDirectories: false)])
    }

    @Test func singleFileIntoADirectory() throws {
        let tree = try Tree()
        let existing = try targets(output: tree.root + "/empty").plan(for: [tree.root + "/a"])
        #expect(existing.jobs.map(\.output) == [tree.root + "/empty/a.kms"])
        let slash = try targets(output: tree.root + "/new/").plan(for: [tree.root + "/a"])
        #expect(slash.jobs == [FileJob(input: tree.root + "/a", output: tree.root + "/new/a.kms", createsDirectories: true)])
    }

    @Test func severalInputsNeedADirectoryOutput() throws {
        let tree = try Tree()
        let inputs = [tree.root + "/a", tree.root + "/sub/b"]
        let error = usageError(targets(output: tree.root + "/single.kms"), inputs)
        #expect(error?.contains("must name an existing directory or end with /") == true)
        #expect(usageError(targets(output: tree.root + "/x.kms", recursive: true), [tree.root + "/sub"]) != nil,
                "a directory input needs a directory output too")
        #expect(try targets(output: tree.root + "/out/").plan(for: inputs).jobs.map(\.output)
                == [tree.root + "/out/a.kms", tree.root + "/out/b.kms"])
        #expect(try targets(output: tree.root + "/empty").plan(for: inputs).jobs.count == 2)
        #expect(try targets().plan(for: inputs).jobs.map(\.output) == inputs.map { $0 + ".kms" })
    }
}
