import Foundation
import KeyCrypto

/// The self-describing ciphertext blob that Encrypt and GenerateDataKey return.
///
/// Format 1 (every field fixed-size except the ciphertext):
///
///     offset  size  field
///     0       1     format byte, 0x01
///     1       16    key id (the UUID's 16 bytes)
///     17      4     key version, big-endian, ≥ 1
///     21      12    nonce
///     33      n     AES-256-GCM ciphertext, n ≥ 1
///     33+n    16    tag
///
/// The AAD is bytes 0..<33 followed by the canonical encryption context, so a
/// blob cannot be moved to another key, version or context. Parsing is strict
/// and in order; every failure is `InvalidCiphertext`.
public struct CiphertextBlob: Sendable, Equatable {
    public static let formatV1: UInt8 = 0x01
    public static let headerSize = 33
    public static let tagSize = 16
    public static let minimumSize = headerSize + 1 + tagSize
    public static let maximumSize = 6144

    public var keyId: String
    public var version: Int
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]
    public var tag: [UInt8]

    /// The header bytes (format, key id, version, nonce) — the AAD prefix.
    public var header: [UInt8] {
        var out: [UInt8] = [Self.formatV1]
        out.reserveCapacity(Self.headerSize)
        out += Self.uuidBytes(keyId)
        let v = UInt32(version)
        out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
        out += nonce
        return out
    }

    public func serialized() -> [UInt8] { header + ciphertext + tag }

    public static func aad(header: [UInt8], context: EncryptionContext) -> [UInt8] {
        header + context.canonicalBytes
    }

    private static let invalid = KMSError(.invalidCiphertext, "The ciphertext is invalid, or was not made for this request.")

    /// Parses untrusted bytes.
    public static func parse(_ bytes: [UInt8]) throws(KMSError) -> CiphertextBlob {
        guard let format = bytes.first, format == formatV1 else { throw invalid }
        guard bytes.count >= minimumSize, bytes.count <= maximumSize else { throw invalid }
        guard let keyId = uuidString(bytes[1..<17]) else { throw invalid }
        let version = bytes[17..<21].reduce(0) { $0 << 8 | Int($1) }
        guard version >= 1 else { throw invalid }
        return CiphertextBlob(
            keyId: keyId, version: version,
            nonce: Array(bytes[21..<33]),
            ciphertext: Array(bytes[33..<(bytes.count - tagSize)]),
            tag: Array(bytes[(bytes.count - tagSize)...]))
    }

    static func uuidBytes(_ id: String) -> [UInt8] {
        guard let bytes = UUIDText.bytes(id) else { preconditionFailure("key ids are validated UUIDs") }
        return bytes
    }

    static func uuidString(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.count == 16 ? UUIDText.string(bytes) : nil
    }
}

