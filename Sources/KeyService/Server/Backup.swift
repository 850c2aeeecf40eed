import Foundation
import KeyCrypto

/// Online backups of a data directory, and checked restores.
///
/// A backup is a tar archive of consistent snapshots (SQLite online backup API)
/// of `kms.db` and `audit.db`, the audit public key and the wrapped audit
/// signing key, with a `MANIFEST.json` of SHA-256 digests. It never contains
/// `root.key` or `admin.credentials`: a backup is useless without the root key,
/// which must be kept (separately) too.
public enum Backup {
    public struct Manifest: Codable, Sendable {
        public var format: Int
        public var createdAt: String
        public var files: [String: String]
    }

    static let members = ["kms.db", "audit.db", "audit-public.pem", "audit-signing.key"]

    /// Snapshots `directory` (which a server may be using) into the archive `output`.
    @discardableResult
    public static func create(dataDirectory directory: String, output: String) throws -> Manifest {
        let work = try temporaryDirectory(near: output)
        defer { try? FileManager.default.removeItem(atPath: work) }
        for database in ["kms.db", "audit.db"] {
            let source = directory + "/" + database
            guard FileManager.default.fileExists(atPath: source) else { throw ConfigurationError("\(source) does not exist") }
            try SQLiteConnection(path: source, readOnly: true).backup(to: work + "/" + database)
        }
        for file in ["audit-public.pem", "audit-signing.key"] {
            try FileManager.default.copyItem(atPath: directory + "/" + file, toPath: work + "/" + file)
        }
        var entries: [(String, [UInt8])] = []
        var digests: [String: String] = [:]
        for name in members {
            guard let data = FileManager.default.contents(atPath: work + "/" + name) else { throw ConfigurationError("cannot read \(name)") }
            entries.append((name, Array(data)))
            digests[name] = Hex.encode(try Digest.hash(.sha256, Array(data)))
        }
        let manifest = Manifest(format: 1, createdAt: Timestamp.now().iso8601, files: digests)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        entries.insert(("MANIFEST.json", Array(try encoder.encode(manifest))), at: 0)
        let temporary = output + ".partial"
        FileManager.default.createFile(atPath: temporary, contents: Data(Tar.write(entries)), attributes: [.posixPermissions: 0o600])
        guard rename(temporary, output) == 0 else { throw ConfigurationError("cannot write \(output)") }
        return manifest
    }

    /// What a restore checked.
    public struct Report: Sendable {
        public var manifest: Manifest
        public var keys: Int
        public var auditRecords: Int
    }

    /// Checks an archive — digests, SQLite integrity, the audit chain and its
    /// signatures, and that `rootKey` unwraps the key material — and only then
    /// installs it into `dataDirectory` (which must hold no database unless `force`).
    public static func restore(archive: String, dataDirectory directory: String, rootKey: SecureBytes, force: Bool) throws -> Report {
        guard let data = FileManager.default.contents(atPath: archive) else { throw ConfigurationError("cannot read \(archive)") }
        let entries = try Tar.read(Array(data))
        guard let manifestBytes = entries["MANIFEST.json"],
              let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(manifestBytes)), manifest.format == 1
        else { throw ConfigurationError("\(archive) is not a kms backup (no valid MANIFEST.json)") }
        for name in members {
            guard let bytes = entries[name], let expected = manifest.files[name],
                  Hex.encode(try Digest.hash(.sha256, bytes)) == expected
            else { throw ConfigurationError("\(archive): \(name) is missing or does not match its digest") }
        }
        let work = try temporaryDirectory(near: directory)
        defer { try? FileManager.default.removeItem(atPath: work) }
        for name in members {
            FileManager.default.createFile(atPath: work + "/" + name, contents: Data(entries[name]!), attributes: [.posixPermissions: 0o600])
        }
        for database in ["kms.db", "audit.db"] {
            let result = try SQLiteConnection(path: work + "/" + database).integrityCheck()
            guard result == "ok" else { throw ConfigurationError("\(database) in the backup is damaged: \(result)") }
        }
        let snapshot = try SQLiteKeyStore(path: work + "/kms.db").load()
        let keyring = try Keyring(rootKey: rootKey)
        if let version = snapshot.versions.first {
            do {
                _ = try keyring.unwrapMaterial(version.wrappedMaterial, keyId: version.keyId, version: version.version)
            } catch {
                throw ConfigurationError("the root key does not open this backup's key material: wrong root key")
            }
        }
        let pem = String(decoding: entries["audit-public.pem"]!, as: UTF8.self)
        let audit = try AuditVerifier.verify(databasePath: work + "/audit.db", publicKey: AsymmetricPublicKey(pem: pem))
        guard audit.ok else {
            throw ConfigurationError("the backup's audit log does not verify at sequence \(audit.firstBadSequence ?? 0): \(audit.problem ?? "")")
        }
        let target = try DataDirectory(path: directory)  // takes the lock: no server may be running
        // The directory must end up with the root key that opens what is installed: a different
        // root.key there is refused (the server would not start), a missing one is written.
        let installRootKey = !FileManager.default.fileExists(atPath: target.rootKeyPath)
        if !installRootKey, try FileRootKeyProvider(path: target.rootKeyPath, createIfMissing: false).loadRootKey() != rootKey {
            throw ConfigurationError("\(target.rootKeyPath) is not the root key that opens this backup; move it aside (keep it if it protects anything else) or restore into a fresh directory")
        }
        if FileManager.default.fileExists(atPath: directory + "/kms.db"),
           ((try? FileManager.default.attributesOfItem(atPath: directory + "/kms.db")[.size] as? Int) ?? 0) > 0, !force {
            throw ConfigurationError("\(directory) already holds a database; use --force to replace it")
        }
        for name in members {
            let destination = target.path + "/" + name
            for suffix in ["", "-wal", "-shm"] where name.hasSuffix(".db") { try? FileManager.default.removeItem(atPath: destination + suffix) }
            try? FileManager.default.removeItem(atPath: destination)
            guard rename(work + "/" + name, destination) == 0 else { throw ConfigurationError("cannot install \(name)") }
        }
        if installRootKey {
            var bytes = rootKey.withUnsafeBytes { Array($0) }
            defer { secureZero(&bytes) }
            try target.writeFile(target.rootKeyPath, bytes, mode: 0o600)
        }
        return Report(manifest: manifest, keys: snapshot.keys.count, auditRecords: audit.recordsChecked)
    }

    static func temporaryDirectory(near path: String) throws -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let work = (parent.isEmpty ? "." : parent) + "/.kms-backup-\(UUIDString.random())"
        guard mkdir(work, 0o700) == 0 else { throw ConfigurationError("cannot create a work directory beside \(path)") }
        return work
    }
}

/// The few lines of POSIX ustar a backup needs: regular files, names under 100 bytes.
enum Tar {
    static func write(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, bytes) in entries {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { header[offset + i] = b } }
            put(name, at: 0)
            put("0000600", at: 100)
            put("0000000", at: 108)
            put("0000000", at: 116)
            put(String(format: "%011o", bytes.count), at: 124)
            put(String(format: "%011o", Int(Date().timeIntervalSince1970)), at: 136)
            put("        ", at: 148)
            header[156] = UInt8(ascii: "0")
            put("ustar", at: 257)
            put("00", at: 263)
            let checksum = header.reduce(0) { $0 + Int($1) }
            put(String(format: "%06o", checksum) + "\0 ", at: 148)
            out += header + bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    /// Reads regular files; refuses anything malformed.
    static func read(_ archive: [UInt8]) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var offset = 0
        while offset + 512 <= archive.count {
            let header = Array(archive[offset..<offset + 512])
            if header.allSatisfy({ $0 == 0 }) { break }
            func field(_ start: Int, _ length: Int) -> String {
                String(decoding: header[start..<start + length].prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            }
            guard let size = Int(field(124, 12), radix: 8), size >= 0, offset + 512 + size <= archive.count else {
                throw ConfigurationError("the backup archive is truncated or malformed")
            }
            let name = field(0, 100)
            guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { throw ConfigurationError("unexpected entry '\(name)' in the backup") }
            files[name] = Array(archive[(offset + 512)..<(offset + 512 + size)])
            offset += 512 + (size + 511) / 512 * 512
        }
        return files
    }
}
