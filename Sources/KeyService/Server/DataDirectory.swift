import Foundation
import KeyCrypto

/// The server's data directory: created 0700, locked against a second server,
/// holding `root.key` (0600), `kms.db` and, after the first start,
/// `admin.credentials` (0600).
public final class DataDirectory: Sendable {
    public let path: String
    private let lockDescriptor: Int32

    public var rootKeyPath: String { path + "/root.key" }
    public var databasePath: String { path + "/kms.db" }
    public var credentialsPath: String { path + "/admin.credentials" }
    public var auditDatabasePath: String { path + "/audit.db" }
    public var auditSigningKeyPath: String { path + "/audit-signing.key" }
    public var auditPublicKeyPath: String { path + "/audit-public.pem" }

    /// Whether an earlier start left state here. Then the root key must already
    /// exist: making a new one would only hide that the right one is missing.
    /// (An empty database, left by a start that stopped early, holds nothing.)
    public var holdsState: Bool {
        func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0 }
        return FileManager.default.fileExists(atPath: auditSigningKeyPath) || size(databasePath) > 0 || size(auditDatabasePath) > 0
    }

    /// The audit signing key (ECDSA P-256): made on first start, stored wrapped
    /// under the root key, its public half written beside it as PEM.
    func auditSigningKey(keyring: Keyring) throws -> AsymmetricPrivateKey {
        if let wrapped = FileManager.default.contents(atPath: auditSigningKeyPath) {
            // The first thing a start unwraps: a failure here is a root key this directory was not made with.
            let der: SecureBytes
            do {
                der = try keyring.unwrapAuditSigningKey(Array(wrapped))
            } catch {
                throw ConfigurationError("the root key does not open this data directory (\(auditSigningKeyPath) does not unwrap under it): is \(rootKeyPath) the key \(path) was created with?")
            }
            let key = try AsymmetricPrivateKey(der: der)
            if !FileManager.default.fileExists(atPath: auditPublicKeyPath) { try writePublicKey(key) }
            return key
        }
        let key = try AsymmetricPrivateKey.generate(.ecP256)
        let wrapped = try keyring.wrapAuditSigningKey(try key.derRepresentation())
        try writeFile(auditSigningKeyPath, Array(wrapped), mode: 0o600)
        try writePublicKey(key)
        return key
    }

    private func writePublicKey(_ key: AsymmetricPrivateKey) throws {
        try? FileManager.default.removeItem(atPath: auditPublicKeyPath)
        try writeFile(auditPublicKeyPath, Array(try key.publicKey.pemRepresentation().utf8), mode: 0o644)
    }

    func writeFile(_ file: String, _ bytes: [UInt8], mode: mode_t) throws {
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ConfigurationError("cannot create \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            unlink(file)
            throw ConfigurationError("cannot write \(file)")
        }
    }

    /// Creates the directory if needed and takes its lock.
    public init(path: String) throws {
        self.path = path
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw ConfigurationError("cannot create data directory \(path): \(String(cString: strerror(errno)))")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard attributes?[.type] as? FileAttributeType == .typeDirectory else {
            if attributes?[.type] as? FileAttributeType == .typeSymbolicLink {
                // Not followed: the 0700 check and the lock must be on the directory itself.
                throw ConfigurationError("data directory \(path) is a symbolic link; give the directory it points to")
            }
            throw ConfigurationError("data directory \(path) is not a directory")
        }
        if let mode = attributes?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            _ = chmod(path, 0o700)
        }
        let fd = open(path + "/kms.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ConfigurationError("cannot open lock file in \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ConfigurationError("another kms server is already using the data directory \(path) (its lock file kms.lock is held); stop it first")
        }
        lockDescriptor = fd
    }

    /// Creates the databases 0600 before SQLite does (their -wal and -shm files
    /// inherit the mode). Called once the root key is known to fit the directory,
    /// so a refused start leaves no new files behind.
    func prepareDatabaseFiles() {
        for database in ["/kms.db", "/audit.db"] {
            let fd = open(path + database, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) }
            for suffix in ["", "-wal", "-shm"] { _ = chmod(path + database + suffix, 0o600) }
        }
    }

    deinit { close(lockDescriptor) }

    /// Writes the administrator's credentials in the AWS shared-credentials format, mode 0600, never overwriting.
    public func writeCredentials(_ credentials: IssuedCredentials, region: String) throws {
        let secret = String(decoding: credentials.secretAccessKey.exportBytes(), as: UTF8.self)
        let text = """
            # kms administrator credentials, written once at first start. Keep this file secret.
            [default]
            aws_access_key_id = \(credentials.accessKeyId)
            aws_secret_access_key = \(secret)
            region = \(region)

            """
        let fd = open(credentialsPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ConfigurationError("cannot create \(credentialsPath): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        defer { bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            unlink(credentialsPath)
            throw ConfigurationError("cannot write \(credentialsPath)")
        }
    }
}
