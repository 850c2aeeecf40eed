/// An algorithm suite of the AWS Encryption SDK message format that this library
/// reads or writes: the cipher, key derivation, commitment and signature of a message.
///
/// Writers produce `.committing` (0x0478, the default) or `.committingSigned`
/// (0x0578). Readers also accept the legacy version 1 suites 0x0178 and 0x0378;
/// every other id is refused (`EnvelopeError.Code.unsupportedSuite`).
public struct AlgorithmSuite: Sendable, Hashable, CustomStringConvertible {
    /// How the content key comes from the data key.
    public enum KeyDerivation: Sendable, Hashable {
        /// HKDF(SHA-512, salt = message id, info = suite id ‖ "DERIVEKEY"), plus a commit key.
        case committingHKDFSHA512
        /// HKDF(hash, no salt, info = suite id ‖ message id) (version 1 suites).
        case legacyHKDF(DigestAlgorithm)
    }

    /// The two-byte id in the header (e.g. 0x0478).
    public let id: UInt16
    /// The message format version that carries this suite (1 or 2).
    public let messageVersion: UInt8
    public let keyDerivation: KeyDerivation
    /// Whether the message ends with an ECDSA P-384 / SHA-384 signature footer.
    public let isSigned: Bool
    /// The ESDK's name, used by `aws-encryption-cli --algorithm`.
    public let name: String

    /// Data key (KDF input) and content key length: 32 for every supported suite.
    public var dataKeyLength: Int { 32 }
    /// Bytes of the message id: 32 in version 2, 16 in version 1.
    public var messageIdLength: Int { messageVersion == 2 ? 32 : 16 }
    /// Whether the header carries a 32-byte commit key as its suite data.
    public var isCommitting: Bool { keyDerivation == .committingHKDFSHA512 }
    /// The two id bytes, big-endian.
    public var idBytes: [UInt8] { [UInt8(id >> 8), UInt8(id & 0xff)] }

    public var description: String { "0x" + Hex.encode(idBytes) + " (\(name))" }

    /// AES-256-GCM, HKDF-SHA512, key commitment; no signature. Our default.
    public static let committing = AlgorithmSuite(
        id: 0x0478, messageVersion: 2, keyDerivation: .committingHKDFSHA512, isSigned: false,
        name: "AES_256_GCM_HKDF_SHA512_COMMIT_KEY")
    /// As `.committing`, plus an ECDSA P-384 signature (the official SDK's default).
    public static let committingSigned = AlgorithmSuite(
        id: 0x0578, messageVersion: 2, keyDerivation: .committingHKDFSHA512, isSigned: true,
        name: "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384")
    /// Legacy version 1: AES-256-GCM with HKDF-SHA256; read only.
    public static let legacyHKDFSHA256 = AlgorithmSuite(
        id: 0x0178, messageVersion: 1, keyDerivation: .legacyHKDF(.sha256), isSigned: false,
        name: "AES_256_GCM_IV12_TAG16_HKDF_SHA256")
    /// Legacy version 1: AES-256-GCM with HKDF-SHA384 and an ECDSA P-384 signature; read only.
    public static let legacyHKDFSHA384Signed = AlgorithmSuite(
        id: 0x0378, messageVersion: 1, keyDerivation: .legacyHKDF(.sha384), isSigned: true,
        name: "AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384")

    /// Every suite this library reads.
    public static let readable: [AlgorithmSuite] = [.committing, .committingSigned, .legacyHKDFSHA256, .legacyHKDFSHA384Signed]
    /// The suites this library writes.
    public static let writable: [AlgorithmSuite] = [.committing, .committingSigned]

    /// The supported suite with this id, or nil.
    public static func suite(id: UInt16) -> AlgorithmSuite? { readable.first { $0.id == id } }

    /// A writable suite by ESDK name (`AES_256_GCM_HKDF_SHA512_COMMIT_KEY`) or hex id (`0478`, `0x0578`).
    public static func writable(named text: String) -> AlgorithmSuite? {
        let lowered = text.lowercased()
        let hex = lowered.hasPrefix("0x") ? String(lowered.dropFirst(2)) : lowered
        return writable.first { $0.name.lowercased() == lowered || Hex.encode($0.idBytes) == hex }
    }
}
