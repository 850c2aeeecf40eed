import Foundation
import KeyCrypto
import Logging

/// TagResource: adds or replaces tags on a key (at most 50 per key).
public enum TagResource: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var tags: [WireTag]
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, tags }
        public init(keyId: String, tags: [WireTag]) {
            self.keyId = keyId
            self.tags = tags
        }
    }

    public static let action = Action.tagResource
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        try Validate.tags(input.tags)
        try await service.updateKey(input.keyId) { record in
            guard record.state != .pendingDeletion else { return .pendingDeletion }
            for tag in input.tags {
                if let index = record.tags.firstIndex(where: { $0.key == tag.tagKey }) {
                    record.tags[index].value = tag.tagValue
                } else {
                    record.tags.append(Tag(key: tag.tagKey, value: tag.tagValue))
                }
            }
            guard record.tags.count <= Limits.maxTagsPerKey else {
                return .custom(KMSError(.tag, "A key may have at most \(Limits.maxTagsPerKey) tags."))
            }
            record.tags.sort { $0.key < $1.key }
            return nil
        }
        return EmptyOutput()
    }
}

/// UntagResource: removes tags by key; absent keys are ignored.
public enum UntagResource: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var tagKeys: [String]
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, tagKeys }
        public init(keyId: String, tagKeys: [String]) {
            self.keyId = keyId
            self.tagKeys = tagKeys
        }
    }

    public static let action = Action.untagResource
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> EmptyOutput {
        guard input.tagKeys.allSatisfy({ (1...128).contains($0.count) }) else {
            throw KMSError.validation("Tag keys must be 1 to 128 characters long.")
        }
        try await service.updateKey(input.keyId) { record in
            guard record.state != .pendingDeletion else { return .pendingDeletion }
            record.tags.removeAll { input.tagKeys.contains($0.key) }
            return nil
        }
        return EmptyOutput()
    }
}

/// ListResourceTags: a key's tags, sorted by tag key, paginated.
public enum ListResourceTags: Operation {
    public struct Input: OperationInput {
        public var keyId: String
        public var limit: Int?
        public var marker: String?
        public enum CodingKeys: String, CodingKey, CaseIterable { case keyId, limit, marker }
        public init(keyId: String, limit: Int? = nil, marker: String? = nil) {
            self.keyId = keyId
            self.limit = limit
            self.marker = marker
        }
    }

    public struct Output: Encodable, Sendable {
        public var tags: [WireTag]
        public var nextMarker: String?
        public var truncated: Bool
    }

    public static let action = Action.listResourceTags
    public static func keyReference(_ input: Input) -> String? { input.keyId }

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let limit = try Marker.limit(input.limit, range: 1...50, default: 50)
        let after = try Marker.parse(input.marker, listing: "tags")
        let entry = try service.resolve(input.keyId, accept: .keyOnly)
        let tags = entry.record.tags.sorted { $0.key < $1.key }
        let page = Marker.page(tags, key: \.key, after: after, limit: limit, listing: "tags")
        return Output(
            tags: page.items.map { WireTag(tagKey: $0.key, tagValue: $0.value) },
            nextMarker: page.nextMarker, truncated: page.nextMarker != nil)
    }
}
