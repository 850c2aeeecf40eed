import Foundation
import KeyCrypto

/// Reuses data keys across messages, like the AWS Encryption SDK's caching CMM,
/// for pipelines that encrypt thousands of small files.
///
/// An encryption entry (data key, EDKs, full context and, for signed suites, the
/// signing key) serves at most `maxMessages` messages and `maxBytes` plaintext
/// bytes, for at most `maxAge`; a message of unknown length never uses the cache
/// when a byte limit is set. Decryption entries (data keys by EDKs and context)
/// live `maxAge`. At most `capacity` entries of each kind; the oldest go first.
public actor DataKeyCache {
    public struct Limits: Sendable, Equatable {
        public var maxMessages: Int
        public var maxBytes: UInt64?
        public var maxAge: Duration

        public init(maxMessages: Int = 1000, maxBytes: UInt64? = nil, maxAge: Duration = .seconds(300)) {
            self.maxMessages = max(1, maxMessages)
            self.maxBytes = maxBytes
            self.maxAge = maxAge
        }
    }

    private struct EncryptionEntry {
        let materials: EncryptionMaterials
        let created: ContinuousClock.Instant
        var messages = 0
        var bytes: UInt64 = 0
    }

    private struct DecryptionEntry {
        let dataKey: SecureBytes
        let created: ContinuousClock.Instant
    }

    public let limits: Limits
    public let capacity: Int
    private var encryption: [String: EncryptionEntry] = [:]
    private var decryption: [String: DecryptionEntry] = [:]
    /// Hits and misses, for tests and metrics.
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(limits: Limits = Limits(), capacity: Int = 100) {
        self.limits = limits
        self.capacity = max(1, capacity)
    }

    /// Cached materials for `key` that may take one more message of `length` bytes
    /// (counting it), or nil.
    func materials(for key: String, plaintextLength: UInt64?) -> EncryptionMaterials? {
        guard var entry = encryption[key] else {
            misses += 1
            return nil
        }
        let length = plaintextLength ?? 0
        let expired = ContinuousClock.now - entry.created >= limits.maxAge
        let full = entry.messages >= limits.maxMessages
            || (limits.maxBytes.map { plaintextLength == nil || entry.bytes + length > $0 } ?? false)
        if expired || full {
            encryption[key] = nil
            misses += 1
            return nil
        }
        entry.messages += 1
        entry.bytes += length
        encryption[key] = entry
        hits += 1
        return entry.materials
    }

    /// Stores new materials for `key`, counting their first message.
    func store(_ materials: EncryptionMaterials, for key: String, plaintextLength: UInt64?) {
        if let maxBytes = limits.maxBytes, plaintextLength.map({ $0 > maxBytes }) ?? true { return }
        evictIfFull(&encryption)
        encryption[key] = EncryptionEntry(materials: materials, created: .now, messages: 1, bytes: plaintextLength ?? 0)
    }

    func dataKey(for key: String) -> SecureBytes? {
        guard let entry = decryption[key], ContinuousClock.now - entry.created < limits.maxAge else {
            decryption[key] = nil
            return nil
        }
        return entry.dataKey
    }

    func store(dataKey: SecureBytes, for key: String) {
        evictIfFull(&decryption)
        decryption[key] = DecryptionEntry(dataKey: dataKey, created: .now)
    }

    /// Forgets every entry.
    public func clear() {
        encryption = [:]
        decryption = [:]
    }

    private func evictIfFull<Entry>(_ entries: inout [String: Entry]) {
        guard entries.count >= capacity else { return }
        // Entries are few; dropping an arbitrary half is simpler than LRU and bounds memory.
        for key in entries.keys.prefix(max(1, capacity / 2)) { entries[key] = nil }
    }

    /// The cache key of encryption materials: keyring, suite and the user's context.
    static func encryptionKey(partition: String, suite: AlgorithmSuite, context: [String: String]) -> String {
        let serialized = (try? MessageContext(context).serialized()) ?? []
        return Digest.sha256Hex(Array(("enc\u{0}\(partition)\u{0}\(suite.id)\u{0}").utf8) + serialized)
    }

    /// The cache key of a data key: keyring, suite, every EDK and the full context.
    static func decryptionKey(partition: String, header: MessageHeader) -> String {
        var bytes = Array("dec\u{0}\(partition)\u{0}\(header.suite.id)\u{0}".utf8)
        for key in header.encryptedDataKeys {
            bytes += Array(key.providerId.utf8) + [0] + key.providerInfo + [0] + key.ciphertext + [0]
        }
        bytes += (try? header.context.serialized()) ?? []
        return Digest.sha256Hex(bytes)
    }
}

extension Digest {
    static func sha256Hex(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { sha256Hex($0) } }
}
