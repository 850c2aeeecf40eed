import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer address.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are collected per route with the route's own limit.
    public var maxUploadSize: Int { 1 << 20 }
}
