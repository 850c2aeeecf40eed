/// The encryption context: a string map bound into ciphertexts as AAD.
///
/// Not secret (it is audited and used in conditions). Its canonical form sorts
/// the pairs by the UTF-8 bytes of the key and length-prefixes every string,
/// so two maps give the same bytes exactly when they are equal.
public struct EncryptionContext: Sendable, Equatable, Hashable, Codable {
    public var pairs: [String: String]

    public init(_ pairs: [String: String] = [:]) { self.pairs = pairs }

    public var isEmpty: Bool { pairs.isEmpty }

    /// Limits: at most 64 pairs, keys 1–2048 and values 0–2048 bytes, 8 KiB in all.
    public func validate() throws(KMSError) {
        guard pairs.count <= 64 else { throw KMSError.validation("EncryptionContext may hold at most 64 pairs.") }
        var total = 0
        for (key, value) in pairs {
            guard !key.isEmpty, key.utf8.count <= 2048, value.utf8.count <= 2048 else {
                throw KMSError.validation("EncryptionContext keys must be 1 to 2048 bytes and values at most 2048 bytes.")
            }
            total += key.utf8.count + value.utf8.count
        }
        guard total <= 8192 else { throw KMSError.validation("EncryptionContext may be at most 8192 bytes in all.") }
    }

    /// count (u16) ‖ for each pair sorted by key bytes: len(key) (u16) ‖ key ‖ len(value) (u16) ‖ value.
    public var canonicalBytes: [UInt8] {
        let sorted = pairs.map { (Array($0.key.utf8), Array($0.value.utf8)) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
        var out: [UInt8] = []
        out.reserveCapacity(2 + sorted.reduce(0) { $0 + 4 + $1.0.count + $1.1.count })
        appendU16(&out, sorted.count)
        for (key, value) in sorted {
            appendU16(&out, key.count)
            out += key
            appendU16(&out, value.count)
            out += value
        }
        return out
    }

    private func appendU16(_ out: inout [UInt8], _ value: Int) {
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }
}
