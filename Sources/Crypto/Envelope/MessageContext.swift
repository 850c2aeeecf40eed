/// The encryption context of a message: UTF-8 pairs, bound into the header and
/// sent to the key service as the KMS encryption context.
///
/// Serialization (ESDK `framework/structures.md`): empty → zero bytes; otherwise a
/// u16 pair count and, sorted by the key's UTF-8 bytes, u16-length-prefixed key
/// and value. A parsed context keeps the order it was stored in, because the header
/// tag covers the stored bytes, not a re-serialization.
public struct MessageContext: Sendable, Equatable, CustomStringConvertible {
    /// The reserved key holding the signing suites' public key.
    public static let publicKeyName = "aws-crypto-public-key"
    /// Keys with this prefix belong to the SDK; users may not set them.
    public static let reservedPrefix = "aws-crypto-"

    /// The pairs in their stored (or, when built, sorted) order.
    public private(set) var pairs: [(key: String, value: String)]

    /// A context from a dictionary, sorted by key bytes.
    public init(_ dictionary: [String: String] = [:]) {
        pairs = dictionary.map { (key: $0.key, value: $0.value) }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }

    init(orderedPairs: [(key: String, value: String)]) { pairs = orderedPairs }

    public var isEmpty: Bool { pairs.isEmpty }
    public var dictionary: [String: String] { Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }) }
    public subscript(key: String) -> String? { pairs.first { $0.key == key }?.value }

    /// Throws `.reservedContextKey` if a user-supplied pair uses the `aws-crypto-` prefix.
    public static func validateUserContext(_ dictionary: [String: String]) throws(EnvelopeError) {
        if let reserved = dictionary.keys.sorted().first(where: { $0.hasPrefix(reservedPrefix) }) {
            throw EnvelopeError(.reservedContextKey(reserved))
        }
    }

    /// This context with one more pair, re-sorted.
    public func adding(_ key: String, _ value: String) -> MessageContext {
        var dictionary = self.dictionary
        dictionary[key] = value
        return MessageContext(dictionary)
    }

    /// This context without `key`.
    public func removing(_ key: String) -> MessageContext {
        MessageContext(orderedPairs: pairs.filter { $0.key != key })
    }

    /// The serialized bytes in the stored order; throws if they exceed 65535 bytes.
    public func serialized() throws(EnvelopeError) -> [UInt8] {
        guard !pairs.isEmpty else { return [] }
        var out: [UInt8] = []
        guard pairs.count <= 0xffff else { throw EnvelopeError(.contextTooLarge) }
        out.appendU16(pairs.count)
        for (key, value) in pairs {
            let keyBytes = Array(key.utf8), valueBytes = Array(value.utf8)
            guard keyBytes.count <= 0xffff, valueBytes.count <= 0xffff else { throw EnvelopeError(.contextTooLarge) }
            out.appendLengthPrefixed(keyBytes)
            out.appendLengthPrefixed(valueBytes)
        }
        guard out.count <= 0xffff else { throw EnvelopeError(.contextTooLarge) }
        return out
    }

    /// Parses exactly `bytes` (the header's AAD field). Rejects a zero pair count,
    /// invalid UTF-8, duplicate keys and bytes left over.
    static func parse(_ bytes: [UInt8]) throws(EnvelopeError) -> MessageContext {
        guard !bytes.isEmpty else { return MessageContext() }
        var cursor = ByteCursor(bytes)
        let count = try cursor.u16("encryption context pair count")
        guard count > 0 else {
            throw EnvelopeError(.invalidField(field: "encryption context", reason: "has a pair count of 0 with a non-zero length"))
        }
        var pairs: [(key: String, value: String)] = []
        var seen = Set<String>()
        for _ in 0..<count {
            let key = try cursor.string("encryption context key")
            let value = try cursor.string("encryption context value")
            guard seen.insert(key).inserted else {
                throw EnvelopeError(.invalidField(field: "encryption context", reason: "repeats the key '\(key)'"))
            }
            pairs.append((key, value))
        }
        guard cursor.remaining == 0 else {
            throw EnvelopeError(.invalidField(field: "encryption context", reason: "has \(cursor.remaining) bytes after its last pair"))
        }
        return MessageContext(orderedPairs: pairs)
    }

    public static func == (lhs: MessageContext, rhs: MessageContext) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public var description: String { pairs.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
}
