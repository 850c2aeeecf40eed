/// Everything a writer needs for one message: the suite, the data key, the full
/// encryption context (with `aws-crypto-public-key` for signed suites), the
/// encrypted data keys and, for signed suites, the signing key.
public struct EncryptionMaterials: Sendable {
    public let suite: AlgorithmSuite
    public let dataKey: SecureBytes
    public let context: MessageContext
    public let encryptedDataKeys: [EncryptedDataKey]
    public let signingKey: P384SigningKey?

    public init(suite: AlgorithmSuite, dataKey: SecureBytes, context: MessageContext,
                encryptedDataKeys: [EncryptedDataKey], signingKey: P384SigningKey?) throws(EnvelopeError) {
        guard dataKey.count == suite.dataKeyLength else { throw EnvelopeError(.dataKeyLength(dataKey.count)) }
        guard !encryptedDataKeys.isEmpty else {
            throw EnvelopeError(.invalidField(field: "encrypted data key count", reason: "is 0"))
        }
        guard suite.isSigned == (signingKey != nil) else {
            throw EnvelopeError(suite.isSigned ? .publicKeyMissing : .publicKeyUnexpected)
        }
        self.suite = suite
        self.dataKey = dataKey
        self.context = context
        self.encryptedDataKeys = encryptedDataKeys
        self.signingKey = signingKey
    }

    /// The context to wrap the data key with and to store in the header: the user's
    /// pairs (checked for reserved keys) plus, for a signed suite, a fresh signing
    /// key's compressed public point in base64. Call this before the keyring: the
    /// key service must see the same context the header will hold.
    public static func prepareContext(suite: AlgorithmSuite, userContext: [String: String]) throws(EnvelopeError)
        -> (context: MessageContext, signingKey: P384SigningKey?) {
        guard AlgorithmSuite.writable.contains(suite) else { throw EnvelopeError(.unsupportedSuite(suite.id)) }
        try MessageContext.validateUserContext(userContext)
        let context = MessageContext(userContext)
        guard suite.isSigned else {
            _ = try context.serialized()
            return (context, nil)
        }
        do {
            let key = try P384SigningKey()
            let full = context.adding(MessageContext.publicKeyName, Base64.encode(try key.compressedPublicKey()))
            _ = try full.serialized()
            return (full, key)
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw EnvelopeError(.invalidField(field: "signing key", reason: "could not be generated: \(error)"))
        }
    }
}

/// How a message is laid out and processed.
public struct EnvelopeOptions: Sendable, Equatable {
    /// Default frame length: 64 KiB.
    public static let defaultFrameLength = 64 * 1024

    /// Plaintext bytes per regular frame (1 byte to 64 MiB).
    public var frameLength: Int
    /// Threads that seal or open frames at once (default: the processor count, at most 8).
    public var workers: Int
    /// Plaintext bytes handed to the workers at a time, per worker.
    public var batchBytesPerWorker: Int
    /// Reader limits for untrusted messages.
    public var limits: EnvelopeLimits

    public init(frameLength: Int = EnvelopeOptions.defaultFrameLength, workers: Int? = nil,
                batchBytesPerWorker: Int = 1 << 20, limits: EnvelopeLimits = EnvelopeLimits()) {
        self.frameLength = frameLength
        self.workers = max(1, workers ?? min(Parallel.processorCount, 8))
        self.batchBytesPerWorker = max(1, batchBytesPerWorker)
        self.limits = limits
    }

    /// Frames per batch: enough to give every worker `batchBytesPerWorker`, and at least one each.
    func batchFrames(frameLength: Int) -> Int {
        max(workers, workers * batchBytesPerWorker / max(1, frameLength))
    }
}
