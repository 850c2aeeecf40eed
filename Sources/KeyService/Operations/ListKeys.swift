import Synchronization
import Foundation
import KeyCrypto
import Logging

/// ListKeys: every key of this server, in any state, paginated by key id.
public enum ListKeys: Operation {
    public struct Input: OperationInput {
        public var limit: Int?
        public var marker: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case limit, marker }
        public init(limit: Int? = nil, marker: String? = nil) {
            self.limit = limit
            self.marker = marker
        }
    }

    public struct Entry: Encodable, Sendable {
        public var keyId: String
        public var keyArn: String
    }

    public struct Output: Encodable, Sendable {
        public var keys: [Entry]
        public var nextMarker: String?
        public var truncated: Bool
    }

    public static let action = Action.listKeys

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let limit = try Marker.limit(input.limit, range: 1...1000, default: 100)
        let after = try Marker.parse(input.marker, listing: "keys")
        let ids = service.read { state in state.keys.keys.sorted() }
        let page = Marker.page(ids, key: { $0 }, after: after, limit: limit, listing: "keys")
        return Output(
            keys: page.items.map { Entry(keyId: $0, keyArn: service.partition.keyArn($0)) },
            nextMarker: page.nextMarker, truncated: page.nextMarker != nil)
    }
}
