import Foundation
import KeyCrypto

/// The fingerprint by which the service binds a client certificate to a principal.
public enum ClientCertificate {
    /// SHA-256 of the certificate's DER, 64 lowercase hex digits: the first
    /// certificate (the leaf) of a PEM file or string, or a DER certificate.
    public static func fingerprint(certificate bytes: [UInt8]) throws -> String {
        let der = try Self.der(bytes)
        return Hex.encode(try Digest.hash(.sha256, der))
    }

    /// The fingerprint of the certificate in a PEM (or DER) file.
    public static func fingerprint(file path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientError.configuration("cannot read the certificate file \(path)")
        }
        return try fingerprint(certificate: Array(data))
    }

    /// The DER of the first `CERTIFICATE` block of PEM text, or the bytes themselves if they are DER.
    static func der(_ bytes: [UInt8]) throws -> [UInt8] {
        if bytes.first == 0x30 { return bytes }
        let text = String(decoding: bytes, as: UTF8.self)
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex),
              let der = Data(base64Encoded: String(text[start.upperBound..<stop.lowerBound]), options: .ignoreUnknownCharacters),
              der.first == 0x30
        else { throw ClientError.configuration("not a PEM certificate: expected a \(begin) block") }
        return Array(der)
    }
}
