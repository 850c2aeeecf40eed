import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import KeyCrypto
import Logging
import NIOCore

/// What both front doors share: request ids, body collection, SigV4
/// authentication, and turning outputs and errors into responses.
struct FrontDoor: Sendable {
    let service: KeyService
    let verifier: SigV4Verifier
    let audit: AuditLog
    let metrics: ServiceMetrics
    let rateLimiter: RateLimiter?
    let logger: Logger

    static let requestIdHeader = HTTPField.Name("x-request-id")!
    static let awsRequestIdHeader = HTTPField.Name("x-amzn-RequestId")!

    /// A request after authentication: its body, caller and context.
    struct Authenticated {
        var body: ByteBuffer
        var context: CallContext
    }

    /// Serves one API request: refuses at once while the audit log cannot be
    /// written (fail closed); authenticates; runs; writes the request's audit
    /// record durably; and only then answers. If the record cannot be written the
    /// answer is a 503 and whatever the request produced (key material included)
    /// is dropped.
    func serve(
        _ request: Request, context: AppRequestContext, api: API, action: String, bodyLimit: Int,
        errorResponse: (KMSError, String) -> Response,
        run: (Authenticated) async throws(KMSError) -> Response
    ) async -> Response {
        let requestId = Self.newRequestId()
        let started = ContinuousClock.now
        let sourceAddress = context.remoteAddress?.ipAddress
        let userAgent = request.headers[.userAgent].map { String($0.prefix(512)) }
        guard audit.isHealthy else {
            // Refused before anything ran (not even authentication); the record is written once the log recovers.
            let refusal = KMSError(.auditUnavailable, "The audit log cannot be written; no request is served until it can.")
            audit.enqueue(AuditRecord(
                sequence: 0, time: service.now.microseconds, requestId: requestId,
                sourceAddress: sourceAddress, userAgent: userAgent, api: api.rawValue, action: action, outcome: .error, errorCode: refusal.code.awsType,
                reason: "refused unauthenticated: the audit log could not be written"))
            return errorResponse(refusal, requestId)
        }
        let note = AuditNote()
        var caller: Caller?
        let result: Result<Response, KMSError>
        do throws(KMSError) {
            let authenticated = try await authenticate(request, context: context, requestId: requestId, api: api, bodyLimit: bodyLimit,
                                                             sourceAddress: sourceAddress, note: note)
            caller = authenticated.context.caller
            if let rateLimiter, !rateLimiter.allow(authenticated.context.caller.principalId) {
                metrics.throttle()
                throw KMSError(.throttling, "Rate exceeded.")
            }
            result = .success(try await run(authenticated))
        } catch {
            result = .failure(error)
        }
        let fields = note.snapshot
        if caller == nil { caller = fields.refusedCaller }
        let failure: KMSError? = if case .failure(let error) = result { error } else { nil }
        let record = AuditRecord(
            sequence: 0, time: service.now.microseconds, requestId: requestId,
            principalId: caller?.principalId, principalName: caller?.principalName, accessKeyId: caller?.accessKeyId ?? fields.claimedAccessKeyId,
            sourceAddress: sourceAddress, userAgent: userAgent,
            api: api.rawValue, action: fields.action ?? action, keyId: fields.keyId, keyVersion: fields.keyVersion,
            keyReference: fields.keyReference, encryptionContext: fields.encryptionContext, grantId: fields.grantId,
            outcome: failure == nil ? .allowed : (failure?.code == .accessDenied ? .denied : .error),
            errorCode: failure.map { $0.code.awsType }, reason: failure == nil ? nil : fields.reason)
        metrics.record(action: record.action, outcome: record.outcome, duration: ContinuousClock.now - started)
        if let refusal = await recordDurably(record, context: context, errorResponse: errorResponse) { return refusal }
        switch result {
        case .success(let response): return response
        case .failure(let error):
            logFailure(error, requestId: requestId, route: action)
            return errorResponse(error, requestId)
        }
    }

    /// Answers a request that matched no route (or a route with another method),
    /// after writing its audit record durably like every other request's: probes
    /// of the API leave a trace. Nothing about it is authenticated.
    func serveUnrouted(_ request: Request, context: AppRequestContext, code: KMSError.Code, message: String) async -> Response {
        let requestId = Self.newRequestId()
        let api: API = request.headers[HTTPField.Name("x-amz-target")!] == nil ? .rest : .aws
        func errorResponse(_ error: KMSError, _ requestId: String) -> Response {
            api == .rest ? RESTDoor.errorResponse(error, requestId: requestId) : AWSDoor.errorResponse(error, requestId: requestId)
        }
        let record = AuditRecord(
            sequence: 0, time: service.now.microseconds, requestId: requestId,
            sourceAddress: context.remoteAddress?.ipAddress, userAgent: request.headers[.userAgent].map { String($0.prefix(512)) },
            api: api.rawValue, action: code.restCode, outcome: .error, errorCode: code.awsType,
            reason: "no route for \(sanitizedForMessage(request.method.rawValue, limit: 16)) \(sanitizedForMessage(request.uri.path, limit: 200))")
        guard audit.isHealthy else {
            audit.enqueue(record)
            return errorResponse(KMSError(.auditUnavailable, "The audit log cannot be written; no request is served until it can."), requestId)
        }
        return await recordDurably(record, context: context, errorResponse: errorResponse) ?? errorResponse(KMSError(code, message), requestId)
    }

    /// Writes a request's record durably before its answer; if it cannot, the
    /// answer is a 503 in place of whatever the request produced (fail closed).
    private func recordDurably(_ record: AuditRecord, context: AppRequestContext,
                               errorResponse: (KMSError, String) -> Response) async -> Response? {
        do {
            try await audit.append(record, resumingOn: context.channel.eventLoop)
            return nil
        } catch {
            logFailure(KMSError(.auditUnavailable, ""), requestId: record.requestId, route: record.action)
            return errorResponse(KMSError(.auditUnavailable, "The audit log cannot be written; the request was not completed."), record.requestId)
        }
    }

    /// Collects the body (up to `limit`) and verifies its signature.
    func authenticate(_ request: Request, context: AppRequestContext, requestId: String, api: API, bodyLimit: Int, sourceAddress: String?,
                      note: AuditNote) async throws(KMSError) -> Authenticated {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw KMSError(.payloadTooLarge, "The request body exceeds \(bodyLimit) bytes.")
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count + 1)
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let caller: Caller
        do throws(KMSError) {
            caller = try body.withUnsafeReadableBytes { (bytes) throws(KMSError) -> Caller in
                try verifier.verify(
                    SigV4Verifier.Request(
                        method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
                        headers: headers, body: bytes),
                    nowSeconds: service.now.microseconds / 1_000_000)
            }
        } catch {
            noteRefusedSignature(error, headers: headers, requestId: requestId, sourceAddress: sourceAddress, note: note)
            throw error
        }
        try await requireBoundClientCertificate(caller, context: context, note: note)
        service.recordUse(accessKeyId: caller.accessKeyId)
        return Authenticated(body: body, context: CallContext(
            requestId: requestId, caller: caller, api: api,
            sourceAddress: sourceAddress, userAgent: request.headers[.userAgent], logger: logger, note: note))
    }

    /// Names, in the audit record and the log, who a refused signature claimed to
    /// be and why it was refused: an unknown, inactive or disabled identity, or the
    /// verifier's own reason (expired, wrong scope, wrong signature). A failed
    /// sign-in must leave a trace that says which credential is being tried.
    func noteRefusedSignature(_ error: KMSError, headers: [(name: String, value: String)], requestId: String,
                              sourceAddress: String?, note: AuditNote) {
        let claimed = SigV4Verifier.claimedAccessKeyId(headers: headers)
        let known = claimed.map { service.refusedCredential(accessKeyId: $0) }
        let reason: String = switch error.code {
        case .missingAuthenticationToken: "the request is not signed"
        case .unrecognizedClient: known?.reason ?? error.message
        default: error.message
        }
        note.update {
            $0.refusedCaller = known?.caller
            $0.claimedAccessKeyId = claimed
            $0.reason = "signature refused: " + reason
        }
        guard error.code != .missingAuthenticationToken else { return }
        logger.notice("signature refused", metadata: [
            "requestId": "\(requestId)", "accessKeyId": "\(claimed ?? "-")", "principal": "\(known?.caller?.principalName ?? "-")",
            "source": "\(sourceAddress ?? "-")", "reason": "\(reason)",
        ])
    }

    static func newRequestId() -> String { UUIDString.random() }

    /// A JSON response carrying the request id.
    static func json(_ bytes: some Sequence<UInt8>, status: HTTPResponse.Status, contentType: String, requestId: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(
            status: status,
            headers: [.contentType: contentType, requestIdHeader: requestId, awsRequestIdHeader: requestId],
            body: .init(byteBuffer: buffer))
    }

    /// Logs server faults in full; the caller gets only the code and safe message.
    func logFailure(_ error: KMSError, requestId: String, route: String) {
        if error.isServerFault {
            logger.error("request failed", metadata: ["requestId": "\(requestId)", "route": "\(route)", "code": "\(error.code.rawValue)"])
        } else {
            logger.debug("request refused", metadata: ["requestId": "\(requestId)", "route": "\(route)", "code": "\(error.code.rawValue)"])
        }
    }
}
