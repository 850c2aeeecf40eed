import Foundation
import KeyCrypto

/// Encodes `Encodable` values to JSON the way the front doors answer: members in
/// the order the type encodes them, optional members left out when nil, dates
/// in the door's style, and `memberName` applied to member names (the AWS door
/// writes `keyId` as `KeyId`) except the names of a string map (`[String: V]`).
struct WireEncoder {
    enum DateStyle: Sendable {
        /// RFC 3339 with microseconds (REST).
        case iso8601
        /// Seconds since 1970 as a number (AWS).
        case epochSeconds
    }

    var dates: DateStyle
    var memberName: (@Sendable (String) -> String)?

    func encode(_ value: some Encodable) throws -> [UInt8] {
        let root = try EncodingNode.box(value, codingPath: [], style: self, mapsNames: true)
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter.write(root.json, into: &out)
        return out
    }
}

/// What has been encoded so far: a finished value, or an object or array that
/// containers still add to (they share it, hence classes).
enum EncodingNode {
    case value(JSONValue)
    case object(ObjectStorage)
    case array(ArrayStorage)

    final class ObjectStorage {
        var members: [(key: String, value: EncodingNode)] = []
    }

    final class ArrayStorage {
        var elements: [EncodingNode] = []
    }

    /// The finished value (what the containers added, in order).
    var json: JSONValue {
        switch self {
        case .value(let value): value
        case .object(let storage): .object(storage.members.map { JSONMember(key: $0.key, value: $0.value.json) })
        case .array(let storage): .array(storage.elements.map(\.json))
        }
    }

    /// Encodes one value (dates in the style's form; a string map without renaming its names).
    static func box<T: Encodable>(_ value: T, codingPath: [any CodingKey], style: WireEncoder, mapsNames: Bool) throws -> EncodingNode {
        if T.self == Date.self {
            let date = value as! Date
            switch style.dates {
            case .iso8601:
                let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
                return .value(.string(Timestamp(microseconds: micros).iso8601))
            case .epochSeconds:
                return .value(try number(date.timeIntervalSince1970, codingPath: codingPath))
            }
        }
        let encoder = WireEncoderImpl(codingPath: codingPath, style: style, mapsNames: !(T.self is any StringKeyedEncodableMap.Type))
        try value.encode(to: encoder)
        return encoder.node ?? .object(ObjectStorage())
    }

    static func number(_ double: Double, codingPath: [any CodingKey]) throws -> JSONValue {
        guard double.isFinite else {
            throw EncodingError.invalidValue(double, .init(codingPath: codingPath, debugDescription: "not a finite number"))
        }
        if double.rounded() == double, abs(double) < 1e15 { return .number(String(Int64(double))) }
        return .number(double.description)
    }
}

/// `[String: V]`: its member names are keys of the map, never renamed.
private protocol StringKeyedEncodableMap {}
extension Dictionary: StringKeyedEncodableMap where Key == String {}

private final class WireEncoderImpl: Encoder {
    let codingPath: [any CodingKey]
    let style: WireEncoder
    let mapsNames: Bool
    var node: EncodingNode?

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], style: WireEncoder, mapsNames: Bool) {
        self.codingPath = codingPath
        self.style = style
        self.mapsNames = mapsNames
    }

    func name(_ key: some CodingKey) -> String {
        if mapsNames, let memberName = style.memberName { return memberName(key.stringValue) }
        return key.stringValue
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let storage: EncodingNode.ObjectStorage
        if case .object(let existing) = node {
            storage = existing
        } else {
            storage = EncodingNode.ObjectStorage()
            node = .object(storage)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(storage: storage, encoder: self, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let storage: EncodingNode.ArrayStorage
        if case .array(let existing) = node {
            storage = existing
        } else {
            storage = EncodingNode.ArrayStorage()
            node = .array(storage)
        }
        return UnkeyedContainer(storage: storage, encoder: self, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    func box<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> EncodingNode {
        try EncodingNode.box(value, codingPath: path, style: style, mapsNames: true)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: EncodingNode.ObjectStorage
    let encoder: WireEncoderImpl
    let codingPath: [any CodingKey]

    private func put(_ node: EncodingNode, _ key: Key) { storage.members.append((encoder.name(key), node)) }

    mutating func encodeNil(forKey key: Key) throws { put(.value(.null), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.value(.bool(value)), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.value(.string(value)), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(.value(try EncodingNode.number(value, codingPath: codingPath + [key])), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(.value(try EncodingNode.number(Double(value), codingPath: codingPath + [key])), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.value(.number(String(value))), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { put(try encoder.box(value, at: codingPath + [key]), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodingNode.ObjectStorage()
        put(.object(nested), key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, encoder: encoder, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = EncodingNode.ArrayStorage()
        put(.array(nested), key)
        return UnkeyedContainer(storage: nested, encoder: encoder, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: WireKey("super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: some CodingKey) -> any Encoder {
        let nested = WireEncoderImpl(codingPath: codingPath + [key], style: encoder.style, mapsNames: true)
        let object = EncodingNode.ObjectStorage()
        nested.node = .object(object)
        storage.members.append((encoder.name(key), .object(object)))
        return nested
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let storage: EncodingNode.ArrayStorage
    let encoder: WireEncoderImpl
    let codingPath: [any CodingKey]
    var count: Int { storage.elements.count }

    private func add(_ node: EncodingNode) { storage.elements.append(node) }
    private var nextPath: [any CodingKey] { codingPath + [WireKey(count)] }

    mutating func encodeNil() throws { add(.value(.null)) }
    mutating func encode(_ value: Bool) throws { add(.value(.bool(value))) }
    mutating func encode(_ value: String) throws { add(.value(.string(value))) }
    mutating func encode(_ value: Double) throws { add(.value(try EncodingNode.number(value, codingPath: nextPath))) }
    mutating func encode(_ value: Float) throws { add(.value(try EncodingNode.number(Double(value), codingPath: nextPath))) }
    mutating func encode(_ value: Int) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: Int8) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: Int16) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: Int32) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: Int64) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: UInt) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: UInt8) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: UInt16) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: UInt32) throws { add(.value(.number(String(value)))) }
    mutating func encode(_ value: UInt64) throws { add(.value(.number(String(value)))) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try encoder.box(value, at: nextPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodingNode.ObjectStorage()
        let path = nextPath
        add(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, encoder: encoder, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = EncodingNode.ArrayStorage()
        let path = nextPath
        add(.array(nested))
        return UnkeyedContainer(storage: nested, encoder: encoder, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let nested = WireEncoderImpl(codingPath: nextPath, style: encoder.style, mapsNames: true)
        let object = EncodingNode.ObjectStorage()
        nested.node = .object(object)
        add(.object(object))
        return nested
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: WireEncoderImpl
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: JSONValue) { encoder.node = .value(value) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try EncodingNode.number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { set(try EncodingNode.number(Double(value), codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { set(.number(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try encoder.box(value, at: codingPath) }
}
