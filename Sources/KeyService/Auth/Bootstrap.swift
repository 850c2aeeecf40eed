import Synchronization
import KeyCrypto

/// A newly issued access key. The secret is shown once and never stored in clear.
public struct IssuedCredentials: Sendable {
    public var principalName: String
    public var accessKeyId: String
    public var secretAccessKey: SecureBytes
}

extension KeyService {
    static let administratorSetting = "bootstrap.administrator"

    /// The id of the bootstrap administrator principal, once created.
    public var administratorId: String? { state.withLock { $0.settings[Self.administratorSetting] } }

    /// Creates the administrator principal and its first access key, once.
    /// Returns nil if an administrator already exists.
    public func bootstrapAdministrator(name: String = "admin") async throws -> IssuedCredentials? {
        try await mutate { state, now in
            if let existing = state.settings[Self.administratorSetting] {
                // A database from before roles existed: its administrator keeps full rights.
                guard state.bindings.isEmpty, state.principals[existing] != nil else { return ([], nil) }
                let binding = BindingRecord(
                    id: UUIDString.random(), principalId: existing, role: "admin", scope: .allKeys, conditions: [],
                    effect: .allow, createdAt: now)
                return ([.putBinding(binding)], nil)
            }
            let principal = PrincipalRecord(id: UUIDString.random(), name: name, kind: .user, enabled: true, createdAt: now)
            let (accessKey, secret) = try self.makeAccessKey(principalId: principal.id, at: now)
            let binding = BindingRecord(
                id: UUIDString.random(), principalId: principal.id, role: "admin", scope: .allKeys, conditions: [],
                effect: .allow, createdAt: now)
            return ([
                .putPrincipal(principal), .putAccessKey(accessKey), .putBinding(binding),
                .putSetting(name: Self.administratorSetting, value: principal.id),
            ], IssuedCredentials(principalName: name, accessKeyId: accessKey.id, secretAccessKey: secret))
        }
    }

    /// A new access key: id `AKIA` + 16 base32 characters, secret 40 base64 characters.
    func makeAccessKey(principalId: String, at now: Timestamp) throws -> (AccessKeyRecord, SecureBytes) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let idBytes = try SecureRandom.bytes(16)
        let id = "AKIA" + String(idBytes.map { alphabet[Int($0 & 31)] })
        let raw = try SecureBytes.random(count: 30)
        let secret = SecureBytes(copying: Array(Base64.encode(raw).utf8))
        let record = AccessKeyRecord(
            id: id, principalId: principalId, wrappedSecret: try keyring.wrapSecret(secret, accessKeyId: id),
            status: .active, createdAt: now)
        return (record, secret)
    }
}

/// Lowercase random (version 4) UUIDs from the CSPRNG.
enum UUIDString {
    static func random() -> String {
        var bytes = (try? SecureRandom.bytes(16)) ?? []
        precondition(bytes.count == 16, "CSPRNG failure")
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        return UUIDText.string(bytes)
    }
}
