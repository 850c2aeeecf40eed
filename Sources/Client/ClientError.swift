/// What a client call can fail with.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// The service answered with an error.
    case service(status: Int, code: String, message: String, requestId: String?)
    /// The service could not be reached (connection refused, timeout, DNS).
    case unreachable(String)
    /// The response could not be understood.
    case invalidResponse(String)
    /// Bad local configuration (endpoint, credentials).
    case configuration(String)

    public var description: String {
        switch self {
        case .service(let status, let code, let message, let requestId):
            "\(code) (HTTP \(status)): \(message)" + (requestId.map { " [request \($0)]" } ?? "")
        case .unreachable(let detail): "service unreachable: \(detail)"
        case .invalidResponse(let detail): "invalid response: \(detail)"
        case .configuration(let detail): detail
        }
    }

    /// The service's error code, if the service answered.
    public var code: String? {
        if case .service(_, let code, _, _) = self { return code }
        return nil
    }

    /// Whether a retry may succeed: throttling and server faults, and unreachable services.
    var isRetryable: Bool {
        switch self {
        case .service(let status, _, _, _): status == 429 || status >= 500
        case .unreachable: true
        default: false
        }
    }
}
