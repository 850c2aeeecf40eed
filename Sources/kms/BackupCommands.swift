import ArgumentParser
import Foundation
import KeyService

/// `kms backup`: a consistent online snapshot of a data directory.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Snapshot a data directory (the server may be running) into one archive file.",
        discussion: "The archive holds the databases and the audit keys, never root.key: keep the root key backed up separately, or the backup cannot be opened.")
    @Option(help: "Data directory (env KMS_DATA_DIR; default ./kms-data).") var dataDir: String?
    @Option(name: .customLong("out"), help: "The archive to write.") var output: String

    func run() async throws {
        let directory = dataDir ?? ProcessInfo.processInfo.environment["KMS_DATA_DIR"] ?? "./kms-data"
        do {
            let manifest = try Backup.create(dataDirectory: directory, output: output)
            Terminal.printLine("backup of \(directory) written to \(output) (\(manifest.files.count) files, \(manifest.createdAt))")
        } catch let error as ConfigurationError {
            Terminal.printError("kms backup: \(error.description)")
            throw ExitCode(ExitCodes.failure)
        }
    }
}

/// `kms restore`: checks an archive completely before installing it.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Check a backup (digests, integrity, audit chain, root key) and install it into a stopped data directory.")
    @Option(name: .customLong("from"), help: "The archive from `kms backup`.") var archive: String
    @Option(help: "Data directory to restore into (env KMS_DATA_DIR; default ./kms-data).") var dataDir: String?
    @Option(help: "The root key file that protects the backup (default: root.key in the data directory).") var rootKey: String?
    @Flag(help: "Replace an existing database.") var force = false

    func run() async throws {
        let directory = dataDir ?? ProcessInfo.processInfo.environment["KMS_DATA_DIR"] ?? "./kms-data"
        let keyPath = rootKey ?? directory + "/root.key"
        do {
            let key = try FileRootKeyProvider(path: keyPath, createIfMissing: false).loadRootKey()
            let report = try Backup.restore(archive: archive, dataDirectory: directory, rootKey: key, force: force)
            Terminal.printLine("restored \(report.keys) keys and \(report.auditRecords) verified audit records into \(directory)")
        } catch let error as ConfigurationError {
            Terminal.printError("kms restore: \(error.description)")
            throw ExitCode(ExitCodes.integrity)
        } catch let error as RootKeyError {
            Terminal.printError("kms restore: \(error.description)")
            throw ExitCode(ExitCodes.configuration)
        }
    }
}
