internal import COpenSSL

/// An error from the crypto library.
///
/// Carries the name of the failed operation and the OpenSSL error queue as it
/// was at the failure, drained so that a stale entry never blames a later call.
/// Messages name algorithms and OpenSSL reasons only, never key material.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An OpenSSL call failed (allocation, provider, bad parameters).
        case library
        /// Authentication failed: a tag, MAC or signature did not verify.
        case authenticationFailure
        /// The caller passed an argument outside the primitive's domain.
        case invalidArgument
    }

    public let kind: Kind
    public let operation: String
    /// OpenSSL's error strings for this failure, oldest first.
    public let openSSLErrors: [String]

    public var description: String {
        if openSSLErrors.isEmpty { return "\(operation) failed (\(kind))" }
        return "\(operation) failed (\(kind)): \(openSSLErrors.joined(separator: "; "))"
    }

    init(_ kind: Kind, _ operation: String, drainQueue: Bool = true) {
        self.kind = kind
        self.operation = operation
        self.openSSLErrors = drainQueue ? Self.drainErrorQueue() : []
    }

    /// Empties the thread's OpenSSL error queue and returns its entries.
    static func drainErrorQueue() -> [String] {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages
    }
}

/// Throws a `CryptoError` (draining the OpenSSL queue) unless `result == 1`.
@inline(__always)
func requireOne(_ result: Int32, _ operation: @autoclosure () -> String) throws(CryptoError) {
    guard result == 1 else { throw CryptoError(.library, operation()) }
}

/// Throws a `CryptoError` (draining the OpenSSL queue) if `pointer` is nil.
@inline(__always)
func requireNonNil<T>(_ pointer: T?, _ operation: @autoclosure () -> String) throws(CryptoError) -> T {
    guard let pointer else { throw CryptoError(.library, operation()) }
    return pointer
}

extension CryptoError {
    /// An authentication failure detected before any OpenSSL call (e.g. input too short to hold a tag).
    public static func authenticationFailure(_ operation: String) -> CryptoError {
        CryptoError(.authenticationFailure, operation, drainQueue: false)
    }
}
