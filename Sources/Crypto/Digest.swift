internal import COpenSSL

/// The digests the service uses: SHA-2, and SHA-1 only where a standard
/// still names it (RSA-OAEP with SHA-1 for `RSAES_OAEP_SHA_1` and the
/// `*_SHA_1` import wrapping algorithms), never for signatures or MACs.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha1 = "SHA1"
    case sha224 = "SHA224"
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// Output size in bytes.
    public var outputSize: Int {
        switch self {
        case .sha1: 20
        case .sha224: 28
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    var md: OpaquePointer {
        switch self {
        case .sha1: FetchedAlgorithms.sha1
        case .sha224: FetchedAlgorithms.sha224
        case .sha256: FetchedAlgorithms.sha256
        case .sha384: FetchedAlgorithms.sha384
        case .sha512: FetchedAlgorithms.sha512
        }
    }
}

/// Algorithm objects fetched once from the default provider (an implicit fetch
/// on every call costs about a microsecond). They live for the process.
enum FetchedAlgorithms {
    nonisolated(unsafe) static let sha1: OpaquePointer = EVP_MD_fetch(nil, "SHA1", nil)!
    nonisolated(unsafe) static let sha224: OpaquePointer = EVP_MD_fetch(nil, "SHA2-224", nil)!
    nonisolated(unsafe) static let sha256: OpaquePointer = EVP_MD_fetch(nil, "SHA2-256", nil)!
    nonisolated(unsafe) static let sha384: OpaquePointer = EVP_MD_fetch(nil, "SHA2-384", nil)!
    nonisolated(unsafe) static let sha512: OpaquePointer = EVP_MD_fetch(nil, "SHA2-512", nil)!
    nonisolated(unsafe) static let aes128gcm: OpaquePointer = EVP_CIPHER_fetch(nil, "AES-128-GCM", nil)!
    nonisolated(unsafe) static let aes192gcm: OpaquePointer = EVP_CIPHER_fetch(nil, "AES-192-GCM", nil)!
    nonisolated(unsafe) static let aes256gcm: OpaquePointer = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)!
    nonisolated(unsafe) static let aes128wrapPad: OpaquePointer = EVP_CIPHER_fetch(nil, "AES-128-WRAP-PAD", nil)!
    nonisolated(unsafe) static let aes192wrapPad: OpaquePointer = EVP_CIPHER_fetch(nil, "AES-192-WRAP-PAD", nil)!
    nonisolated(unsafe) static let aes256wrapPad: OpaquePointer = EVP_CIPHER_fetch(nil, "AES-256-WRAP-PAD", nil)!
}

/// One-shot and streaming SHA-2.
public enum Digest {
    /// The digest of `data`.
    public static func hash(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.outputSize)
        var length: UInt32 = 0
        let result = out.withUnsafeMutableBufferPointer { outBuffer in
            EVP_Digest(data.baseAddress ?? UnsafeRawPointer(outBuffer.baseAddress!), data.count,
                       outBuffer.baseAddress, &length, algorithm.md, nil)
        }
        try requireOne(result, "EVP_Digest(\(algorithm.rawValue))")
        return out
    }

    public static func hash(_ algorithm: DigestAlgorithm, _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        try data.withUnsafeBufferPointer { (buffer) throws(CryptoError) in try hash(algorithm, UnsafeRawBufferPointer(buffer)) }
    }

    /// SHA-256 of `data` as lowercase hex (the SigV4 payload hash).
    public static func sha256Hex(_ data: UnsafeRawBufferPointer) -> String {
        // SHA-256 over a valid buffer cannot fail short of memory exhaustion.
        Hex.encode((try? hash(.sha256, data)) ?? [])
    }

    public static func sha256Hex(_ string: String) -> String {
        var copy = string
        return copy.withUTF8 { sha256Hex(UnsafeRawBufferPointer($0)) }
    }
}

/// An incremental digest. Owns its `EVP_MD_CTX`.
public final class StreamingDigest {
    private let context: OpaquePointer
    public let algorithm: DigestAlgorithm

    public init(_ algorithm: DigestAlgorithm) throws(CryptoError) {
        self.algorithm = algorithm
        context = try requireNonNil(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        do {
            try requireOne(EVP_DigestInit_ex(context, algorithm.md, nil), "EVP_DigestInit_ex")
        } catch {
            EVP_MD_CTX_free(context)
            throw error
        }
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ data: UnsafeRawBufferPointer) throws(CryptoError) {
        guard let base = data.baseAddress, data.count > 0 else { return }
        try requireOne(EVP_DigestUpdate(context, base, data.count), "EVP_DigestUpdate")
    }

    public func update(_ data: [UInt8]) throws(CryptoError) {
        try data.withUnsafeBufferPointer { (buffer) throws(CryptoError) in try update(UnsafeRawBufferPointer(buffer)) }
    }

    public func finalize() throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.outputSize)
        var length: UInt32 = 0
        let result = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        try requireOne(result, "EVP_DigestFinal_ex")
        return out
    }
}
