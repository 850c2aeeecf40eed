import Foundation
import KeyCrypto

/// Rewrapping: the same message under other wrapping keys, without decrypting
/// the body.
///
/// The new EDKs are made by the new keyring from the EDK that opened: for the key
/// service, ReEncrypt of that EDK to each new key, so the data key is never sent
/// back to the service (a raw AES keyring wraps locally). Decrypt is still needed:
/// the header changes with its EDKs, and its tag is keyed by a key derived from the
/// data key, so one EDK is decrypted (through this client's keyring, not its cache:
/// ReEncrypt needs the EDK itself) to verify the old header and to compute the new
/// tag. The body is copied byte for byte. A signed message's signing key is gone,
/// so it gets a new one: its public key replaces the old in the context (so the new
/// EDKs are bound to the new context), the old signature is verified while the body
/// streams through, and a new signature over the new header and the same body is
/// appended. The body's frame structure is checked while it is copied (not its
/// frame tags, which would mean decrypting it): a truncated body, a missing or
/// second final frame, frames out of order or bytes after the end are refused.
extension EnvelopeClient {
    public func rewrap(input: Int32, output: Int32, to newKeyring: any EnvelopeKeyring,
                       progress: (@Sendable (UInt64) -> Void)? = nil) async throws -> MessageHeader {
        let options = self.options
        let (header, rest) = try await runBlocking("kms-envelope-header") { try Self.readHeader(input, limits: options.limits) }
        guard header.suite.messageVersion == 2 else {
            throw EnvelopeError(.invalidField(field: "message format version", reason: "is 1; rewrap writes version 2 only (decrypt and encrypt instead)"))
        }
        let opened = try await keyring.openDataKey(header.encryptedDataKeys, suite: header.suite, context: header.context)
        let keys = try MessageKeys.verified(header: header, dataKey: opened.dataKey)

        var context = header.context
        let signingKey = header.suite.isSigned ? try P384SigningKey() : nil
        if let signingKey {
            context = context.removing(MessageContext.publicKeyName)
                .adding(MessageContext.publicKeyName, Base64.encode(try signingKey.compressedPublicKey()))
        }
        let newKeys = try await newKeyring.rewrap(opened, from: header.context, to: context)
        try checkWriterLimit(newKeys)
        let body = try MessageHeader.serializeVersion2Body(
            suite: header.suite, messageId: header.messageId, context: context, encryptedDataKeys: newKeys,
            frameLength: header.frameLength, commitment: header.commitment)
        let newHeaderBytes = body + (try keys.headerTag(body: body))
        guard let (newHeader, _) = try HeaderParser.parse(newHeaderBytes, limits: options.limits, atEnd: true) else {
            throw EnvelopeError(.truncated(field: "header"))
        }
        try await runBlocking("kms-envelope-rewrap") {
            try newHeaderBytes.withUnsafeBytes { try writeAll(output, $0) }
            try Self.copyBody(from: input, to: output, rest: rest, old: header, newHeader: newHeaderBytes,
                              signingKey: signingKey, progress: progress)
        }
        return newHeader
    }

    /// Copies the body, checking its frame structure (`BodyScanner`: sequence
    /// numbers, one final frame, nothing after it but the footer). A signed
    /// message's old signature is checked and a new footer written.
    private static func copyBody(from input: Int32, to output: Int32, rest: [UInt8], old: MessageHeader, newHeader: [UInt8],
                                 signingKey: P384SigningKey?, progress: (@Sendable (UInt64) -> Void)?) throws {
        let digests = try signingKey.map { _ in (old: try StreamingDigest(.sha384), new: try StreamingDigest(.sha384)) }
        try digests?.old.update(old.serialized)
        try digests?.new.update(newHeader)
        var scanner = BodyScanner(frameLength: old.frameLength, signed: old.suite.isSigned)
        var copied = UInt64(old.serialized.count)
        func take(_ bytes: UnsafeRawBufferPointer) throws {
            let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(try scanner.scan(bytes))])
            try digests?.old.update(body)
            try digests?.new.update(body)
            try writeAll(output, body)
            copied += UInt64(bytes.count)
        }
        try rest.withUnsafeBytes { try take($0) }
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try readSome(input, $0) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try take(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            progress?(copied)
        }
        let oldSignature = try scanner.finish()
        guard let signingKey, let digests else { return }
        guard let publicKey = try old.signaturePublicKey(),
              try publicKey.isValidSignature(oldSignature, forDigest: try digests.old.finalize())
        else { throw EnvelopeError(.signatureInvalid) }
        let signature = try signingKey.signature(forDigest: try digests.new.finalize())
        var footer: [UInt8] = []
        footer.appendU16(signature.count)
        try (footer + signature).withUnsafeBytes { try writeAll(output, $0) }
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendU16(_ value: Int) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
}
