/// Someone who calls the service: a person, a service or a pipeline.
public struct PrincipalRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case user, service, pipeline
    }
    public var id: String
    public var name: String
    public var kind: Kind
    public var enabled: Bool
    public var createdAt: Timestamp
    /// The client certificate bound to this principal as a second factor: the
    /// SHA-256 of its DER, 64 lowercase hex digits. When set, every request of
    /// the principal must arrive over TLS with exactly this (verified) certificate.
    public var clientCertificateFingerprint: String? = nil
}

/// An access key (id + secret, used with SigV4). The secret is stored only
/// wrapped under the root key's credential subkey, bound to the access key id.
public struct AccessKeyRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case active = "Active", inactive = "Inactive" }
    public var id: String
    public var principalId: String
    public var wrappedSecret: [UInt8]
    public var status: Status
    public var createdAt: Timestamp
}
