import Foundation
import KeyCrypto

/// How a request ended.
public enum AuditOutcome: String, Sendable, Codable {
    case allowed, denied, error
}

/// One request as the audit log records it. Never plaintext, data keys, key
/// material, secrets, ciphertext blobs or request signatures.
public struct AuditRecord: Sendable, Equatable, Codable {
    public var sequence: Int64
    /// Microseconds since the Unix epoch, UTC.
    public var time: Int64
    public var requestId: String
    public var principalId: String?
    public var principalName: String?
    public var accessKeyId: String?
    public var sourceAddress: String?
    public var userAgent: String?
    public var api: String
    /// The operation name (`GenerateDataKey`), or what was asked for if it was not understood.
    public var action: String
    public var keyId: String?
    public var keyVersion: Int?
    /// The key as the request named it (an alias name, ARN or id).
    public var keyReference: String?
    public var encryptionContext: [String: String]?
    public var grantId: String?
    public var outcome: AuditOutcome
    public var errorCode: String?
    /// For denials: the binding, condition or policy statement that failed.
    public var reason: String?

    public init(sequence: Int64, time: Int64, requestId: String, principalId: String? = nil, principalName: String? = nil,
                accessKeyId: String? = nil, sourceAddress: String? = nil, userAgent: String? = nil, api: String, action: String,
                keyId: String? = nil, keyVersion: Int? = nil, keyReference: String? = nil, encryptionContext: [String: String]? = nil,
                grantId: String? = nil, outcome: AuditOutcome, errorCode: String? = nil, reason: String? = nil) {
        self.sequence = sequence
        self.time = time
        self.requestId = requestId
        self.principalId = principalId
        self.principalName = principalName
        self.accessKeyId = accessKeyId
        self.sourceAddress = sourceAddress
        self.userAgent = userAgent
        self.api = api
        self.action = action
        self.keyId = keyId
        self.keyVersion = keyVersion
        self.keyReference = keyReference
        self.encryptionContext = encryptionContext
        self.grantId = grantId
        self.outcome = outcome
        self.errorCode = errorCode
        self.reason = reason
    }

    /// The record's bytes as hashed into the chain: a version tag, then every
    /// field in a fixed order, each length-prefixed (absent fields distinct from empty).
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        appendCanonicalBytes(to: &out)
        return out
    }

    /// Appends `canonicalBytes` to `out` (written once per record, so without
    /// intermediate arrays).
    func appendCanonicalBytes(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 512)
        out.append(contentsOf: "kms-audit-record-v1".utf8)
        func put(_ value: String?) {
            guard let value else { out.append(0); return }
            out.append(1)
            let utf8 = value.utf8
            let n = UInt32(utf8.count)
            out.append(UInt8(n >> 24))
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 8))
            out.append(UInt8(truncatingIfNeeded: n))
            out.append(contentsOf: utf8)
        }
        put(String(sequence))
        put(String(time))
        put(requestId)
        put(principalId)
        put(principalName)
        put(accessKeyId)
        put(sourceAddress)
        put(userAgent)
        put(api)
        put(action)
        put(keyId)
        put(keyVersion.map(String.init))
        put(keyReference)
        if let context = encryptionContext {
            put(String(context.count))
            for (key, value) in context.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                put(key)
                put(value)
            }
        } else {
            put(nil)
        }
        put(grantId)
        put(outcome.rawValue)
        put(errorCode)
        put(reason)
    }

    /// The chain hash after this record: SHA-256(previous hash ‖ canonical bytes).
    public func chainHash(previous: [UInt8]) -> [UInt8] {
        var bytes = previous
        appendCanonicalBytes(to: &bytes)
        return (try? Digest.hash(.sha256, bytes)) ?? []
    }

    public static let genesisHash = [UInt8](repeating: 0, count: 32)
}

/// A signed checkpoint: the chain hash at a sequence number, signed with the audit key.
public struct AuditCheckpoint: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var chainHash: String
    public var time: Int64
    public var signature: String

    public init(sequence: Int64, chainHash: String, time: Int64, signature: String) {
        self.sequence = sequence
        self.chainHash = chainHash
        self.time = time
        self.signature = signature
    }

    /// The bytes signed: a version tag, sequence, hash and time.
    public static func signedBytes(sequence: Int64, chainHash: [UInt8], time: Int64) -> [UInt8] {
        Array("kms-audit-checkpoint-v1|\(sequence)|\(Hex.encode(chainHash))|\(time)".utf8)
    }

    /// The bytes of the statement a prune signs: that the records up to this
    /// checkpoint were removed on purpose. Its own tag, so a checkpoint's signature
    /// (which anyone with the database has) cannot stand in for it.
    public var pruneStatementBytes: [UInt8] {
        Array("kms-audit-prune-v1|\(sequence)|\(chainHash)|\(time)".utf8)
    }
}

/// What the core notes about a request while it runs, for its audit record.
public final class AuditNote: @unchecked Sendable {
    public struct Fields: Sendable {
        public var keyId: String?
        public var keyVersion: Int?
        public var keyReference: String?
        public var encryptionContext: [String: String]?
        public var grantId: String?
        public var reason: String?
        public var action: String?
        /// Who signed a request that authentication then refused (an inactive access
        /// key, a disabled principal, a wrong signature, a bound client certificate
        /// missing or wrong), so its record names the principal.
        public var refusedCaller: Caller?
        /// The well-formed access key id of a request whose signature was refused
        /// before its caller was known (an unknown key id).
        public var claimedAccessKeyId: String?
    }

    private let lock = NSLock()
    private var fields = Fields()

    public init() {}

    func update(_ body: (inout Fields) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body(&fields)
    }

    public var snapshot: Fields {
        lock.lock()
        defer { lock.unlock() }
        return fields
    }
}
