/// Sizes and AAD of the framed body (reference §5.1).
enum FrameLayout {
    /// Sequence number, IV and tag around a regular frame's content.
    static let regularOverhead = 4 + 12 + 16
    /// End marker, sequence number, IV, content length and tag around the final frame's content.
    static let finalOverhead = 4 + 4 + 12 + 4 + 16
    static let endMarker: UInt32 = 0xffff_ffff
    static let regularLabel = Array("AWSKMSEncryptionClient Frame".utf8)
    static let finalLabel = Array("AWSKMSEncryptionClient Final Frame".utf8)
}

/// Seals and opens frames with one AES-GCM context per worker thread, so a batch
/// of regular frames is spread over all cores. Frame IVs are 8 zero bytes ‖ the
/// sequence number when writing; when reading, the IV stored in the frame is used.
final class FrameCipher {
    let messageId: [UInt8]
    let frameLength: Int
    private let contexts: [AESGCMContext]
    // Per-worker AAD buffers (message id ‖ label ‖ u32 sequence ‖ u64 length): raw
    // memory, so workers write their own without touching a shared Swift array.
    private let regularAAD: [UnsafeMutableRawBufferPointer]

    init(contentKey: SecureBytes, direction: AESGCMContext.Direction, messageId: [UInt8], frameLength: Int, workers: Int) throws(EnvelopeError) {
        self.messageId = messageId
        self.frameLength = frameLength
        do {
            // Twice the workers: with a side task, a batch is cut into finer pieces so
            // the threads stay balanced while one of them also does the side work.
            contexts = try (0..<(2 * max(1, workers))).map { (_) throws(CryptoError) in
                try AESGCMContext(key: contentKey, direction: direction)
            }
        } catch {
            throw EnvelopeError(.noDecryptableDataKey("cannot set up AES-GCM: \(error)"))
        }
        // Per-worker AAD buffers: message id ‖ label ‖ u32 sequence ‖ u64 length.
        let template = messageId + FrameLayout.regularLabel + [UInt8](repeating: 0, count: 12)
        regularAAD = contexts.map { _ in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: template.count, alignment: 8)
            buffer.copyBytes(from: template)
            return buffer
        }
    }

    deinit { regularAAD.forEach { $0.deallocate() } }

    var workers: Int { contexts.count / 2 }

    /// Seals `count` full frames of `plaintext` into `output` laid out as
    /// regular frame records (sequence ‖ IV ‖ ciphertext ‖ tag), in parallel.
    func sealRegular(plaintext: UnsafeRawPointer, count: Int, firstSequence: UInt32, output: UnsafeMutableRawPointer,
                     alongside side: (() -> Void)? = nil) throws(EnvelopeError) {
        try run(count, alongside: side) { (worker, index) throws(CryptoError) in
            let sequence = firstSequence + UInt32(index)
            let record = output + index * (frameLength + FrameLayout.regularOverhead)
            storeBigEndian(sequence, at: record)
            Self.writeIV(sequence, at: record + 4)
            try self.seal(worker: worker, label: FrameLayout.regularLabel, sequence: sequence,
                          plaintext: UnsafeRawBufferPointer(start: plaintext + index * frameLength, count: frameLength),
                          iv: record + 4, output: record + 16)
        } onFailure: { _ in EnvelopeError(.invalidField(field: "frame", reason: "could not be sealed")) }
    }

    /// Seals the final frame (any length up to the frame length) into `output`;
    /// returns the bytes written.
    func sealFinal(plaintext: UnsafeRawBufferPointer, sequence: UInt32, output: UnsafeMutableRawPointer) throws(EnvelopeError) -> Int {
        storeBigEndian(FrameLayout.endMarker, at: output)
        storeBigEndian(sequence, at: output + 4)
        Self.writeIV(sequence, at: output + 8)
        storeBigEndian(UInt32(plaintext.count), at: output + 20)
        do {
            try seal(worker: 0, label: FrameLayout.finalLabel, sequence: sequence, plaintext: plaintext, iv: output + 8, output: output + 24)
        } catch {
            throw EnvelopeError(.invalidField(field: "final frame", reason: "could not be sealed"))
        }
        return plaintext.count + FrameLayout.finalOverhead
    }

    /// Opens `count` regular frame records laid out back to back at `input`, writing
    /// `count × frameLength` plaintext bytes to `output`, in parallel. The caller has
    /// checked the sequence numbers. Throws for the first frame whose tag fails.
    func openRegular(input: UnsafeRawPointer, count: Int, firstSequence: UInt32, output: UnsafeMutableRawPointer,
                     alongside side: (() -> Void)? = nil) throws(EnvelopeError) {
        try run(count, alongside: side) { (worker, index) throws(CryptoError) in
            let record = input + index * (frameLength + FrameLayout.regularOverhead)
            try self.open(worker: worker, label: FrameLayout.regularLabel, sequence: firstSequence + UInt32(index),
                          iv: record + 4, ciphertext: UnsafeRawBufferPointer(start: record + 16, count: frameLength),
                          tag: record + 16 + frameLength, output: output + index * frameLength)
        } onFailure: { index in EnvelopeError(.frameAuthentication(sequence: firstSequence + UInt32(index))) }
    }

    /// Opens the final frame whose IV, content and tag are at the given places.
    func openFinal(sequence: UInt32, iv: UnsafeRawPointer, ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawPointer,
                   output: UnsafeMutableRawPointer) throws(EnvelopeError) {
        do {
            try open(worker: 0, label: FrameLayout.finalLabel, sequence: sequence, iv: iv, ciphertext: ciphertext, tag: tag, output: output)
        } catch {
            throw EnvelopeError(.frameAuthentication(sequence: sequence))
        }
    }

    // MARK: One frame

    private static func writeIV(_ sequence: UInt32, at pointer: UnsafeMutableRawPointer) {
        storeBigEndian(UInt64(0), at: pointer)
        storeBigEndian(sequence, at: pointer + 8)
    }

    private func withAAD<R>(worker: Int, label: [UInt8], sequence: UInt32, length: Int,
                            _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R) throws(CryptoError) -> R {
        // Regular frames reuse the worker's buffer; the one final frame builds its own.
        let isRegular = label == FrameLayout.regularLabel
        func fill(_ aad: UnsafeMutableRawBufferPointer) throws(CryptoError) -> R {
            storeBigEndian(sequence, at: aad.baseAddress! + aad.count - 12)
            storeBigEndian(UInt64(length), at: aad.baseAddress! + aad.count - 8)
            return try body(UnsafeRawBufferPointer(aad))
        }
        if isRegular { return try fill(regularAAD[worker]) }
        let final = UnsafeMutableRawBufferPointer.allocate(byteCount: messageId.count + label.count + 12, alignment: 8)
        defer { final.deallocate() }
        final.copyBytes(from: messageId + label + [UInt8](repeating: 0, count: 12))
        return try fill(final)
    }

    private func seal(worker: Int, label: [UInt8], sequence: UInt32, plaintext: UnsafeRawBufferPointer,
                      iv: UnsafeRawPointer, output: UnsafeMutableRawPointer) throws(CryptoError) {
        try withAAD(worker: worker, label: label, sequence: sequence, length: plaintext.count) { (aad) throws(CryptoError) in
            try contexts[worker].seal(nonce: iv, aad: aad, plaintext: plaintext, ciphertext: output, tag: output + plaintext.count)
        }
    }

    private func open(worker: Int, label: [UInt8], sequence: UInt32, iv: UnsafeRawPointer, ciphertext: UnsafeRawBufferPointer,
                      tag: UnsafeRawPointer, output: UnsafeMutableRawPointer) throws(CryptoError) {
        try withAAD(worker: worker, label: label, sequence: sequence, length: ciphertext.count) { (aad) throws(CryptoError) in
            try contexts[worker].open(nonce: iv, aad: aad, ciphertext: ciphertext, tag: tag, plaintext: output)
        }
    }

    // MARK: Spreading a batch over the workers

    /// Splits frames 0..<count into contiguous pieces, one per worker (two per worker
    /// when there is side work, which runs first, so it overlaps the sealing), and runs
    /// them in parallel. Maps the first failure (by frame index) through `onFailure`.
    private func run(_ count: Int, alongside side: (() -> Void)? = nil,
                     _ body: (Int, Int) throws(CryptoError) -> Void,
                     onFailure: (Int) -> EnvelopeError) throws(EnvelopeError) {
        let pieces = min(side == nil ? workers : contexts.count, max(1, count))
        let offset = side == nil ? 0 : 1
        var failures = [Int?](repeating: nil, count: pieces)
        failures.withUnsafeMutableBufferPointer { slots in
            Parallel.forEach(pieces + offset) { task in
                if offset == 1 && task == 0 {
                    side?()
                    return
                }
                let piece = task - offset
                let range = (piece * count / pieces)..<((piece + 1) * count / pieces)
                for index in range {
                    do {
                        try body(piece, index)
                    } catch {
                        slots[piece] = index
                        return
                    }
                }
            }
        }
        if let first = failures.compactMap({ $0 }).min() { throw onFailure(first) }
    }
}
