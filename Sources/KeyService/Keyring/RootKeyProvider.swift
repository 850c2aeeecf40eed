import Foundation
import KeyCrypto

/// Where the 256-bit root key comes from. The default is a key file in the data
/// directory; a passphrase (scrypt), Shamir unseal shares or a PKCS#11 HSM plug
/// in behind the same interface.
public protocol RootKeyProvider: Sendable {
    /// The root key. Called once at start-up.
    func loadRootKey() throws -> SecureBytes
}

public struct RootKeyError: Error, CustomStringConvertible {
    public let description: String
}

/// A root key kept in a file of exactly 32 random bytes, mode 0600.
public struct FileRootKeyProvider: RootKeyProvider {
    public let path: String
    public let createIfMissing: Bool

    public init(path: String, createIfMissing: Bool = true) {
        self.path = path
        self.createIfMissing = createIfMissing
    }

    public func loadRootKey() throws -> SecureBytes {
        if !FileManager.default.fileExists(atPath: path) {
            guard createIfMissing else { throw RootKeyError(description: "root key file \(path) does not exist") }
            try create()
        }
        // FileManager rather than stat(2): which C module `struct stat` comes from varies with
        // the compiler's batching, and MemberImportVisibility then refuses its members.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? (attributes?[.posixPermissions] as? Int) else {
            throw RootKeyError(description: "cannot stat root key file \(path)")
        }
        guard mode & 0o077 == 0 else {
            throw RootKeyError(description: "root key file \(path) is readable by group or others (mode \(String(mode & 0o777, radix: 8))); chmod 600 it")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RootKeyError(description: "cannot open root key file \(path)") }
        defer { close(fd) }
        var failed = false
        let key = SecureBytes(count: 32) { buffer in
            var filled = 0
            while filled < 32 {
                let n = read(fd, buffer.baseAddress! + filled, 32 - filled)
                if n <= 0 { failed = true; return }
                filled += n
            }
            var extra: UInt8 = 0
            if read(fd, &extra, 1) != 0 { failed = true }
        }
        guard !failed else { throw RootKeyError(description: "root key file \(path) must hold exactly 32 bytes") }
        return key
    }

    /// Writes a new random key with O_EXCL so an existing key is never overwritten.
    private func create() throws {
        let key = try SecureBytes.random(count: 32)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RootKeyError(description: "cannot create root key file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = key.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == 32, fsync(fd) == 0 else {
            unlink(path)
            throw RootKeyError(description: "cannot write root key file \(path)")
        }
    }
}

/// A root key given directly (tests, and providers that unseal in memory).
public struct StaticRootKeyProvider: RootKeyProvider {
    let key: SecureBytes
    public init(key: SecureBytes) { self.key = key }
    public func loadRootKey() throws -> SecureBytes { key }
}
