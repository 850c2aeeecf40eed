import KeyCrypto

/// Envelope encryption over async sequences of byte chunks (network bodies,
/// pipes, generated data), in constant memory.
extension EnvelopeClient {
    /// The message for the plaintext chunks of `source`, as a stream of chunks.
    public func encrypt<Source: AsyncSequence & Sendable>(
        _ source: Source, suite: AlgorithmSuite = .committing, context: [String: String] = [:], plaintextLength: UInt64? = nil
    ) -> AsyncThrowingStream<[UInt8], any Error> where Source.Element == [UInt8] {
        let options = self.options
        return Self.stream { continuation in
            let materials = try await self.encryptionMaterials(suite: suite, context: context, plaintextLength: plaintextLength)
            let encryptor = try EnvelopeEncryptor(materials: materials, options: options, sizeHint: plaintextLength.map { Int(clamping: $0) })
            let sink: EnvelopeEncryptor.Sink = { chunk in
                continuation.yield(chunk.array)
                chunk.release()
            }
            for try await piece in source {
                try Task.checkCancellation()
                try encryptor.update(piece, sink: sink)
            }
            try encryptor.finish(sink: sink)
        }
    }

    /// The plaintext of the message in `source`, as a stream of chunks.
    ///
    /// Each chunk has passed its frame's authentication (and for signed suites the
    /// last one is held until the signature verifies), but the plaintext is
    /// complete and authentic only if the stream finishes without an error: a
    /// consumer that acts on chunks early must be able to undo that.
    public func decrypt<Source: AsyncSequence & Sendable>(
        _ source: Source, expectedContext: [String: String] = [:]
    ) -> AsyncThrowingStream<[UInt8], any Error> where Source.Element == [UInt8] {
        let options = self.options
        return Self.stream { continuation in
            var reader = HeaderReader(limits: options.limits)
            var decryptor: EnvelopeDecryptor?
            let sink: EnvelopeDecryptor.Sink = { chunk in
                continuation.yield(chunk.array)
                chunk.release()
            }
            for try await piece in source {
                try Task.checkCancellation()
                if let decryptor {
                    try decryptor.update(piece, sink: sink)
                } else if let (header, rest) = try reader.append(piece) {
                    let dataKey = try await self.dataKey(for: header, expectedContext: expectedContext)
                    let made = try EnvelopeDecryptor(header: header, dataKey: dataKey, options: options)
                    try made.update(rest, sink: sink)
                    decryptor = made
                }
            }
            guard let decryptor else { try reader.finish() }
            try decryptor.finish(sink: sink)
        }
    }

    /// A stream fed by `body` on a task that the stream's consumer can cancel.
    private static func stream(
        _ body: @escaping @Sendable (AsyncThrowingStream<[UInt8], any Error>.Continuation) async throws -> Void
    ) -> AsyncThrowingStream<[UInt8], any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await body(continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
