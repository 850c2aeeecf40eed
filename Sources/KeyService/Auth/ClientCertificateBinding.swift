import KeyCrypto

/// A client certificate bound to a principal: a second factor next to SigV4.
///
/// The binding is the SHA-256 of the certificate's DER, 64 lowercase hex digits
/// (what `openssl x509 -outform DER | sha256sum` prints). A request of a bound
/// principal is served only if it arrived over TLS on a connection whose client
/// certificate the handshake verified against the server's client CA
/// (`--tls-client-ca`) and whose DER has exactly that digest. The caller is told
/// `AccessDenied` and nothing more; the audit record names the reason.
/// Principals without a binding are unaffected.
public enum ClientCertificateBinding {
    /// Audit reason: the request presented no verified client certificate (plain HTTP, or TLS without one).
    public static let missingReason = "client certificate missing"
    /// Audit reason: the request presented a verified client certificate, but another one.
    public static let mismatchReason = "client certificate does not match the principal's"

    /// A fingerprint as the API accepts it (64 hex digits, either case), in its stored form (lowercase).
    public static func parseFingerprint(_ text: String) throws(KMSError) -> String {
        guard text.utf8.count == 64, text.utf8.allSatisfy(Self.isHexDigit) else {
            throw KMSError.validation(
                "clientCertificateFingerprint must be the SHA-256 of the certificate's DER as 64 hex digits"
                    + " (UpdatePrincipal: an empty string clears it).")
        }
        return text.lowercased()
    }

    /// Why a request of a principal bound to `bound` is refused, or nil if `presented`
    /// (the DER of the verified client certificate, nil if none) is the bound one.
    /// The digests are compared in constant time.
    public static func refusal(bound: String, presented: [UInt8]?) -> String? {
        guard let presented else { return missingReason }
        guard let digest = try? Digest.hash(.sha256, presented),
              constantTimeEquals(Array(bound.utf8), Array(Hex.encode(digest).utf8))
        else { return mismatchReason }
        return nil
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}

extension KeyService {
    /// The fingerprint of the client certificate bound to a principal, if any.
    func boundClientCertificate(principalId: String) -> String? {
        read { $0.principals[principalId]?.clientCertificateFingerprint }
    }

    /// How many principals have a bound client certificate.
    public var principalsWithClientCertificates: Int {
        read { $0.principals.values.count { $0.clientCertificateFingerprint != nil } }
    }
}
