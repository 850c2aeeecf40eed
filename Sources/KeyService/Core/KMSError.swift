/// A domain error: a code, and a message that is safe to show the caller.
///
/// Messages never contain key material, plaintext, secrets or signatures. The
/// one place that turns a code into an HTTP status and a wire name is
/// `KMSError.Code.httpStatus` / `.awsType` / `.restCode`; no front door chooses
/// a status on its own, and none looks at message text.
public struct KMSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        // Client faults from the KMS model.
        case notFound, disabled, invalidState, alreadyExists, invalidCiphertext, incorrectKey
        case invalidKeyUsage, invalidArn, invalidAliasName, invalidMarker, limitExceeded, tag
        case unsupportedOperation, malformedPolicyDocument, invalidGrantToken, invalidGrantId, dryRunOperation
        // Imported key material, signatures and MACs.
        case invalidImportToken, expiredImportToken, incorrectKeyMaterial, kmsInvalidSignature, kmsInvalidMac
        // Front-end faults.
        case validation, serialization, unknownOperation, accessDenied, throttling, payloadTooLarge
        case missingAuthenticationToken, incompleteSignature, unrecognizedClient, invalidSignature
        case routeNotFound, methodNotAllowed, unsupportedMediaType
        // Server faults.
        case internalError, keyUnavailable, dependencyTimeout, auditUnavailable
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.awsType): \(message)" }

    /// True for faults of the server rather than of the request.
    public var isServerFault: Bool { code.httpStatus >= 500 }
}

extension KMSError.Code {
    /// The HTTP status for this code on both front doors (AWS clients key on `__type`, not status).
    public var httpStatus: Int {
        switch self {
        case .notFound, .routeNotFound: 404
        case .accessDenied: 403
        case .missingAuthenticationToken, .incompleteSignature, .unrecognizedClient, .invalidSignature: 403
        case .disabled, .invalidState, .alreadyExists: 409
        case .methodNotAllowed: 405
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .throttling: 429
        case .dryRunOperation: 412
        case .internalError, .keyUnavailable: 500
        case .dependencyTimeout, .auditUnavailable: 503
        default: 400
        }
    }

    /// The exception name the AWS JSON protocol puts in `__type`.
    public var awsType: String {
        switch self {
        case .notFound: "NotFoundException"
        case .disabled: "DisabledException"
        case .invalidState: "KMSInvalidStateException"
        case .alreadyExists: "AlreadyExistsException"
        case .invalidCiphertext: "InvalidCiphertextException"
        case .incorrectKey: "IncorrectKeyException"
        case .invalidKeyUsage: "InvalidKeyUsageException"
        case .invalidArn: "InvalidArnException"
        case .invalidAliasName: "InvalidAliasNameException"
        case .invalidMarker: "InvalidMarkerException"
        case .limitExceeded: "LimitExceededException"
        case .tag: "TagException"
        case .unsupportedOperation: "UnsupportedOperationException"
        case .malformedPolicyDocument: "MalformedPolicyDocumentException"
        case .invalidGrantToken: "InvalidGrantTokenException"
        case .invalidGrantId: "InvalidGrantIdException"
        case .dryRunOperation: "DryRunOperationException"
        case .invalidImportToken: "InvalidImportTokenException"
        case .expiredImportToken: "ExpiredImportTokenException"
        case .incorrectKeyMaterial: "IncorrectKeyMaterialException"
        case .kmsInvalidSignature: "KMSInvalidSignatureException"
        case .kmsInvalidMac: "KMSInvalidMacException"
        case .validation, .payloadTooLarge, .unsupportedMediaType: "ValidationException"
        case .serialization: "SerializationException"
        case .unknownOperation, .routeNotFound, .methodNotAllowed: "UnknownOperationException"
        case .accessDenied: "AccessDeniedException"
        case .throttling: "ThrottlingException"
        case .missingAuthenticationToken: "MissingAuthenticationTokenException"
        case .incompleteSignature: "IncompleteSignatureException"
        case .unrecognizedClient: "UnrecognizedClientException"
        case .invalidSignature: "InvalidSignatureException"
        case .internalError: "KMSInternalException"
        case .keyUnavailable: "KeyUnavailableException"
        case .dependencyTimeout, .auditUnavailable: "DependencyTimeoutException"
        }
    }

    /// The code the REST API puts in `error.code`.
    public var restCode: String {
        switch self {
        case .notFound: "NotFound"
        case .disabled: "Disabled"
        case .invalidState: "InvalidState"
        case .alreadyExists: "AlreadyExists"
        case .invalidCiphertext: "InvalidCiphertext"
        case .incorrectKey: "IncorrectKey"
        case .invalidKeyUsage: "InvalidKeyUsage"
        case .invalidArn: "InvalidArn"
        case .invalidAliasName: "InvalidAliasName"
        case .invalidMarker: "InvalidMarker"
        case .limitExceeded: "LimitExceeded"
        case .tag: "InvalidTag"
        case .unsupportedOperation: "UnsupportedOperation"
        case .malformedPolicyDocument: "MalformedPolicyDocument"
        case .invalidGrantToken: "InvalidGrantToken"
        case .invalidGrantId: "InvalidGrantId"
        case .dryRunOperation: "DryRunOperation"
        case .invalidImportToken: "InvalidImportToken"
        case .expiredImportToken: "ExpiredImportToken"
        case .incorrectKeyMaterial: "IncorrectKeyMaterial"
        case .kmsInvalidSignature: "KMSInvalidSignature"
        case .kmsInvalidMac: "KMSInvalidMac"
        case .validation: "ValidationError"
        case .serialization: "MalformedRequest"
        case .unknownOperation: "UnknownOperation"
        case .routeNotFound: "RouteNotFound"
        case .methodNotAllowed: "MethodNotAllowed"
        case .payloadTooLarge: "PayloadTooLarge"
        case .unsupportedMediaType: "UnsupportedMediaType"
        case .accessDenied: "AccessDenied"
        case .throttling: "Throttled"
        case .missingAuthenticationToken: "MissingAuthentication"
        case .incompleteSignature: "IncompleteSignature"
        case .unrecognizedClient: "UnrecognizedClient"
        case .invalidSignature: "InvalidSignature"
        case .internalError: "InternalError"
        case .keyUnavailable: "KeyUnavailable"
        case .dependencyTimeout: "DependencyTimeout"
        case .auditUnavailable: "AuditUnavailable"
        }
    }
}

extension KMSError {
    static func validation(_ message: String) -> KMSError { KMSError(.validation, message) }
    static func notFound(_ message: String) -> KMSError { KMSError(.notFound, message) }
    static let internalFailure = KMSError(.internalError, "The service could not complete the request.")
    static let storeUnavailable = KMSError(.dependencyTimeout, "The key store is unavailable; the request was not applied.")
}
