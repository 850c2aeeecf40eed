import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
@testable import KeyService

/// A request must arrive whole within the timeout of its head; one that has
/// arrived, and a connection between requests, are left alone.
@Suite struct RequestReadTimeoutTests {
    static let head = HTTPRequestPart.head(HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/v1/random"))

    func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RequestReadTimeoutHandler(timeout: .seconds(30)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test func aRequestThatStopsArrivingIsClosed() throws {
        let channel = try channel()
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "abc")))
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func arrivedRequestsAndIdleConnectionsStayOpen() throws {
        let channel = try channel()
        for _ in 0..<3 {
            try channel.writeInbound(Self.head)
            try channel.writeInbound(HTTPRequestPart.end(nil))
            channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        }
        // Being answered (a long poll), or idle between requests: not this handler's business.
        channel.embeddedEventLoop.advanceTime(by: .seconds(120))
        #expect(channel.isActive)
        // A later request gets its own full 30 s, counted from its head.
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        _ = try? channel.finish()
    }
}

/// Hummingbird's bare 400 for bytes that are not HTTP gets the API's JSON error and a request id; nothing else is touched.
@Suite struct ParseErrorResponseTests {
    @Test func theBare400GetsABodyAndARequestId() throws {
        let channel = EmbeddedChannel(handler: ParseErrorResponseHandler())
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])))
        guard case .head(let head) = try #require(try channel.readOutbound(as: HTTPResponsePart.self)),
              case .body(let body) = try #require(try channel.readOutbound(as: HTTPResponsePart.self)) else {
            Issue.record("expected a head and a body")
            return
        }
        let requestId = try #require(head.headerFields[FrontDoor.requestIdHeader])
        #expect(head.headerFields[.contentType] == "application/json" && head.headerFields[.contentLength] == String(body.readableBytes))
        let text = String(buffer: body)
        #expect(text.contains(#""code":"MalformedRequest""#) && text.contains(requestId), "\(text)")

        // Our own responses (a body, a request id) pass unchanged.
        let own = HTTPResponse(status: .badRequest, headerFields: [.contentLength: "10", FrontDoor.requestIdHeader: "r"])
        try channel.writeOutbound(HTTPResponsePart.head(own))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .head(own))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        _ = try? channel.finish()
    }
}

