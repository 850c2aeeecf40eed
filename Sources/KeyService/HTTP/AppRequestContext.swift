import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer address
/// and the channel (for the TLS client certificate, fetched only when needed).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The request's channel: the connection (HTTP/1.1) or an HTTP/2 stream. The
    /// context is built off the event loop, so only its future-returning API is used.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// Bodies are collected per route with the route's own limit.
    public var maxUploadSize: Int { 1 << 20 }
}
