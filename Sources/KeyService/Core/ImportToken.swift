import KeyCrypto

/// One set of import parameters (GetParametersForImport): the RSA wrapping key
/// pair, wrapped under the root key, for one key and one wrapping algorithm.
/// Deleted when an import uses it (whatever the outcome) or when it expires.
public struct ImportParametersRecord: Sendable, Equatable {
    /// The token id (32 lowercase hex characters).
    public var id: String
    public var keyId: String
    public var wrappingAlgorithm: ImportWrappingAlgorithm
    public var wrappingKeySpec: KeySpec
    /// The PKCS#8 DER wrapping private key under the root key's import-wrapping subkey.
    public var wrappedPrivateKey: [UInt8]
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
}

/// The opaque `ImportToken` handed to the caller.
///
/// Format 1, 57 bytes:
///
///     offset  size  field
///     0       1     format byte, 0x01
///     1       16    token id (random)
///     17      8     expiry, microseconds since the epoch, big-endian
///     25      32    HMAC-SHA256 under the root key's import-token subkey of
///                   bytes 0..<25 ‖ the key id
///
/// The MAC binds the token to its key, so a token shown for another key is
/// simply not valid; the expiry is authentic without a lookup, so an old token
/// says "expired" even after its parameters were cleaned up. The record the
/// id names holds the wrapping key and must still exist: that is single use.
struct ImportToken: Equatable {
    static let format: UInt8 = 0x01
    static let size = 57
    static let idSize = 16

    var id: [UInt8]
    var expiresAt: Timestamp

    var idHex: String { Hex.encode(id) }

    private var body: [UInt8] {
        var out: [UInt8] = [Self.format] + id
        let value = UInt64(bitPattern: expiresAt.microseconds)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        return out
    }

    func serialized(keyId: String, keyring: Keyring) throws -> [UInt8] {
        body + (try keyring.importTokenMAC(body + Array(keyId.utf8)))
    }

    /// Parses and authenticates `bytes` for `keyId`: strict length, format, then
    /// the MAC (constant time). Any failure is InvalidImportToken.
    static func parse(_ bytes: [UInt8], keyId: String, keyring: Keyring) throws(KMSError) -> ImportToken {
        let invalid = KMSError(.invalidImportToken, "The import token is not valid for this key.")
        guard bytes.count == size, bytes[0] == format else { throw invalid }
        let id = Array(bytes[1..<(1 + idSize)])
        let expiry = bytes[17..<25].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let token = ImportToken(id: id, expiresAt: Timestamp(microseconds: Int64(bitPattern: expiry)))
        guard let expected = try? keyring.importTokenMAC(token.body + Array(keyId.utf8)),
              constantTimeEquals(expected, bytes[25...])
        else { throw invalid }
        return token
    }
}
