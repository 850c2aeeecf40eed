import Logging
import Synchronization

/// Which front door a request came through.
public enum API: String, Sendable, Codable { case rest = "REST", aws = "AWS" }

/// Who is calling: established by SigV4 before any operation runs.
public struct Caller: Sendable, Equatable {
    public var principalId: String
    public var principalName: String
    public var accessKeyId: String
    public init(principalId: String, principalName: String, accessKeyId: String) {
        self.principalId = principalId
        self.principalName = principalName
        self.accessKeyId = accessKeyId
    }
}

/// Everything about a request that is not its payload.
public struct CallContext: Sendable {
    public var requestId: String
    public var caller: Caller
    public var api: API
    public var sourceAddress: String?
    public var userAgent: String?
    /// The logger for this request, its request id attached. (Built when used,
    /// which is rare, rather than on every request.)
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "requestId"] = "\(requestId)"
        return logger
    }
    private let baseLogger: Logger
    /// What the core learns about the request, for its audit record.
    public let note: AuditNote

    public init(requestId: String, caller: Caller, api: API, sourceAddress: String? = nil, userAgent: String? = nil,
                logger: Logger, note: AuditNote = AuditNote()) {
        self.note = note
        self.requestId = requestId
        self.caller = caller
        self.api = api
        self.sourceAddress = sourceAddress
        self.userAgent = userAgent
        self.baseLogger = logger
    }
}

/// One kind of request the service understands. Each conforming type lives in
/// its own file under `Operations/`, with its input, output and handler.
///
/// The front doors decode an `Input`, the core authorizes `action` against the
/// key the input names, runs the handler and returns the `Output`, which the
/// door encodes. No door holds a rule of its own.
public protocol Operation: Sendable {
    associatedtype Input: OperationInput
    associatedtype Output: Encodable & Sendable
    /// What the request asks to do.
    static var action: Action { get }
    /// The key the input names, if any, for authorization and audit.
    static func keyReference(_ input: Input) -> String?
    /// The encryption context the input carries, for conditions, grant constraints and audit.
    static func encryptionContext(_ input: Input) -> [String: String]?
    /// Whether the caller asked only whether the request would be allowed (AWS `DryRun`).
    static func isDryRun(_ input: Input) -> Bool
    /// True for the few operations whose handler authorizes itself (e.g. RetireGrant,
    /// which the grant's retiring principal may call without any binding).
    static var selfAuthorizing: Bool { get }
    /// Runs the request. Called only after authorization.
    static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output
}

extension Operation {
    public static func keyReference(_ input: Input) -> String? { nil }
    public static func encryptionContext(_ input: Input) -> [String: String]? { nil }
    public static func isDryRun(_ input: Input) -> Bool { false }
    public static var selfAuthorizing: Bool { false }
}

extension Operation {
    /// The operation's name: its type's name (`GenerateDataKey`), as the audit log records it.
    static var name: String { OperationNames.name(of: Self.self) }
}

/// Type names of operations, made once each: `String(describing:)` of a
/// type goes through runtime reflection, too slow for every request.
private enum OperationNames {
    static let cache = Mutex<[ObjectIdentifier: String]>([:])

    static func name(of type: any Operation.Type) -> String {
        let id = ObjectIdentifier(type)
        if let name = cache.withLock({ $0[id] }) { return name }
        let name = String(describing: type)
        cache.withLock { $0[id] = name }
        return name
    }
}
