import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request has not fully arrived `timeout` after its
/// head: a client that stops half-way through a body would otherwise hold the
/// connection, and graceful shutdown, for as long as it likes. Connections idle
/// between requests are closed by the server's idle timeout instead; a request
/// that has arrived and is being answered (an audit long poll) is not affected.
///
/// One timer per connection, not per request: it is set when a head arrives and
/// none is pending, and when it fires it closes the connection, re-arms for the
/// request still arriving, or lapses. A request costs one clock read (the loop's clock).
final class RequestReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    /// When the request now arriving started (its head), or nil between requests.
    private var arrivingSince: NIODeadline?
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            let now = context.eventLoop.now
            arrivingSince = now
            if timer == nil { arm(context, at: now + timeout) }
        case .end:
            arrivingSince = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            guard let since = handler.arrivingSince else { return }
            if context.eventLoop.now - since >= handler.timeout {
                context.close(promise: nil)
            } else {
                handler.arm(context, at: since + handler.timeout)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}

/// Gives the bare 400 that Hummingbird writes for bytes that do not parse as HTTP
/// (a garbage request line, a header too large, Content-Length with
/// Transfer-Encoding) the API's JSON error body and a request id, like every
/// other response. Only that response matches: a 400 without a body or a request
/// id, which no route of ours writes.
final class ParseErrorResponseHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.status == .badRequest,
              head.headerFields[.contentLength] == "0", head.headerFields[FrontDoor.requestIdHeader] == nil else {
            context.write(data, promise: promise)
            return
        }
        let requestId = FrontDoor.newRequestId()
        let body = RESTDoor.errorBody(KMSError(.serialization, "The request is not valid HTTP/1.1."), requestId: requestId)
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.contentType] = RESTDoor.contentType
        head.headerFields[FrontDoor.requestIdHeader] = requestId
        head.headerFields[FrontDoor.awsRequestIdHeader] = requestId
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: promise)
    }
}
