import Foundation
import KeyCrypto
import NIOHTTP1

private struct Metadata: Decodable { var keyMetadata: KeyMetadata }
private struct Empty: Decodable {}
private struct KeyList: Decodable { var keys: [KeyListEntry]; var nextMarker: String? }
private struct AliasList: Decodable { var aliases: [AliasEntry]; var nextMarker: String? }
private struct TagList: Decodable {
    struct Tag: Decodable { var tagKey: String; var tagValue: String }
    var tags: [Tag]
    var nextMarker: String?
}
private struct RotationList: Decodable { var rotations: [RotationEntry]; var nextMarker: String? }
private struct Ciphertext: Decodable { var ciphertextBlob: String; var keyId: String }
private struct Plaintext: Decodable { var plaintext: String; var keyId: String }
private struct DataKeyBody: Decodable { var ciphertextBlob: String; var plaintext: String?; var keyId: String }
private struct RandomBody: Decodable { var plaintext: String }
private struct KeyIdBody: Decodable { var keyId: String }

extension KeyServiceClient {
    private static func paging(_ limit: Int?, _ marker: String?) -> [(String, String)] {
        var query: [(String, String)] = []
        if let limit { query.append(("limit", String(limit))) }
        if let marker { query.append(("marker", marker)) }
        return query
    }

    static func decodeBlob(_ string: String) throws -> [UInt8] {
        guard let bytes = Base64.decode(string) else { throw ClientError.invalidResponse("a blob is not valid base64") }
        return bytes
    }

    static func decodeSecret(_ string: String) throws -> SecureBytes {
        guard let bytes = Base64.decodeSecret(string) else { throw ClientError.invalidResponse("a secret is not valid base64") }
        return bytes
    }

    // MARK: Keys

    /// Creates a key: symmetric by default; `keySpec`, `keyUsage` and `origin`
    /// (EXTERNAL: no material until it is imported) as AWS names them.
    public func createKey(description: String? = nil, tags: [String: String] = [:], keySpec: String? = nil,
                          keyUsage: String? = nil, origin: String? = nil) async throws -> KeyMetadata {
        var body: [String: Any] = [:]
        if let description { body["description"] = description }
        if let keySpec { body["keySpec"] = keySpec }
        if let keyUsage { body["keyUsage"] = keyUsage }
        if let origin { body["origin"] = origin }
        if !tags.isEmpty { body["tags"] = tags.sorted { $0.key < $1.key }.map { ["tagKey": $0.key, "tagValue": $0.value] } }
        return try await send(.POST, "/v1/keys", body: body, as: Metadata.self).keyMetadata
    }

    public func describeKey(_ keyId: String) async throws -> KeyMetadata {
        try await send(.GET, "/v1/keys/\(Self.segment(keyId))", as: Metadata.self).keyMetadata
    }

    public func listKeys(limit: Int? = nil, marker: String? = nil) async throws -> Page<KeyListEntry> {
        let list = try await send(.GET, "/v1/keys", query: Self.paging(limit, marker), as: KeyList.self)
        return Page(items: list.keys, nextMarker: list.nextMarker)
    }

    /// Every key, following pagination.
    public func allKeys() async throws -> [KeyListEntry] {
        var all: [KeyListEntry] = []
        var marker: String?
        repeat {
            let page = try await listKeys(limit: 1000, marker: marker)
            all += page.items
            marker = page.nextMarker
        } while marker != nil
        return all
    }

    public func updateKeyDescription(_ keyId: String, description: String) async throws {
        _ = try await send(.PATCH, "/v1/keys/\(Self.segment(keyId))", body: ["description": description], as: Empty.self)
    }

    public func enableKey(_ keyId: String) async throws {
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/enable", as: Empty.self)
    }

    public func disableKey(_ keyId: String) async throws {
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/disable", as: Empty.self)
    }

    public func scheduleKeyDeletion(_ keyId: String, pendingWindowInDays: Int? = nil) async throws -> DeletionSchedule {
        var body: [String: Any] = [:]
        if let pendingWindowInDays { body["pendingWindowInDays"] = pendingWindowInDays }
        return try await send(.POST, "/v1/keys/\(Self.segment(keyId))/schedule-deletion", body: body, as: DeletionSchedule.self)
    }

    public func cancelKeyDeletion(_ keyId: String) async throws {
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/cancel-deletion", as: KeyIdBody.self)
    }

    // MARK: Tags

    public func tagKey(_ keyId: String, tags: [String: String]) async throws {
        let list = tags.sorted { $0.key < $1.key }.map { ["tagKey": $0.key, "tagValue": $0.value] }
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/tags", body: ["tags": list], as: Empty.self)
    }

    public func untagKey(_ keyId: String, tagKeys: [String]) async throws {
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/untag", body: ["tagKeys": tagKeys], as: Empty.self)
    }

    public func listTags(_ keyId: String, limit: Int? = nil, marker: String? = nil) async throws -> Page<(key: String, value: String)> {
        let list = try await send(.GET, "/v1/keys/\(Self.segment(keyId))/tags", query: Self.paging(limit, marker), as: TagList.self)
        return Page(items: list.tags.map { ($0.tagKey, $0.tagValue) }, nextMarker: list.nextMarker)
    }

    // MARK: Rotation

    public func enableKeyRotation(_ keyId: String, periodInDays: Int? = nil) async throws {
        var body: [String: Any] = [:]
        if let periodInDays { body["rotationPeriodInDays"] = periodInDays }
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/rotation/enable", body: body, as: Empty.self)
    }

    public func disableKeyRotation(_ keyId: String) async throws {
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/rotation/disable", as: Empty.self)
    }

    public func keyRotationStatus(_ keyId: String) async throws -> RotationStatus {
        try await send(.GET, "/v1/keys/\(Self.segment(keyId))/rotation", as: RotationStatus.self)
    }

    public func rotateKey(_ keyId: String) async throws {
        _ = try await send(.POST, "/v1/keys/\(Self.segment(keyId))/rotations", as: KeyIdBody.self)
    }

    public func listKeyRotations(_ keyId: String, limit: Int? = nil, marker: String? = nil) async throws -> Page<RotationEntry> {
        let list = try await send(.GET, "/v1/keys/\(Self.segment(keyId))/rotations", query: Self.paging(limit, marker), as: RotationList.self)
        return Page(items: list.rotations, nextMarker: list.nextMarker)
    }

    // MARK: Aliases

    public func createAlias(_ aliasName: String, targetKeyId: String) async throws {
        _ = try await send(.POST, "/v1/aliases", body: ["aliasName": aliasName, "targetKeyId": targetKeyId], as: Empty.self)
    }

    public func updateAlias(_ aliasName: String, targetKeyId: String) async throws {
        _ = try await send(.PUT, "/v1/aliases/\(Self.segment(aliasName))", body: ["targetKeyId": targetKeyId], as: Empty.self)
    }

    public func deleteAlias(_ aliasName: String) async throws {
        _ = try await send(.DELETE, "/v1/aliases/\(Self.segment(aliasName))", as: Empty.self)
    }

    public func listAliases(keyId: String? = nil, limit: Int? = nil, marker: String? = nil) async throws -> Page<AliasEntry> {
        var query = Self.paging(limit, marker)
        if let keyId { query.append(("keyId", keyId)) }
        let list = try await send(.GET, "/v1/aliases", query: query, as: AliasList.self)
        return Page(items: list.aliases, nextMarker: list.nextMarker)
    }

    // MARK: Cryptographic operations

    public func encrypt(keyId: String, plaintext: SecureBytes, context: [String: String] = [:]) async throws -> EncryptResult {
        var body: [String: Any] = ["keyId": keyId, "plaintext": Base64.encode(plaintext)]
        if !context.isEmpty { body["encryptionContext"] = context }
        let result = try await send(.POST, "/v1/encrypt", body: body, as: Ciphertext.self)
        return EncryptResult(ciphertextBlob: try Self.decodeBlob(result.ciphertextBlob), keyId: result.keyId)
    }

    public func decrypt(ciphertextBlob: [UInt8], context: [String: String] = [:], keyId: String? = nil) async throws -> DecryptResult {
        var body: [String: Any] = ["ciphertextBlob": Base64.encode(ciphertextBlob)]
        if !context.isEmpty { body["encryptionContext"] = context }
        if let keyId { body["keyId"] = keyId }
        let result = try await send(.POST, "/v1/decrypt", body: body, as: Plaintext.self)
        return DecryptResult(plaintext: try Self.decodeSecret(result.plaintext), keyId: result.keyId)
    }

    /// `sourceKeyId`, if given, must name the key that sealed the blob (the service refuses otherwise).
    public func reEncrypt(ciphertextBlob: [UInt8], sourceContext: [String: String] = [:], sourceKeyId: String? = nil,
                          destinationKeyId: String, destinationContext: [String: String] = [:]) async throws -> EncryptResult {
        var body: [String: Any] = ["ciphertextBlob": Base64.encode(ciphertextBlob), "destinationKeyId": destinationKeyId]
        if !sourceContext.isEmpty { body["sourceEncryptionContext"] = sourceContext }
        if let sourceKeyId { body["sourceKeyId"] = sourceKeyId }
        if !destinationContext.isEmpty { body["destinationEncryptionContext"] = destinationContext }
        let result = try await send(.POST, "/v1/reencrypt", body: body, as: Ciphertext.self)
        return EncryptResult(ciphertextBlob: try Self.decodeBlob(result.ciphertextBlob), keyId: result.keyId)
    }

    public func generateDataKey(keyId: String, size: DataKeySize = .aes256, context: [String: String] = [:],
                                withPlaintext: Bool = true) async throws -> DataKey {
        var body: [String: Any] = ["keyId": keyId]
        switch size {
        case .aes256: body["keySpec"] = "AES_256"
        case .aes128: body["keySpec"] = "AES_128"
        case .bytes(let count): body["numberOfBytes"] = count
        }
        if !context.isEmpty { body["encryptionContext"] = context }
        let path = withPlaintext ? "/v1/datakey" : "/v1/datakey/without-plaintext"
        let result = try await send(.POST, path, body: body, as: DataKeyBody.self)
        return DataKey(
            plaintext: try result.plaintext.map(Self.decodeSecret), ciphertextBlob: try Self.decodeBlob(result.ciphertextBlob),
            keyId: result.keyId)
    }

    public func generateRandom(numberOfBytes: Int) async throws -> SecureBytes {
        let result = try await send(.POST, "/v1/random", body: ["numberOfBytes": numberOfBytes], as: RandomBody.self)
        return try Self.decodeSecret(result.plaintext)
    }
}
