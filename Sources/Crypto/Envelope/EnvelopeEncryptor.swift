/// Writes one message (format version 2, framed) from a stream of plaintext, in
/// constant memory, sealing batches of frames on all workers.
///
/// Push plaintext with `update` (or let it read straight into its buffer with
/// `update(readingWith:)`), then call `finish`. Output goes to the sink as
/// `OutputChunk`s, in order: the header first, the footer (signed suites) last.
/// Every full frame of plaintext becomes a regular frame and the final frame holds
/// the remaining 0..<frameLength bytes (empty when the length is a multiple of the
/// frame length). The specification would allow a full final frame, but
/// ESDK-Python (and so `aws-encryption-cli`) refuses one, so we write its form.
public final class EnvelopeEncryptor {
    public typealias Sink = (OutputChunk) throws -> Void

    public let header: MessageHeader
    /// Plaintext bytes taken so far.
    public private(set) var plaintextCount: UInt64 = 0

    private let frameLength: Int
    private let batchFrames: Int
    private let cipher: FrameCipher
    private let signingKey: P384SigningKey?
    private let digest: StreamingDigest?
    private var input: UnsafeMutableRawBufferPointer
    // Filled by the read-ahead while the workers seal `input`; then the two swap.
    private var spare: UnsafeMutableRawBufferPointer?
    private var buffered = 0
    private var nextSequence: UInt32 = 1
    private var pool: ChunkPool?
    private var headerSent = false
    private var unhashed: OutputChunk?
    private var finished = false

    /// Starts a message for `materials`. `sizeHint`, when the plaintext length is
    /// known, keeps the buffers of a small message small.
    public init(materials: EncryptionMaterials, options: EnvelopeOptions = EnvelopeOptions(), sizeHint: Int? = nil) throws(EnvelopeError) {
        guard (1...(64 << 20)).contains(options.frameLength) else { throw EnvelopeError(.invalidFrameLength(options.frameLength)) }
        frameLength = options.frameLength
        let suite = materials.suite
        guard AlgorithmSuite.writable.contains(suite) else { throw EnvelopeError(.unsupportedSuite(suite.id)) }
        let messageId: [UInt8]
        do { messageId = try SecureRandom.bytes(suite.messageIdLength) } catch {
            throw EnvelopeError(.invalidField(field: "message id", reason: "could not be drawn: \(error)"))
        }
        let keys = try MessageKeys(suite: suite, dataKey: materials.dataKey, messageId: messageId)
        let body = try MessageHeader.serializeVersion2Body(
            suite: suite, messageId: messageId, context: materials.context, encryptedDataKeys: materials.encryptedDataKeys,
            frameLength: UInt32(frameLength), commitment: keys.commitment)
        header = MessageHeader(
            suite: suite, messageId: messageId, context: materials.context, encryptedDataKeys: materials.encryptedDataKeys,
            frameLength: UInt32(frameLength), commitment: keys.commitment, body: body, authenticationIV: [],
            authenticationTag: try keys.headerTag(body: body))
        var frames = options.batchFrames(frameLength: frameLength)
        if let sizeHint { frames = max(1, min(frames, sizeHint / frameLength)) }
        batchFrames = frames
        cipher = try FrameCipher(contentKey: keys.contentKey, direction: .seal, messageId: messageId, frameLength: frameLength,
                                 workers: min(options.workers, frames))
        signingKey = materials.signingKey
        digest = materials.signingKey == nil ? nil : try? StreamingDigest(.sha384)
        if signingKey != nil && digest == nil { throw EnvelopeError(.invalidField(field: "signature", reason: "digest unavailable")) }
        input = .allocate(byteCount: (batchFrames + 1) * frameLength, alignment: 64)
    }

    deinit {
        input.deallocate()
        spare?.deallocate()
        unhashed?.release()
    }

    /// Takes `bytes` of plaintext; emits whole batches of frames as they fill.
    public func update(_ bytes: UnsafeRawBufferPointer, sink: Sink) throws {
        precondition(!finished, "EnvelopeEncryptor: update after finish")
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, input.count - buffered)
            (input.baseAddress! + buffered).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            buffered += count
            offset += count
            plaintextCount += UInt64(count)
            if buffered == input.count { try sealBatch(sink) }
        }
    }

    public func update(_ bytes: [UInt8], sink: Sink) throws {
        try bytes.withUnsafeBytes { try update($0, sink: sink) }
    }

    /// Lets `read` fill the free part of the input buffer (returning the bytes it
    /// wrote, 0 at the end of input). Returns false at the end of input.
    ///
    /// For unsigned suites `read` also runs on a worker thread, reading the next
    /// batch while the current one is sealed; it must not depend on the calling thread.
    public func update(readingWith read: (UnsafeMutableRawBufferPointer) throws -> Int, sink: Sink) throws -> Bool {
        precondition(!finished, "EnvelopeEncryptor: update after finish")
        let free = UnsafeMutableRawBufferPointer(rebasing: input[buffered...])
        let count = try read(free)
        guard count > 0 else { return false }
        precondition(count <= free.count, "read reported more bytes than it was given room for")
        buffered += count
        plaintextCount += UInt64(count)
        guard buffered == input.count else { return true }
        guard digest == nil else {
            try sealBatch(sink)
            return true
        }
        try withoutActuallyEscaping(read) { read in
            while buffered == input.count { try sealBatchReadingAhead(read, sink) }
        }
        return true
    }

    /// Seals a full buffer while `read` fills the spare buffer after one frame's
    /// room; the kept last frame moves into that room and the buffers swap.
    private func sealBatchReadingAhead(_ read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, _ sink: Sink) throws {
        try sendHeader(sink)
        if pool == nil { pool = ChunkPool(count: 3, chunkCapacity: batchFrames * (frameLength + FrameLayout.regularOverhead)) }
        if spare == nil { spare = .allocate(byteCount: input.count, alignment: 64) }
        let target = UnsafeMutableRawBufferPointer(rebasing: spare![frameLength...])
        let chunk = pool!.take()
        var prefetched = 0
        var readError: (any Error)?
        let readAhead = {
            do {
                while prefetched < target.count {
                    let count = try read(UnsafeMutableRawBufferPointer(rebasing: target[prefetched...]))
                    if count == 0 { break }
                    prefetched += min(count, target.count - prefetched)
                }
            } catch {
                readError = error
            }
        }
        do {
            try checkSequence(adding: batchFrames)
            try cipher.sealRegular(plaintext: input.baseAddress!, count: batchFrames, firstSequence: nextSequence, output: chunk.storage,
                                   alongside: readAhead)
        } catch {
            chunk.release()
            throw error
        }
        nextSequence += UInt32(batchFrames)
        chunk.count = batchFrames * (frameLength + FrameLayout.regularOverhead)
        // A full buffer keeps exactly one frame's worth after the batch.
        spare!.baseAddress!.copyMemory(from: input.baseAddress! + batchFrames * frameLength, byteCount: frameLength)
        swap(&input, &spare!)
        buffered = frameLength + prefetched
        plaintextCount += UInt64(prefetched)
        try sink(chunk)
        if let readError { throw readError }
    }

    /// Seals what is left as regular frames and the final frame, then the footer.
    public func finish(sink: Sink) throws {
        precondition(!finished, "EnvelopeEncryptor: finish twice")
        finished = true
        try sendHeader(sink)
        if let previous = unhashed {
            unhashed = nil
            do { try digest?.update(previous.bytes) } catch {
                previous.release()
                throw error
            }
            try sink(previous)
        }
        let regular = buffered / frameLength
        let rest = buffered - regular * frameLength
        var footerRoom = 0
        if signingKey != nil { footerRoom = 2 + 160 }
        let chunk = OutputChunk(capacity: regular * (frameLength + FrameLayout.regularOverhead) + rest + FrameLayout.finalOverhead + footerRoom,
                                pool: nil)
        if regular > 0 {
            try checkSequence(adding: regular)
            try cipher.sealRegular(plaintext: input.baseAddress!, count: regular, firstSequence: nextSequence, output: chunk.storage)
            nextSequence += UInt32(regular)
            chunk.count = regular * (frameLength + FrameLayout.regularOverhead)
        }
        try checkSequence(adding: 1)
        chunk.count += try cipher.sealFinal(
            plaintext: UnsafeRawBufferPointer(start: input.baseAddress! + regular * frameLength, count: rest),
            sequence: nextSequence, output: chunk.storage + chunk.count)
        buffered = 0
        if let signingKey, let digest {
            try digest.update(chunk.bytes)
            let signature = try signingKey.signature(forDigest: try digest.finalize())
            chunk.storage.storeBytes(of: UInt16(signature.count).bigEndian, toByteOffset: chunk.count, as: UInt16.self)
            signature.withUnsafeBytes { (chunk.storage + chunk.count + 2).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            chunk.count += 2 + signature.count
        }
        try sink(chunk)
    }

    // MARK: Internals

    private func sendHeader(_ sink: Sink) throws {
        guard !headerSent else { return }
        headerSent = true
        let bytes = header.serialized
        try digest?.update(bytes)
        try sink(OutputChunk(copying: bytes))
    }

    private func checkSequence(adding count: Int) throws(EnvelopeError) {
        guard UInt64(nextSequence) + UInt64(count) <= UInt64(FrameLayout.endMarker) else { throw EnvelopeError(.tooManyFrames) }
    }

    /// Seals the first `batchFrames` frames of a full buffer and keeps the last frame's worth.
    private func sealBatch(_ sink: Sink) throws {
        try sendHeader(sink)
        if pool == nil {
            // Signed suites hold one sealed chunk back while it is hashed alongside the next batch.
            pool = ChunkPool(count: digest == nil ? 3 : 4, chunkCapacity: batchFrames * (frameLength + FrameLayout.regularOverhead))
        }
        let chunk = pool!.take()
        let previous = unhashed
        unhashed = nil
        var digestFailed = false
        do {
            try checkSequence(adding: batchFrames)
            let hashPrevious: (() -> Void)? = previous.map { previous in { [digest] in digestFailed = (try? digest?.update(previous.bytes)) == nil } }
            try cipher.sealRegular(plaintext: input.baseAddress!, count: batchFrames, firstSequence: nextSequence, output: chunk.storage,
                                   alongside: hashPrevious)
            if digestFailed { throw EnvelopeError(.invalidField(field: "signature", reason: "digest failed")) }
        } catch {
            chunk.release()
            previous?.release()
            throw error
        }
        if let previous { try sink(previous) }
        nextSequence += UInt32(batchFrames)
        chunk.count = batchFrames * (frameLength + FrameLayout.regularOverhead)
        // The kept bytes (at most one frame) never overlap their source.
        let kept = buffered - batchFrames * frameLength
        input.baseAddress!.copyMemory(from: input.baseAddress! + batchFrames * frameLength, byteCount: kept)
        buffered = kept
        if digest != nil {
            unhashed = chunk
        } else {
            try sink(chunk)
        }
    }
}
