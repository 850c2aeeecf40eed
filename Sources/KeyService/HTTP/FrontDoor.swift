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
    let logger: Logger

    static let requestIdHeader = HTTPField.Name("x-request-id")!
    static let awsRequestIdHeader = HTTPField.Name("x-amzn-RequestId")!

    /// A request after authentication: its body, caller and context.
    struct Authenticated {
        var body: ByteBuffer
        var context: CallContext
    }

    /// Collects the body (up to `limit`) and verifies its signature.
    func authenticate(_ request: Request, context: AppRequestContext, requestId: String, api: API, bodyLimit: Int) async throws(KMSError) -> Authenticated {
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
        let caller = try body.withUnsafeReadableBytes { (bytes) throws(KMSError) -> Caller in
            try verifier.verify(
                SigV4Verifier.Request(
                    method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
                    headers: headers, body: bytes),
                nowSeconds: service.now.microseconds / 1_000_000)
        }
        service.recordUse(accessKeyId: caller.accessKeyId)
        var logger = self.logger
        logger[metadataKey: "requestId"] = "\(requestId)"
        return Authenticated(body: body, context: CallContext(
            requestId: requestId, caller: caller, api: api,
            sourceAddress: context.remoteAddress?.ipAddress,
            userAgent: request.headers[.userAgent], logger: logger))
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
