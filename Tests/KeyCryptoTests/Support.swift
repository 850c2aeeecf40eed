import Foundation
import Testing
@testable import KeyCrypto

/// The kind of `CryptoError` that `body` throws, or nil if it returns normally
/// (any other error is recorded as a test failure).
func thrownKind<R>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R) -> CryptoError.Kind? {
    do {
        _ = try body()
        return nil
    } catch let error as CryptoError {
        return error.kind
    } catch {
        Issue.record(error, "expected a CryptoError", sourceLocation: sourceLocation)
        return nil
    }
}

extension DigestAlgorithm {
    /// The algorithm a vector file names (`SHA-256`, `sha256`, `SHA256`…).
    init?(vectorName: String) {
        switch vectorName.uppercased().replacingOccurrences(of: "-", with: "") {
        case "SHA1": self = .sha1
        case "SHA224": self = .sha224
        case "SHA256": self = .sha256
        case "SHA384": self = .sha384
        case "SHA512": self = .sha512
        default: return nil
        }
    }
}
