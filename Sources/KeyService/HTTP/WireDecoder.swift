import Foundation

/// Decodes `Decodable` values from a `JSONValue` tree, the way the front doors
/// read requests. Errors are `DecodingError`s with the coding path, as
/// JSONDecoder's; they never carry a value from the request.
///
/// `memberName` maps every member name before it is matched against coding
/// keys (the AWS door reads `KeyId` as `keyId`), except the names of a string
/// map (`[String: V]`: an encryption context keeps its keys as given).
struct WireDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let memberName: (@Sendable (String) -> String)?
    /// False for the object of a string map: its names are data, not member names.
    var mapsNames = true
    /// Strict (REST): a member no coding key names, at any depth, and a null for an
    /// optional member are refused, as the OpenAPI document says.
    var strict = false

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey] = [], memberName: (@Sendable (String) -> String)? = nil) {
        self.value = value
        self.codingPath = codingPath
        self.memberName = memberName
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, memberName: (@Sendable (String) -> String)? = nil,
                                     strict: Bool = false) throws -> T {
        var decoder = WireDecoder(value, memberName: memberName)
        decoder.strict = strict
        return try decoder.decodeValue(T.self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(var members) = value else { throw mismatch([String: Any].self) }
        if mapsNames, let memberName {
            members = members.map { JSONMember(key: memberName($0.key), value: $0.value) }
            // Two spellings of one member (`KeyId` and `keyId`) are as ambiguous as a duplicate.
            var seen = Set<String>()
            for member in members where !seen.insert(member.key).inserted {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "a member is given twice"))
            }
        }
        if strict && mapsNames, let unknown = members.first(where: { Key(stringValue: $0.key) == nil }) {
            throw KMSError.validation("Unknown field '\(fieldName(unknown.key))'.")
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([Any].self) }
        return UnkeyedContainer(elements: elements, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    // MARK: Reading values

    func child(_ value: JSONValue, key: any CodingKey) -> WireDecoder {
        var child = WireDecoder(value, codingPath: codingPath + [key], memberName: memberName)
        child.strict = strict
        return child
    }

    /// `outer.inner.name` for a member of this object, safe to echo.
    func fieldName(_ name: String) -> String { WireCoding.fieldPath(codingPath, then: name) }

    func mismatch(_ type: Any.Type) -> DecodingError {
        if value == .null {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Expected a value, found null."))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "The value has another JSON type."))
    }

    func decodeNil() -> Bool { value == .null }

    func decodeBool() throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self) }
        return flag
    }

    func decodeString() throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self) }
        return text
    }

    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard case .number(let text) = value else { throw mismatch(type) }
        if let integer = I(text) { return integer }
        // An integral number written with a fraction or exponent (`2.0`, `1e3`) still fits.
        if let double = Double(text), double.isFinite, double.rounded() == double, abs(double) < 9_007_199_254_740_992,
           let integer = I(exactly: double) {
            return integer
        }
        throw DecodingError.dataCorrupted(.init(
            codingPath: codingPath, debugDescription: "the number does not fit (a fraction, or out of range)"))
    }

    func decodeDouble() throws -> Double {
        guard case .number(let text) = value else { throw mismatch(Double.self) }
        guard let double = Double(text), double.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "the number is out of range"))
        }
        return double
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // The two shapes every data-plane request has (encryption context, grant tokens),
        // read directly: the generic Dictionary/Array path through containers cost more
        // than the rest of a request's decoding. Same results and errors.
        if T.self == [String: String].self { return try decodeStringMap() as! T }
        if T.self == [String].self { return try decodeStringArray() as! T }
        if T.self is any StringKeyedMap.Type {
            var decoder = self
            decoder.mapsNames = false
            return try T(from: decoder)
        }
        return try T(from: self)
    }
}

extension WireDecoder {
    func decodeStringMap() throws -> [String: String] {
        guard case .object(let members) = value else { throw mismatch([String: String].self) }
        var map: [String: String] = [:]
        map.reserveCapacity(members.count)
        for member in members {
            guard case .string(let text) = member.value else {
                throw child(member.value, key: WireKey(member.key)).mismatch(String.self)
            }
            map[member.key] = text  // the reader refused duplicate names
        }
        return map
    }

    func decodeStringArray() throws -> [String] {
        guard case .array(let elements) = value else { throw mismatch([String].self) }
        var array: [String] = []
        array.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else { throw child(element, key: WireKey(index)).mismatch(String.self) }
            array.append(text)
        }
        return array
    }
}

/// `[String: V]`: its member names are keys of the map, never renamed.
private protocol StringKeyedMap {}
extension Dictionary: StringKeyedMap where Key == String {}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [JSONMember]
    let decoder: WireDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }

    private func child(_ key: Key) throws -> WireDecoder {
        guard let member = members.first(where: { $0.key == key.stringValue }) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value for the key."))
        }
        return decoder.child(member.value, key: key)
    }

    /// The member's decoder, or nil when it is absent or null (one lookup, where the
    /// protocol's default `decodeIfPresent` makes three).
    private func present(_ key: Key) throws -> WireDecoder? {
        guard let member = members.first(where: { $0.key == key.stringValue }) else { return nil }
        if case .null = member.value {
            if decoder.strict { throw KMSError.validation("Field '\(decoder.fieldName(key.stringValue))' must not be null; leave it out instead.") }
            return nil
        }
        return decoder.child(member.value, key: key)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key)?.decodeBool() }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key)?.decodeString() }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key)?.decodeDouble() }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try present(key).map { Float(try $0.decodeDouble()) } }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try present(key)?.decodeInteger(type) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try present(key)?.decodeValue(type) }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try child(key).decodeDouble()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder {
        decoder.child(members.first { $0.key == "super" }?.value ?? .null, key: WireKey("super"))
    }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

/// A coding key made by the coders themselves: an array index, or `super`.
struct WireKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) { stringValue = "Index \(index)"; intValue = index }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let decoder: WireDecoder
    var currentIndex = 0

    init(elements: [JSONValue], decoder: WireDecoder) {
        self.elements = elements
        self.decoder = decoder
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next(_ type: Any.Type) throws -> WireDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(
                codingPath: codingPath + [WireKey(currentIndex)], debugDescription: "The array has no more elements."))
        }
        defer { currentIndex += 1 }
        return decoder.child(elements[currentIndex], key: WireKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if elements[currentIndex] == .null {
            currentIndex += 1
            return true
        }
        return false
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next(type).decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type).decodeDouble() }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try next(type).decodeDouble()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).decodeInteger(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next([String: Any].self).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next([Any].self).unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next(Any.self) }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: WireDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.decodeNil() }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.decodeDouble()) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}
