#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the body of one message after its header, in constant memory, opening
/// batches of frames on all workers.
///
/// Made only from a header whose commitment and tag verify under the data key.
/// Checks, in order: every sequence number, each frame's tag, the final frame's
/// length, the signature (signed suites), and that nothing follows the message.
/// The sink receives plaintext only after its frames verified; for signed suites
/// the final frame's plaintext is held back until the signature verifies. A
/// caller writing to a file still must not publish it until `finish` returns.
public final class EnvelopeDecryptor {
    public typealias Sink = (OutputChunk) throws -> Void
    private enum State { case frames, footer, done }

    public let header: MessageHeader
    /// Plaintext bytes released so far.
    public private(set) var plaintextCount: UInt64 = 0

    private let frameLength: Int
    private let recordLength: Int
    private let batchFrames: Int
    private let cipher: FrameCipher
    private let publicKey: P384PublicKey?
    private let digest: StreamingDigest?
    private let pending: UnsafeMutableRawBufferPointer
    private var filled = 0       // bytes in `pending`
    private var parsed = 0       // bytes of `pending` parsed into records
    private var batchCount = 0  // complete regular records at the start of `pending`
    private var nextSequence: UInt32 = 1
    private var state = State.frames
    private var held: OutputChunk?
    private var pool: ChunkPool?

    /// Verifies the header under `dataKey` (commitment, then header tag) and gets ready for the body.
    public init(header: MessageHeader, dataKey: SecureBytes, options: EnvelopeOptions = EnvelopeOptions()) throws(EnvelopeError) {
        let keys = try MessageKeys.verified(header: header, dataKey: dataKey)
        self.header = header
        frameLength = Int(header.frameLength)
        guard frameLength <= options.limits.maxFrameLength else {
            throw EnvelopeError(.frameTooLarge(length: frameLength, limit: options.limits.maxFrameLength))
        }
        recordLength = frameLength + FrameLayout.regularOverhead
        batchFrames = options.batchFrames(frameLength: frameLength)
        cipher = try FrameCipher(contentKey: keys.contentKey, direction: .open, messageId: header.messageId,
                                 frameLength: frameLength, workers: options.workers)
        publicKey = try header.signaturePublicKey()
        if publicKey != nil {
            guard let digest = try? StreamingDigest(.sha384), (try? digest.update(header.serialized)) != nil else {
                throw EnvelopeError(.invalidField(field: "signature", reason: "digest unavailable"))
            }
            self.digest = digest
        } else {
            digest = nil
        }
        let tail = max(frameLength + FrameLayout.finalOverhead, 2 + 0xffff) + 16
        pending = .allocate(byteCount: batchFrames * recordLength + tail, alignment: 64)
    }

    deinit {
        pending.deallocate()
        held?.release()
    }

    /// Whether the whole message (final frame and footer) has been read and verified.
    public var isComplete: Bool { state == .done }

    /// Takes message bytes that follow the header.
    public func update(_ bytes: UnsafeRawBufferPointer, sink: Sink) throws {
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, pending.count - filled)
            guard count > 0 else { throw EnvelopeError(.invalidField(field: "frame", reason: "does not fit the reader's buffer")) }
            (pending.baseAddress! + filled).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            filled += count
            offset += count
            try drain(sink)
        }
    }

    public func update(_ bytes: [UInt8], sink: Sink) throws {
        try bytes.withUnsafeBytes { try update($0, sink: sink) }
    }

    /// Lets `read` fill the free part of the buffer (0 at the end of input).
    /// Returns false at the end of input.
    public func update(readingWith read: (UnsafeMutableRawBufferPointer) throws -> Int, sink: Sink) throws -> Bool {
        let free = UnsafeMutableRawBufferPointer(rebasing: pending[filled...])
        guard !free.isEmpty else { throw EnvelopeError(.invalidField(field: "frame", reason: "does not fit the reader's buffer")) }
        let count = try read(free)
        guard count > 0 else { return false }
        precondition(count <= free.count, "read reported more bytes than it was given room for")
        filled += count
        try drain(sink)
        return true
    }

    /// Ends the input: throws unless the final frame (and a valid signature) arrived.
    public func finish(sink: Sink) throws {
        try drain(sink)
        switch state {
        case .frames: throw EnvelopeError(.missingFinalFrame)
        case .footer: throw EnvelopeError(.truncated(field: "footer"))
        case .done: if filled > parsed { throw EnvelopeError(.trailingData) }
        }
    }

    // MARK: Parsing

    private var available: Int { filled - parsed }
    private var cursor: UnsafeMutableRawPointer { pending.baseAddress! + parsed }

    private func drain(_ sink: Sink) throws {
        while true {
            switch state {
            case .done:
                if available > 0 { throw EnvelopeError(.trailingData) }
                return
            case .footer:
                guard available >= 2 else { return }
                let length = Int(UInt16(bigEndian: cursor.loadUnaligned(as: UInt16.self)))
                guard available >= 2 + length else { return }
                let signature = Array(UnsafeRawBufferPointer(start: cursor + 2, count: length))
                guard let digest, let publicKey, try publicKey.isValidSignature(signature, forDigest: try digest.finalize()) else {
                    throw EnvelopeError(.signatureInvalid)
                }
                parsed += 2 + length
                state = .done
                if let held {
                    self.held = nil
                    plaintextCount += UInt64(held.count)
                    try sink(held)
                }
            case .frames:
                guard available >= 4 else { return }
                let sequence = loadBigEndianU32(cursor)
                if sequence != FrameLayout.endMarker {
                    guard available >= recordLength else { return }
                    let expected = nextSequence + UInt32(batchCount)
                    guard sequence == expected, expected != FrameLayout.endMarker else {
                        throw EnvelopeError(.sequenceOutOfOrder(expected: expected, found: sequence))
                    }
                    batchCount += 1
                    parsed += recordLength
                    if batchCount == batchFrames { try openBatch(sink) }
                } else {
                    if batchCount > 0 {
                        try openBatch(sink)
                        continue
                    }
                    guard try openFinal(sink) else { return }
                }
            }
        }
    }

    /// Opens the complete regular records at the start of the buffer (hashing them
    /// for the signature alongside), emits their plaintext and compacts the buffer.
    private func openBatch(_ sink: Sink) throws {
        if pool == nil { pool = ChunkPool(count: 3, chunkCapacity: batchFrames * frameLength) }
        let chunk = pool!.take()
        let records = UnsafeRawBufferPointer(start: pending.baseAddress!, count: batchCount * recordLength)
        var digestFailed = false
        let digest = self.digest
        do {
            try cipher.openRegular(input: records.baseAddress!, count: batchCount, firstSequence: nextSequence, output: chunk.storage,
                                   alongside: digest.map { digest in { digestFailed = (try? digest.update(records)) == nil } })
        } catch {
            chunk.release()
            throw error
        }
        if digestFailed {
            chunk.release()
            throw EnvelopeError(.invalidField(field: "signature", reason: "digest failed"))
        }
        chunk.count = batchCount * frameLength
        nextSequence += UInt32(batchCount)
        batchCount = 0
        compact()
        plaintextCount += UInt64(chunk.count)
        try sink(chunk)
    }

    /// Opens the final frame at the cursor if it is complete; returns false if more bytes are needed.
    private func openFinal(_ sink: Sink) throws -> Bool {
        guard available >= 24 else { return false }
        let sequence = loadBigEndianU32(cursor + 4)
        guard sequence == nextSequence else { throw EnvelopeError(.sequenceOutOfOrder(expected: nextSequence, found: sequence)) }
        let length = loadBigEndianU32(cursor + 20)
        guard Int(length) <= frameLength else {
            throw EnvelopeError(.finalFrameTooLong(length: length, frameLength: UInt32(frameLength)))
        }
        let total = Int(length) + FrameLayout.finalOverhead
        guard available >= total else { return false }
        let chunk = OutputChunk(capacity: Int(length), pool: nil)
        try cipher.openFinal(sequence: sequence, iv: cursor + 8, ciphertext: UnsafeRawBufferPointer(start: cursor + 24, count: Int(length)),
                             tag: cursor + 24 + Int(length), output: chunk.storage)
        chunk.count = Int(length)
        try digest?.update(UnsafeRawBufferPointer(start: cursor, count: total))
        parsed += total
        compact()
        if publicKey != nil {
            held = chunk
            state = .footer
        } else {
            state = .done
            plaintextCount += UInt64(chunk.count)
            try sink(chunk)
        }
        return true
    }

    /// Moves the unparsed bytes to the start of the buffer.
    private func compact() {
        let rest = filled - parsed
        if rest > 0 && parsed > 0 {
            memmove(pending.baseAddress!, pending.baseAddress! + parsed, rest)  // the regions may overlap
        }
        filled = rest
        parsed = 0
    }
}
