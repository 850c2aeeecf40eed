import Foundation
import KeyCrypto
import Logging


/// AWS `KeyMetadata`, the description of a key every lifecycle operation returns.
public struct KeyMetadata: Encodable, Sendable, Equatable {
    public var awsAccountId: String
    public var keyId: String
    public var arn: String
    public var creationDate: Date
    public var enabled: Bool
    public var description: String
    public var keyUsage: String
    public var keyState: String
    public var deletionDate: Date?
    public var origin: String
    public var keyManager: String
    public var customerMasterKeySpec: String
    public var keySpec: String
    public var encryptionAlgorithms: [String]?
    public var signingAlgorithms: [String]?
    public var macAlgorithms: [String]?
    /// Imported keys only: whether the material expires, and when (only when it does).
    public var expirationModel: String?
    public var validTo: Date?
    public var multiRegion: Bool

    init(_ record: KeyRecord, partition: Partition, now: Timestamp) {
        let state = record.effectiveState(at: now)
        awsAccountId = partition.account
        keyId = record.id
        arn = partition.keyArn(record.id)
        creationDate = record.createdAt.date
        enabled = state == .enabled
        description = record.description
        keyUsage = record.usage.rawValue
        keyState = state.rawValue
        deletionDate = record.state == .pendingDeletion ? record.deletionAt?.date : nil
        origin = record.origin.rawValue
        keyManager = "CUSTOMER"
        customerMasterKeySpec = record.spec.rawValue
        keySpec = record.spec.rawValue
        encryptionAlgorithms = Self.list(record.encryptionAlgorithms.map(\.rawValue))
        signingAlgorithms = Self.list(record.signingAlgorithms.map(\.rawValue))
        macAlgorithms = Self.list(record.macAlgorithms.map(\.rawValue))
        expirationModel = record.origin == .external ? record.expirationModel?.rawValue : nil
        validTo = record.expirationModel == .keyMaterialExpires ? record.validTo?.date : nil
        multiRegion = false
    }

    private static func list(_ names: [String]) -> [String]? { names.isEmpty ? nil : names }
}

/// A tag on the wire (`TagKey`/`TagValue`, as AWS spells them).
public struct WireTag: Codable, Sendable, Equatable {
    public var tagKey: String
    public var tagValue: String
    public init(tagKey: String, tagValue: String) {
        self.tagKey = tagKey
        self.tagValue = tagValue
    }
}

enum Limits {
    static let maxDescription = 8192
    static let maxTagsPerKey = 50
    static let maxAliasesPerKey = 50
    static let maxPlaintext = 4096
    static let maxDataKeyBytes = 1024
    static let maxRandomBytes = 1024
    static let maxOnDemandRotations = 25
    static let deletionWindow = 7...30
    static let defaultDeletionWindow = 30
    static let rotationPeriod = 90...2560
    static let defaultRotationPeriod = 365
    static let maxGrantTokens = 10
}

enum Validate {
    static func description(_ text: String) throws(KMSError) {
        guard text.count <= Limits.maxDescription else {
            throw KMSError.validation("Description must be at most \(Limits.maxDescription) characters long.")
        }
    }

    static func tags(_ tags: [WireTag]) throws(KMSError) {
        var seen = Set<String>()
        for tag in tags {
            guard (1...128).contains(tag.tagKey.count), tag.tagValue.count <= 256 else {
                throw KMSError(.tag, "Tag keys must be 1 to 128 characters and values at most 256 characters.")
            }
            guard !tag.tagKey.hasPrefix("aws:") else { throw KMSError(.tag, "Tag keys beginning with aws: are reserved.") }
            guard seen.insert(tag.tagKey).inserted else {
                throw KMSError(.tag, "Duplicate tag key \(sanitizedForMessage(tag.tagKey)).")
            }
        }
    }

    /// An optional enum member: absent, or one of `values` (AWS's ValidationException wording otherwise).
    static func member(_ value: String?, named name: String, in values: [String]) throws(KMSError) {
        guard let value, !values.contains(value) else { return }
        throw KMSError.validation("1 validation error detected: Value '\(sanitizedForMessage(value, limit: 64))' at '\(name)' failed to satisfy constraint: Member must satisfy enum value set: [\(values.joined(separator: ", "))]")
    }

    static func symmetricAlgorithm(_ algorithm: String?) throws(KMSError) {
        guard let algorithm else { return }
        guard algorithm == "SYMMETRIC_DEFAULT" else {
            if ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"].contains(algorithm) {
                throw KMSError(.invalidKeyUsage, "The encryption algorithm \(algorithm) is not valid for a symmetric key.")
            }
            throw KMSError.validation("Value '\(sanitizedForMessage(algorithm))' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]")
        }
    }

    static func aliasName(_ name: String) throws(KMSError) {
        guard (1...256).contains(name.utf8.count) else {
            throw KMSError.validation("AliasName must be 1 to 256 characters long.")
        }
        guard name.hasPrefix("alias/"), name.utf8.count > 6 else {
            throw KMSError(.invalidAliasName, "Alias must start with the prefix \"alias/\" followed by a name.")
        }
        guard name.utf8.allSatisfy({ byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || [UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "-")].contains(byte)
        }) else {
            throw KMSError(.invalidAliasName, "Alias name may contain only letters, digits and the characters : / _ -")
        }
        guard !name.hasPrefix("alias/aws/") else {
            throw KMSError(.invalidAliasName, "Alias names beginning with alias/aws/ are reserved.")
        }
    }
}

extension KeyService {
    /// Grant tokens must name existing grants (grants take effect when created,
    /// so a token only proves the caller knows of one).
    func validateGrantTokens(_ tokens: [String]?) throws(KMSError) {
        guard let tokens, !tokens.isEmpty else { return }
        guard tokens.count <= Limits.maxGrantTokens, tokens.allSatisfy({ (1...8192).contains($0.count) }) else {
            throw KMSError.validation("GrantTokens must hold at most 10 tokens of 1 to 8192 characters.")
        }
        let known = read { state in Set(state.grants.values.map(\.token)) }
        guard tokens.allSatisfy(known.contains) else { throw KMSError(.invalidGrantToken, "The grant token is not valid.") }
    }

    /// The error a key's state gives for cryptographic use, or nil if it is usable.
    /// Imported material past its ValidTo is refused at once, before maintenance deletes it.
    func stateError(_ record: KeyRecord) -> KMSError? {
        var arn: String { partition.keyArn(record.id) }  // built only for an error
        switch record.effectiveState(at: now) {
        case .enabled: return nil
        case .disabled: return KMSError(.disabled, "\(arn) is disabled.")
        case .pendingDeletion: return KMSError(.invalidState, "\(arn) is pending deletion.")
        case .pendingImport: return KMSError(.invalidState, "\(arn) is pending import.")
        }
    }

    /// A key that may encrypt now: enabled and of a symmetric encryption spec.
    func encryptionKey(_ raw: String) throws(KMSError) -> KeyEntry {
        let entry = try resolve(raw, accept: .keyOrAlias)
        guard entry.record.spec.supportsSymmetricEncryption, entry.record.usage == .encryptDecrypt else {
            let what = entry.record.usage == .encryptDecrypt
                ? "is an asymmetric \(entry.record.spec.rawValue) key; this operation needs a symmetric encryption key"
                : "key usage is \(entry.record.usage.rawValue) which is not valid for this operation"
            throw KMSError(.invalidKeyUsage, "\(partition.keyArn(entry.record.id)) \(what).")
        }
        if let error = stateError(entry.record) { throw error }
        return entry
    }

    /// Seals `plaintext` under the newest version of `entry` into a ciphertext blob.
    func sealBlob(_ entry: KeyEntry, plaintext: SecureBytes, context: EncryptionContext, note: AuditNote? = nil) throws -> [UInt8] {
        note?.update { if $0.keyVersion == nil { $0.keyId = entry.record.id; $0.keyVersion = entry.record.latestVersion } }
        let material = try material(of: entry, version: entry.record.latestVersion)
        var blob = CiphertextBlob(
            keyId: entry.record.id, version: entry.record.latestVersion,
            nonce: try SecureRandom.bytes(AESGCM.nonceSize), ciphertext: [], tag: [])
        let sealed = try AESGCM.seal(
            key: material, nonce: blob.nonce, plaintext: plaintext,
            aad: CiphertextBlob.aad(header: blob.header, context: context))
        blob.ciphertext = sealed.ciphertext
        blob.tag = sealed.tag
        return blob.serialized()
    }

    /// The key id a blob names, if the blob parses (for authorization scope).
    static func blobKeyId(_ blob: Blob?) -> String? {
        guard let blob else { return nil }
        return try? CiphertextBlob.parse(blob.bytes).keyId
    }

    /// Opens a blob: strict parse, key lookup, optional expected key, state, then AES-GCM.
    func openBlob(_ bytes: [UInt8], context: EncryptionContext, expectedKey: String?, note: AuditNote? = nil) throws -> (KeyEntry, SecureBytes) {
        let blob = try CiphertextBlob.parse(bytes)
        note?.update {
            $0.keyId = blob.keyId
            $0.keyVersion = blob.version
        }
        let invalid = KMSError(.invalidCiphertext, "The ciphertext is invalid, or was not made for this request.")
        guard let entry = entry(id: blob.keyId) else {
            if read({ $0.destroyedKeys.contains(blob.keyId) }) {
                throw KMSError.notFound("Key '\(partition.keyArn(blob.keyId))' does not exist")
            }
            throw invalid
        }
        if let expectedKey {
            let expected = try resolve(expectedKey, accept: .keyOrAlias)
            guard expected.record.id == entry.record.id else {
                throw KMSError(.incorrectKey, "The key ID in the request does not identify the key that encrypted the ciphertext.")
            }
        }
        guard entry.record.spec.supportsSymmetricEncryption else {
            throw KMSError(.invalidKeyUsage, "\(partition.keyArn(entry.record.id)) cannot decrypt this ciphertext.")
        }
        if let error = stateError(entry.record) { throw error }
        guard entry.versions[blob.version] != nil else { throw invalid }
        let material = try material(of: entry, version: blob.version)
        do {
            let plaintext = try AESGCM.open(
                key: material, nonce: blob.nonce, ciphertext: blob.ciphertext, tag: blob.tag,
                aad: CiphertextBlob.aad(header: blob.header, context: context))
            return (entry, plaintext)
        } catch {
            throw invalid
        }
    }
}

/// Opaque, listing-specific pagination markers (base64 of "listing|last key").
enum Marker {
    static func make(_ listing: String, after last: String) -> String {
        Base64.encode(Array("\(listing)|\(last)".utf8))
    }

    static func parse(_ marker: String?, listing: String) throws(KMSError) -> String? {
        guard let marker else { return nil }
        guard (1...1024).contains(marker.utf8.count) else {
            throw KMSError.validation("1 validation error detected: Value at 'marker' failed to satisfy constraint: Member must have length between 1 and 1024")
        }
        guard let bytes = Base64.decode(marker), let text = String(validating: bytes, as: UTF8.self),
              text.hasPrefix(listing + "|")
        else { throw KMSError(.invalidMarker, "The pagination marker is not valid for this request.") }
        return String(text.dropFirst(listing.count + 1))
    }

    static func limit(_ value: Int?, range: ClosedRange<Int>, default defaultValue: Int) throws(KMSError) -> Int {
        guard let value else { return defaultValue }
        guard range.contains(value) else {
            throw KMSError.validation("Limit must be between \(range.lowerBound) and \(range.upperBound).")
        }
        return value
    }

    /// One page of `items` (sorted by `key`) after `marker`.
    static func page<T>(_ items: [T], key: (T) -> String, after: String?, limit: Int, listing: String) -> (items: [T], nextMarker: String?) {
        let remaining = after.map { start in items.filter { key($0) > start } } ?? items
        let page = Array(remaining.prefix(limit))
        let next = remaining.count > limit ? page.last.map { make(listing, after: key($0)) } : nil
        return (page, next)
    }
}
