import KeyCrypto

/// One input of the envelope fuzzer (`fuzz/`, target `fuzz-envelope`), also
/// replayed by `swift test` over the committed corpus: the bytes are read as a
/// message by every reader of the format, and the readers must agree. Errors
/// from the readers are expected; only a crash or a disagreement is a finding.
///
/// 1. `HeaderParser` at the end of input and streaming, and `HeaderReader` fed
///    in pieces: the same outcome, and a header that re-serializes to exactly
///    the bytes it consumed.
/// 2. `BodyScanner` over the bytes after the header.
/// 3. `EnvelopeDecryptor` with the raw AES keyring of the vectors (the seeds decrypt).
/// 4. The message made authentic under a fixed data key: commit key and header
///    tag recomputed, every complete frame sealed again (its bytes taken as
///    plaintext), and for signed suites our public key put in the context and
///    the footer signed again, so that the frame and footer parsing run past the
///    authentication checks. Decrypted whole and in pieces, the outcomes must be
///    equal, a success must give the frames' plaintext, and `BodyScanner` must
///    find the same end of body.
enum EnvelopeFuzzHarness {
    static let vectorKeyring = try! RawAESKeyring(
        namespace: "aws-raw-vectors-persistent", name: "aes-256",
        wrappingKey: SecureBytes(copying: Hex.decode("0001020304050607080910111213141516171819202122232425262728293031")!))
    static let dataKey = SecureBytes(copying: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) })
    static let signingKey = try! P384SigningKey()
    static let signingPublicKey = Base64.encode(try! signingKey.compressedPublicKey())
    /// Limits scaled to the fuzzer's inputs (at most 4 KiB): a header can pass its
    /// limit, and a frame length stays small enough not to allocate megabytes per run.
    static let limits = EnvelopeLimits(maxEncryptedDataKeys: 64, maxHeaderBytes: 2048, maxFrameLength: 1 << 16)
    /// Two workers and batches of two 128-byte frames, so a message of a few hundred bytes makes a batch.
    static let options = EnvelopeOptions(workers: 2, batchBytesPerWorker: 128, limits: limits)
    static let regularLabel = Array("AWSKMSEncryptionClient Frame".utf8)
    static let finalLabel = Array("AWSKMSEncryptionClient Final Frame".utf8)

    /// Runs every pass; returns the first disagreement found, or nil.
    static func run(_ bytes: [UInt8]) -> String? {
        // The size of the pieces the streaming readers get, chosen by the input.
        let piece = 1 + Int(bytes.last ?? 0) % 61
        let parsed = outcome { () throws(EnvelopeError) in try HeaderParser.parse(bytes, limits: limits, atEnd: true) }
        if let problem = checkHeaderReaders(bytes, parsed: parsed, piece: piece) { return problem }
        guard case .success(let result) = parsed, let (header, consumed) = result else { return nil }
        let rest = Array(bytes[consumed...])

        _ = scan(rest, header: header, piece: piece)
        if let key = try? vectorKeyring.unwrap(header.encryptedDataKeys, suite: header.suite, context: header.context) {
            _ = decrypt(rest, header: header, dataKey: key, piece: nil, reading: false)
        }
        return checkAuthentic(header, rest: rest, piece: piece, reading: piece % 2 == 0)
    }

    // MARK: Header

    static func checkHeaderReaders(_ bytes: [UInt8], parsed: Result<(header: MessageHeader, consumed: Int)?, EnvelopeError>, piece: Int) -> String? {
        let streaming = outcome { () throws(EnvelopeError) in try HeaderParser.parse(bytes, limits: limits, atEnd: false) }
        switch (parsed, streaming) {
        case (.success(let end?), .success(let more?)):
            guard end.consumed == more.consumed else { return "header: \(end.consumed) bytes at end of input, \(more.consumed) streaming" }
            guard end.header.serialized == Array(bytes[..<end.consumed]) else { return "header: serialization differs from the bytes consumed" }
        case (.failure(let error), .success(nil)):
            guard case .truncated = error.code else { return "header: streaming wants more bytes, at end of input \(error)" }
        case (.failure(let error), .failure(let other)):
            guard error == other else { return "header: \(error) at end of input, \(other) streaming" }
        default:
            return "header: at end of input \(parsed), streaming \(streaming)"
        }

        // Three pieces (an append parses the whole buffer again once it can get further), cut where the input says.
        var reader = HeaderReader(limits: limits)
        let first = bytes.count * Int(bytes.first ?? 0) / 255
        let cuts = [first, first + (bytes.count - first) * piece / 61, bytes.count]
        var fed = 0
        for cut in cuts where cut > fed {
            let next = Array(bytes[fed..<cut])
            fed = cut
            let step = outcome { () throws(EnvelopeError) in try reader.append(next) }
            switch (step, parsed) {
            case (.success(nil), _): continue
            case (.success(let (header, rest)?), .success(let end?)):
                guard fed - rest.count == end.consumed, header.serialized == end.header.serialized else {
                    return "header reader: header of \(fed - rest.count) bytes, parser \(end.consumed)"
                }
                return nil
            case (.failure(let error), .failure(let other)):
                return error == other ? nil : "header reader: \(error), parser \(other)"
            default:
                return "header reader: \(step), parser \(parsed)"
            }
        }
        let finished = outcome { () throws(EnvelopeError) -> Never in try reader.finish() }
        switch (finished, parsed) {
        case (.failure(let error), .failure(let other)) where error == other: return nil
        default: return "header reader at end: \(finished), parser \(parsed)"
        }
    }

    // MARK: Body

    /// The body length `BodyScanner` finds and the footer signature, or its error.
    static func scan(_ rest: [UInt8], header: MessageHeader, piece: Int) -> Result<(body: Int, signature: [UInt8]), EnvelopeError> {
        outcome { () throws(EnvelopeError) in
            var scanner = BodyScanner(frameLength: header.frameLength, signed: header.suite.isSigned)
            var body = 0
            var offset = 0
            while offset < rest.count {
                let end = min(rest.count, offset + piece)
                let step = rest[offset..<end].withUnsafeBytes { buffer in
                    Result { () throws(EnvelopeError) in try scanner.scan(buffer) }
                }
                body += try step.get()
                offset = end
            }
            return (body, try scanner.finish())
        }
    }

    enum Decrypted: Equatable {
        case plaintext([UInt8])
        case failed(String)
    }

    /// Decrypts the bytes after the header whole (`piece == nil`) or in pieces,
    /// pushed with `update` or pulled with `update(readingWith:)`.
    static func decrypt(_ rest: [UInt8], header: MessageHeader, dataKey: SecureBytes, piece: Int?, reading: Bool) -> Decrypted {
        do {
            let decryptor = try EnvelopeDecryptor(header: header, dataKey: dataKey, options: options)
            var plaintext: [UInt8] = []
            let sink: EnvelopeDecryptor.Sink = { chunk in
                plaintext += chunk.array
                chunk.release()
            }
            var offset = 0
            if let piece, reading {
                while try decryptor.update(readingWith: { buffer in
                    let count = min(piece, buffer.count, rest.count - offset)
                    rest[offset..<offset + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
                    offset += count
                    return count
                }, sink: sink) {}
            } else {
                let step = piece ?? max(1, rest.count)
                while offset < rest.count {
                    let end = min(rest.count, offset + step)
                    try decryptor.update(Array(rest[offset..<end]), sink: sink)
                    offset = end
                }
            }
            try decryptor.finish(sink: sink)
            guard decryptor.isComplete, decryptor.plaintextCount == UInt64(plaintext.count) else {
                return .failed("finished incomplete, or with \(decryptor.plaintextCount) bytes counted for \(plaintext.count)")
            }
            return .plaintext(plaintext)
        } catch let error as EnvelopeError {
            return .failed("\(error.code)")
        } catch {
            return .failed("\(error)")
        }
    }

    // MARK: Authentic messages

    struct Authentic {
        var header: MessageHeader
        /// The frames (sealed again) and footer (signed again), then any bytes that followed.
        var rest: [UInt8]
        /// The content of the complete frames, in order.
        var plaintext: [UInt8]
        /// Where the frames end in `rest`.
        var framesEnd: Int
        var signature: [UInt8]
    }

    static func checkAuthentic(_ header: MessageHeader, rest: [UInt8], piece: Int, reading: Bool) -> String? {
        let authentic: Authentic
        do {
            guard let made = try makeAuthentic(header, rest: rest) else { return nil }
            authentic = made
        } catch {
            return "authentic: \(error)"
        }
        let whole = decrypt(authentic.rest, header: authentic.header, dataKey: dataKey, piece: nil, reading: false)
        let pieces = decrypt(authentic.rest, header: authentic.header, dataKey: dataKey, piece: piece, reading: reading)
        guard whole == pieces else { return "decrypt: whole \(whole), in pieces of \(piece) (reading: \(reading)) \(pieces)" }
        guard case .plaintext(let plaintext) = whole else { return nil }
        guard plaintext == authentic.plaintext else { return "decrypt: plaintext differs from the frames' content" }
        switch scan(authentic.rest, header: authentic.header, piece: piece) {
        case .success(let (body, signature)):
            guard body == authentic.framesEnd, signature == authentic.signature else {
                return "body scanner: body of \(body) bytes, decryptor \(authentic.framesEnd)"
            }
        case .failure(let error):
            return "body scanner: \(error) on a message that decrypts"
        }
        return nil
    }

    /// The message under `dataKey`; nil if the context cannot take our public key.
    static func makeAuthentic(_ header: MessageHeader, rest: [UInt8]) throws -> Authentic? {
        let suite = header.suite
        var body = header.body
        if suite.isSigned {
            let name = MessageContext.publicKeyName
            let context = header.context.removing(name).adding(name, signingPublicKey)
            guard let old = try? header.context.serialized(), let new = try? context.serialized() else { return nil }
            let offset = suite.messageVersion == 1 ? 4 + 16 : 3 + 32
            guard Int(body[offset]) << 8 | Int(body[offset + 1]) == old.count, Array(body[(offset + 2)..<(offset + 2 + old.count)]) == old else {
                throw Mismatch("the stored context is not its serialization")
            }
            body = Array(body[..<offset]) + be(UInt16(new.count)) + new + Array(body[(offset + 2 + old.count)...])
        }
        let keys = try MessageKeys(suite: suite, dataKey: dataKey, messageId: header.messageId)
        if suite.isCommitting { body.replaceSubrange((body.count - 32)..., with: keys.commitment) }
        let iv = suite.messageVersion == 1 ? header.authenticationIV : [UInt8](repeating: 0, count: 12)
        let headerBytes = body + (suite.messageVersion == 1 ? iv : []) + (try keys.headerTag(body: body, iv: iv))
        guard let (authenticHeader, consumed) = try HeaderParser.parse(headerBytes, limits: limits, atEnd: true), consumed == headerBytes.count else {
            throw Mismatch("the re-authenticated header does not parse")
        }

        let frameLength = Int(header.frameLength)
        var out: [UInt8] = []
        var plaintext: [UInt8] = []
        var offset = 0
        var final = false
        func u32(_ at: Int) -> UInt32 { rest[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        func seal(_ label: [UInt8], sequence: UInt32, iv: Int, content: Range<Int>) throws -> [UInt8] {
            let text = Array(rest[content])
            plaintext += text
            let aad = header.messageId + label + be(sequence) + be(UInt64(text.count))
            let sealed = try AESGCM.seal(key: keys.contentKey, nonce: Array(rest[iv..<iv + 12]), plaintext: text, aad: aad)
            return sealed.ciphertext + sealed.tag
        }
        while !final, rest.count - offset >= 4 {
            if u32(offset) != 0xffff_ffff {
                guard rest.count - offset >= frameLength + 32 else { break }
                out += rest[offset..<offset + 16]
                out += try seal(regularLabel, sequence: u32(offset), iv: offset + 4, content: (offset + 16)..<(offset + 16 + frameLength))
                offset += frameLength + 32
            } else {
                guard rest.count - offset >= 24 else { break }
                let length = Int(u32(offset + 20))
                guard length <= frameLength, rest.count - offset - 24 >= length + 16 else { break }
                out += rest[offset..<offset + 24]
                out += try seal(finalLabel, sequence: u32(offset + 4), iv: offset + 8, content: (offset + 24)..<(offset + 24 + length))
                offset += 24 + length + 16
                final = true
            }
        }
        let framesEnd = out.count
        var signature: [UInt8] = []
        if final, suite.isSigned, rest.count - offset >= 2 {
            let stored = Int(rest[offset]) << 8 | Int(rest[offset + 1])
            if rest.count - offset - 2 >= stored {
                signature = try signingKey.signature(forDigest: try Digest.hash(.sha384, headerBytes + out))
                out += be(UInt16(signature.count)) + signature
                offset += 2 + stored
            }
        }
        out += rest[offset...]
        return Authentic(header: authenticHeader, rest: out, plaintext: plaintext, framesEnd: framesEnd, signature: signature)
    }

    struct Mismatch: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func be<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    static func outcome<T>(_ body: () throws(EnvelopeError) -> T) -> Result<T, EnvelopeError> {
        do { return .success(try body()) } catch { return .failure(error) }
    }
}
