import Foundation
import KeyCrypto
import Logging

/// CreateKey: a new KMS key with fresh material: AES-256 for SYMMETRIC_DEFAULT,
/// random bytes of the digest size for HMAC specs, a private key for RSA and
/// ECC specs. With Origin EXTERNAL the key has none and waits in PendingImport.
public enum CreateKey: Operation {
    public struct Input: OperationInput {
        public var description: String?
        public var keyUsage: String?
        public var keySpec: String?
        public var customerMasterKeySpec: String?
        public var origin: String?
        public var tags: [WireTag]?
        public var multiRegion: Bool?
        public var policy: String?
        public var bypassPolicyLockoutSafetyCheck: Bool?
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case description, keyUsage, keySpec, customerMasterKeySpec, origin, tags, multiRegion
            case policy, bypassPolicyLockoutSafetyCheck
        }
        public init(description: String? = nil, keyUsage: String? = nil, keySpec: String? = nil, origin: String? = nil, tags: [WireTag]? = nil) {
            self.description = description
            self.keyUsage = keyUsage
            self.keySpec = keySpec
            self.origin = origin
            self.tags = tags
        }
    }

    public struct Output: Encodable, Sendable {
        public var keyMetadata: KeyMetadata
    }

    public static let action = Action.createKey

    /// The enums of the AWS KMS model (botocore service-2.json, 2014-11-01).
    static let modelCustomerMasterKeySpecs = [
        "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
        "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
    ]
    static let modelKeySpecs = modelCustomerMasterKeySpecs + ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519"]
    static let modelKeyUsages = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]
    static let modelOrigins = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]

    public static func handle(_ input: Input, service: KeyService, context: CallContext) async throws -> Output {
        let description = input.description ?? ""
        try Validate.description(description)
        // Values outside the AWS model's enums are ValidationException, as AWS answers;
        // modeled values this service lacks are UnsupportedOperationException below.
        try Validate.member(input.keySpec, named: "keySpec", in: modelKeySpecs)
        try Validate.member(input.customerMasterKeySpec, named: "customerMasterKeySpec", in: modelCustomerMasterKeySpecs)
        try Validate.member(input.keyUsage, named: "keyUsage", in: modelKeyUsages)
        try Validate.member(input.origin, named: "origin", in: modelOrigins)
        if let a = input.keySpec, let b = input.customerMasterKeySpec, a != b {
            throw KMSError.validation("KeySpec and CustomerMasterKeySpec must not differ.")
        }
        let specName = input.keySpec ?? input.customerMasterKeySpec ?? KeySpec.symmetricDefault.rawValue
        guard let spec = KeySpec(rawValue: specName) else {
            throw KMSError(.unsupportedOperation, "KeySpec \(sanitizedForMessage(specName)) is not supported by this service.")
        }
        let usageName = input.keyUsage ?? spec.allowedUsages[0].rawValue
        guard let usage = KeyUsage(rawValue: usageName), spec.allowedUsages.contains(usage) else {
            throw KMSError.validation("KeyUsage \(sanitizedForMessage(usageName)) is not valid for KeySpec \(spec.rawValue).")
        }
        let originName = input.origin ?? KeyOrigin.awsKMS.rawValue
        guard let origin = KeyOrigin(rawValue: originName) else {
            throw KMSError(.unsupportedOperation, "Origin \(sanitizedForMessage(originName)) is not supported by this service.")
        }
        guard input.multiRegion != true else {
            throw KMSError(.unsupportedOperation, "Multi-Region keys are not supported by this service.")
        }
        let tags = input.tags ?? []
        guard tags.count <= Limits.maxTagsPerKey else { throw KMSError(.tag, "A key may have at most 50 tags.") }
        try Validate.tags(tags)
        if let policy = input.policy {
            // As PutKeyPolicy, before anything is created.
            try service.checkKeyPolicy(policy, bypassLockoutSafetyCheck: input.bypassPolicyLockoutSafetyCheck == true, context: context)
        }

        // Material is made before the write (an RSA-4096 key takes a while), never
        // for imported keys: they start PendingImport with none.
        let id = UUIDString.random()
        var version: KeyVersionRecord?
        if origin == .awsKMS {
            version = try service.newVersion(keyId: id, spec: spec, version: 1, type: .initial, at: service.now)
        }
        let initial = version
        let record = try await service.mutate { _, now in
            let record = KeyRecord(
                id: id, createdAt: now, description: description, state: origin == .external ? .pendingImport : .enabled,
                usage: usage, spec: spec, origin: origin, rotationEnabled: false, rotationPeriodDays: nil, nextRotationAt: nil,
                deletionAt: nil, latestVersion: 1, tags: tags.map { Tag(key: $0.tagKey, value: $0.tagValue) })
            let policy: [StoreChange] = input.policy.map { [.putKeyPolicy(keyId: id, policy: $0)] } ?? []
            return ([.putKey(record)] + (initial.map { [.addVersion($0)] } ?? []) + policy, record)
        }
        context.note.update { $0.keyId = record.id; $0.keyVersion = version == nil ? nil : 1 }
        context.logger.info("key created", metadata: ["keyId": "\(record.id)"])
        return Output(keyMetadata: KeyMetadata(record, partition: service.partition, now: service.now))
    }
}
