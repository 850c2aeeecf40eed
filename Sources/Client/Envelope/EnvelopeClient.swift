import Foundation
import KeyCrypto

/// Encrypts and decrypts AWS Encryption SDK messages with data keys from a
/// keyring (normally the key service through `KMSKeyring`), streaming in constant
/// memory over file descriptors, `FileHandle`s and async sequences of byte chunks.
public final class EnvelopeClient: Sendable {
    public let keyring: any EnvelopeKeyring
    public let cache: DataKeyCache?
    public let options: EnvelopeOptions

    public init(keyring: any EnvelopeKeyring, cache: DataKeyCache? = nil, options: EnvelopeOptions = EnvelopeOptions()) {
        self.keyring = keyring
        self.cache = cache
        self.options = options
    }

    /// Wraps the key service: new data keys under `keyIds`; decrypts only EDKs of
    /// `allowedKeyArns` when that list is not empty.
    public convenience init(provider: any DataKeyProvider, keyIds: [String] = [], allowedKeyArns: [String] = [],
                            cache: DataKeyCache? = nil, options: EnvelopeOptions = EnvelopeOptions()) {
        self.init(keyring: KMSKeyring(provider: provider, keyIds: keyIds, allowedKeyArns: allowedKeyArns), cache: cache, options: options)
    }

    // MARK: Materials

    /// The materials of a new message: from the cache when allowed, else a fresh
    /// data key from the keyring (with the signing key's public point in the context).
    public func encryptionMaterials(suite: AlgorithmSuite, context: [String: String], plaintextLength: UInt64? = nil) async throws
        -> EncryptionMaterials {
        try MessageContext.validateUserContext(context)
        let cacheKey = DataKeyCache.encryptionKey(partition: keyring.cachePartition, suite: suite, context: context)
        if let cache, let cached = await cache.materials(for: cacheKey, plaintextLength: plaintextLength) { return cached }
        let (fullContext, signingKey) = try EncryptionMaterials.prepareContext(suite: suite, userContext: context)
        let (dataKey, keys) = try await keyring.generateDataKey(suite: suite, context: fullContext)
        try checkWriterLimit(keys)
        let materials = try EncryptionMaterials(
            suite: suite, dataKey: dataKey, context: fullContext, encryptedDataKeys: keys, signingKey: signingKey)
        await cache?.store(materials, for: cacheKey, plaintextLength: plaintextLength)
        return materials
    }

    /// Throws `.tooManyEncryptedDataKeys` for more EDKs than a reader with this
    /// client's limits takes: never write a message the reader refuses.
    func checkWriterLimit(_ keys: [EncryptedDataKey]) throws(EnvelopeError) {
        let limit = options.limits.maxEncryptedDataKeys
        guard keys.count <= limit else { throw EnvelopeError(.tooManyEncryptedDataKeys(count: keys.count, limit: limit)) }
    }

    /// The data key of a message whose header was read (not yet verified: the
    /// decryptor checks commitment and tag with it). Checks `expectedContext` first.
    public func dataKey(for header: MessageHeader, expectedContext: [String: String] = [:]) async throws -> SecureBytes {
        try Self.check(header.context, contains: expectedContext)
        let cacheKey = DataKeyCache.decryptionKey(partition: keyring.cachePartition, header: header)
        if let cache, let cached = await cache.dataKey(for: cacheKey) { return cached }
        let dataKey = try await keyring.decryptDataKey(header.encryptedDataKeys, suite: header.suite, context: header.context)
        await cache?.store(dataKey: dataKey, for: cacheKey)
        return dataKey
    }

    /// Throws `.contextMismatch` unless every expected pair is in `context` with the same value.
    public static func check(_ context: MessageContext, contains expected: [String: String]) throws(EnvelopeError) {
        for key in expected.keys.sorted() where context[key] != expected[key] {
            throw EnvelopeError(.contextMismatch(key: key))
        }
    }

    // MARK: File descriptors

    /// Encrypts everything readable from `input` into `output`; returns the header.
    /// `plaintextLength`, when known, sizes buffers and lets the cache count bytes.
    public func encrypt(input: Int32, output: Int32, suite: AlgorithmSuite = .committing, context: [String: String] = [:],
                        plaintextLength: UInt64? = nil, progress: (@Sendable (UInt64) -> Void)? = nil) async throws -> MessageHeader {
        let materials = try await encryptionMaterials(suite: suite, context: context, plaintextLength: plaintextLength)
        let options = self.options
        return try await runBlocking("kms-envelope-encrypt") {
            let encryptor = try EnvelopeEncryptor(materials: materials, options: options, sizeHint: plaintextLength.map { Int(clamping: $0) })
            let writer = PipelinedWriter(fd: output)
            do {
                while try encryptor.update(readingWith: { try readSome(input, $0) }, sink: writer.submit) {
                    progress?(encryptor.plaintextCount)
                }
                try encryptor.finish(sink: writer.submit)
                try writer.close()
            } catch {
                try? writer.close()
                throw error
            }
            progress?(encryptor.plaintextCount)
            return encryptor.header
        }
    }

    /// Decrypts the message readable from `input` into `output`. Plaintext reaches
    /// `output` only frame by frame after each verifies, but the message as a whole
    /// is authentic only if this returns: write to a temporary file and publish it
    /// afterwards (`AtomicOutputFile`). Returns the verified header.
    public func decrypt(input: Int32, output: Int32, expectedContext: [String: String] = [:],
                        progress: (@Sendable (UInt64) -> Void)? = nil) async throws -> MessageHeader {
        let options = self.options
        let (header, rest) = try await runBlocking("kms-envelope-header") { try Self.readHeader(input, limits: options.limits) }
        let dataKey = try await dataKey(for: header, expectedContext: expectedContext)
        try await runBlocking("kms-envelope-decrypt") {
            let decryptor = try EnvelopeDecryptor(header: header, dataKey: dataKey, options: options)
            let writer = PipelinedWriter(fd: output)
            do {
                try decryptor.update(rest, sink: writer.submit)
                while try decryptor.update(readingWith: { try readSome(input, $0) }, sink: writer.submit) {
                    progress?(decryptor.plaintextCount)
                }
                try decryptor.finish(sink: writer.submit)
                try writer.close()
            } catch {
                try? writer.close()
                throw error
            }
        }
        return header
    }

    public func encrypt(input: FileHandle, output: FileHandle, suite: AlgorithmSuite = .committing, context: [String: String] = [:],
                        plaintextLength: UInt64? = nil) async throws -> MessageHeader {
        try await encrypt(input: input.fileDescriptor, output: output.fileDescriptor, suite: suite, context: context,
                          plaintextLength: plaintextLength)
    }

    public func decrypt(input: FileHandle, output: FileHandle, expectedContext: [String: String] = [:]) async throws -> MessageHeader {
        try await decrypt(input: input.fileDescriptor, output: output.fileDescriptor, expectedContext: expectedContext)
    }

    /// Reads a message's header from `fd` without any key; returns it and the bytes read past it.
    public static func readHeader(_ fd: Int32, limits: EnvelopeLimits = EnvelopeLimits()) throws -> (MessageHeader, [UInt8]) {
        var reader = HeaderReader(limits: limits)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try readSome(fd, $0) }
            if count == 0 { try reader.finish() }
            if let (header, rest) = try reader.append(Array(buffer[0..<count])) { return (header, rest) }
        }
    }
}
