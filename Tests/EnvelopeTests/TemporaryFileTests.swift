import Client
import Foundation
import Testing

/// Temporary output files: private until committed, and known to the registry
/// that a termination signal empties.
@Suite struct TemporaryFileTests {
    private func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    @Test func temporaryOutputIsPrivateAndGetsItsModeOnlyWhenCommitted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("plain").path
        let file = try AtomicOutputFile(path: path, overwrite: false, mode: 0o644)
        #expect(mode(file.temporaryPath) == 0o600, "a temporary file may hold plaintext: owner only")
        #expect(TemporaryFiles.shared.registered.contains(file.temporaryPath))
        try file.commit()
        #expect(mode(path) == 0o644 & ~TemporaryFiles.creationMask)
        #expect(!TemporaryFiles.shared.registered.contains(file.temporaryPath))
        #expect(mode(file.temporaryPath) == nil)
    }

    @Test func discardedOutputLeavesTheRegistry() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try AtomicOutputFile(path: directory.appendingPathComponent("plain").path, overwrite: false)
        file.discard()
        #expect(!TemporaryFiles.shared.registered.contains(file.temporaryPath))
        #expect(mode(file.temporaryPath) == nil)
    }

    @Test func removeAllDeletesEveryLiveTemporaryFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = TemporaryFiles()
        let first = try registry.create(template: directory.appendingPathComponent(".a.tmp-XXXXXX").path)
        let second = try registry.create(template: directory.appendingPathComponent(".b.tmp-XXXXXX").path)
        defer { close(first.fd); close(second.fd) }
        #expect(mode(first.path) == 0o600 && mode(second.path) == 0o600)
        let committed = try registry.create(template: directory.appendingPathComponent(".c.tmp-XXXXXX").path)
        close(committed.fd)
        registry.unregister(committed.path)

        #expect(registry.removeAll() == [first.path, second.path].sorted())
        #expect(mode(first.path) == nil && mode(second.path) == nil)
        #expect(mode(committed.path) != nil, "an unregistered file is not the registry's to remove")
        #expect(registry.registered.isEmpty)
    }
}
