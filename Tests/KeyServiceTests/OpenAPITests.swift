import Foundation
import HTTPTypes
import KeyCrypto
import Testing
@testable import KeyService
// KeyService's Operation, not Foundation's.
import protocol KeyService.Operation

/// The OpenAPI document served at /v1/openapi.json must describe exactly the
/// routes `RESTDoor.routes` serves, with the members their inputs accept and
/// their outputs encode.
@Suite struct OpenAPITests {
    @Test func documentIsOpenAPI31JSON() throws {
        let doc = try openAPIDocument()
        let version = try #require(doc["openapi"] as? String)
        #expect(version.hasPrefix("3.1."))
        let info = try #require(doc["info"] as? [String: Any])
        #expect(info["title"] as? String == "kms — key management service")
        #expect(info["version"] as? String == "1.0.0")
        let servers = try #require(doc["servers"] as? [[String: Any]])
        #expect(servers.first?["url"] as? String == "http://127.0.0.1:8720")
    }

    @Test func everyRouteIsDocumentedWithItsSuccessStatus() throws {
        let doc = try openAPIDocument()
        for route in RESTDoor.routes {
            let operation = try #require(
                documentedOperation(doc, path: route.path, method: route.method),
                "\(route.method.rawValue) \(route.path) is not documented")
            let responses = try #require(operation["responses"] as? [String: Any])
            let hasSuccess = responses["\(route.status.code)"] != nil
            #expect(hasSuccess, "\(route.method.rawValue) \(route.path) lacks \(route.status.code)")
            #expect(operation["operationId"] as? String == awsOperationName(route), "\(route.method.rawValue) \(route.path)")
        }
    }

    @Test func documentHasNoPhantomRoutes() throws {
        let doc = try openAPIDocument()
        let paths = try #require(doc["paths"] as? [String: Any])
        let served = Set(RESTDoor.routes.map { "\($0.method.rawValue.lowercased()) \($0.path)" })
        var documented = Set<String>()
        for (path, item) in paths {
            let item = try #require(item as? [String: Any])
            for method in item.keys where httpMethods.contains(method) {
                documented.insert("\(method) \(path)")
            }
        }
        let unauthenticated: Set = ["get /v1/health", "get /v1/openapi.json"]
        #expect(documented.subtracting(unauthenticated) == served)
        #expect(unauthenticated.isSubset(of: documented))
    }

    @Test func documentedInputsEqualAcceptedFields() throws {
        let doc = try openAPIDocument()
        let accepted = acceptedFields()
        #expect(accepted.count == 64)
        #expect(Set(accepted.keys) == Set(RESTDoor.routes.compactMap(awsOperationName)))
        for route in RESTDoor.routes {
            let label = "\(route.method.rawValue) \(route.path)"
            let operation = try #require(documentedOperation(doc, path: route.path, method: route.method), "\(label)")
            let operationId = try #require(operation["operationId"] as? String, "\(label)")
            let expected = try #require(accepted[operationId], "\(label): unknown operationId \(operationId)")

            var fields = Set<String>()
            var pathParameters = Set<String>()
            for raw in operation["parameters"] as? [Any] ?? [] {
                let parameter = try #require(resolve(raw, in: doc), "\(label): unresolvable parameter")
                let name = try #require(parameter["name"] as? String)
                switch parameter["in"] as? String {
                case "path":
                    #expect(parameter["required"] as? Bool == true, "\(label): path parameter \(name) must be required")
                    pathParameters.insert(name)
                    if let field = route.pathFields[name] {
                        fields.insert(field)
                    } else {
                        Issue.record("\(label): documented path parameter \(name) is not served")
                    }
                case "query":
                    if let field = route.queryFields[name]?.field {
                        fields.insert(field)
                    } else {
                        Issue.record("\(label): documented query parameter \(name) is not served")
                    }
                default:
                    Issue.record("\(label): parameter \(name) is neither in path nor in query")
                }
            }
            #expect(pathParameters == Set(route.pathFields.keys), "\(label): path parameters")
            #expect(pathParameters == placeholders(in: route.path), "\(label): path template parameters")

            if let requestBody = operation["requestBody"] {
                let body = try #require(resolve(requestBody, in: doc), "\(label)")
                let content = try #require(body["content"] as? [String: Any], "\(label)")
                let schema = try #require(resolve((content["application/json"] as? [String: Any])?["schema"], in: doc), "\(label)")
                #expect(schema["additionalProperties"] as? Bool == false, "\(label): body must refuse unknown members")
                let properties = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
                let required = Set(schema["required"] as? [String] ?? [])
                #expect(required.isSubset(of: properties), "\(label): required members must be properties")
                #expect(properties.isDisjoint(with: Set(route.pathFields.values)), "\(label): path members must not be in the body")
                fields.formUnion(properties)
            }
            #expect(fields == expected, "\(label): documented \(fields.sorted()) vs accepted \(expected.sorted())")
        }
    }

    @Test func securityIsGlobalExceptForUnauthenticatedRoutes() throws {
        let doc = try openAPIDocument()
        let security = try #require(doc["security"] as? [[String: Any]])
        let schemeName = try #require(security.first?.keys.first)
        let components = try #require(doc["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: Any])
        let scheme = try #require(schemes[schemeName] as? [String: Any])
        #expect(scheme["type"] as? String == "apiKey")
        #expect(scheme["in"] as? String == "header")
        #expect(scheme["name"] as? String == "Authorization")
        for path in ["/v1/health", "/v1/openapi.json"] {
            let operation = try #require(documentedOperation(doc, path: path, method: .get))
            let override = try #require(operation["security"] as? [Any], "\(path) must override security")
            #expect(override.isEmpty, "\(path) must be unauthenticated")
        }
        for route in RESTDoor.routes {
            let operation = try #require(documentedOperation(doc, path: route.path, method: route.method))
            let overridesSecurity = operation["security"] != nil
            #expect(!overridesSecurity, "\(route.method.rawValue) \(route.path) must use the global security")
        }
    }

    @Test func responsesCarryRequestIdsAndErrorsTheErrorSchema() throws {
        let doc = try openAPIDocument()
        let paths = try #require(doc["paths"] as? [String: Any])
        for (path, item) in paths {
            let item = try #require(item as? [String: Any])
            for (method, operation) in item where httpMethods.contains(method) {
                let operation = try #require(operation as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: Any])
                for (status, raw) in responses {
                    let label = "\(method) \(path) \(status)"
                    let response = try #require(resolve(raw, in: doc), "\(label)")
                    let headers = response["headers"] as? [String: Any] ?? [:]
                    let hasRequestIds = headers["x-request-id"] != nil && headers["x-amzn-RequestId"] != nil
                    #expect(hasRequestIds, "\(label): request id headers")
                    if let code = Int(status), code >= 400 {
                        let content = response["content"] as? [String: Any]
                        let schema = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                        #expect(schema?["$ref"] as? String == "#/components/schemas/Error", "\(label): error schema")
                    }
                }
            }
        }
        for route in RESTDoor.routes {
            let operation = try #require(documentedOperation(doc, path: route.path, method: route.method))
            let responses = try #require(operation["responses"] as? [String: Any])
            for status in ["400", "403", "413", "415", "500", "503"] {
                let hasStatus = responses[status] != nil
                #expect(hasStatus, "\(route.method.rawValue) \(route.path) lacks \(status)")
            }
        }
    }

    /// Encoded sample outputs must have exactly the documented members (all optionals set)
    /// or at least the required ones (optionals nil), at every level.
    @Test func documentedOutputsMatchEncodedOutputs() throws {
        let doc = try openAPIDocument()
        let samples = try outputSamples()
        #expect(Set(samples.map(\.operationId)) == Set(acceptedFields().keys), "every operation has a sample output")
        for route in RESTDoor.routes {
            let operation = try #require(documentedOperation(doc, path: route.path, method: route.method))
            let operationId = try #require(operation["operationId"] as? String)
            let responses = try #require(operation["responses"] as? [String: Any])
            let response = try #require(resolve(responses["\(route.status.code)"], in: doc))
            let content = try #require(response["content"] as? [String: Any])
            let schema = try #require(resolve((content["application/json"] as? [String: Any])?["schema"], in: doc))
            for sample in samples where sample.operationId == operationId {
                let problems = shapeProblems(sample.json, schema: schema, exact: sample.exact, in: doc, at: operationId)
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }
}

// MARK: - Helpers

private let httpMethods: Set = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

private func openAPIDocument() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))
    return try #require(object as? [String: Any])
}

private func documentedOperation(_ doc: [String: Any], path: String, method: HTTPRequest.Method) -> [String: Any]? {
    let paths = doc["paths"] as? [String: Any]
    let item = paths?[path] as? [String: Any]
    return item?[method.rawValue.lowercased()] as? [String: Any]
}

/// Follows local `$ref`s (`#/components/...`) to the object they name.
private func resolve(_ value: Any?, in doc: [String: Any]) -> [String: Any]? {
    guard var object = value as? [String: Any] else { return nil }
    var hops = 0
    while let reference = object["$ref"] as? String {
        guard reference.hasPrefix("#/"), hops < 16 else { return nil }
        var current: Any = doc
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let next = (current as? [String: Any])?[String(part)] else { return nil }
            current = next
        }
        guard let next = current as? [String: Any] else { return nil }
        object = next
        hops += 1
    }
    return object
}

/// `{keyId}` placeholders of a route path.
private func placeholders(in path: String) -> Set<String> {
    Set(path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) })
}

/// The operation name (the documented operationId) of a route: the name of its
/// `Operation` type, which is the AWS operation name for every KMS operation. It
/// differs from the action where several operations share one (ReEncrypt is
/// authorized as kms:ReEncryptFrom; the audit reads as audit:ReadAuditLog).
private func awsOperationName(_ route: RESTRoute) -> String? {
    route.operationId
}

/// Every member each operation's input accepts, by AWS operation name.
private func acceptedFields() -> [String: Set<String>] {
    [
        "CreateKey": Set(CreateKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListKeys": Set(ListKeys.Input.CodingKeys.allCases.map(\.stringValue)),
        "DescribeKey": Set(DescribeKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateKeyDescription": Set(UpdateKeyDescription.Input.CodingKeys.allCases.map(\.stringValue)),
        "EnableKey": Set(EnableKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "DisableKey": Set(DisableKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "ScheduleKeyDeletion": Set(ScheduleKeyDeletion.Input.CodingKeys.allCases.map(\.stringValue)),
        "CancelKeyDeletion": Set(CancelKeyDeletion.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListResourceTags": Set(ListResourceTags.Input.CodingKeys.allCases.map(\.stringValue)),
        "TagResource": Set(TagResource.Input.CodingKeys.allCases.map(\.stringValue)),
        "UntagResource": Set(UntagResource.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetKeyRotationStatus": Set(GetKeyRotationStatus.Input.CodingKeys.allCases.map(\.stringValue)),
        "EnableKeyRotation": Set(EnableKeyRotation.Input.CodingKeys.allCases.map(\.stringValue)),
        "DisableKeyRotation": Set(DisableKeyRotation.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListKeyRotations": Set(ListKeyRotations.Input.CodingKeys.allCases.map(\.stringValue)),
        "RotateKeyOnDemand": Set(RotateKeyOnDemand.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListAliases": Set(ListAliases.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateAlias": Set(CreateAlias.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateAlias": Set(UpdateAlias.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteAlias": Set(DeleteAlias.Input.CodingKeys.allCases.map(\.stringValue)),
        "Encrypt": Set(Encrypt.Input.CodingKeys.allCases.map(\.stringValue)),
        "Decrypt": Set(Decrypt.Input.CodingKeys.allCases.map(\.stringValue)),
        "ReEncrypt": Set(ReEncrypt.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKey": Set(GenerateDataKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKeyWithoutPlaintext": Set(GenerateDataKeyWithoutPlaintext.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateRandom": Set(GenerateRandom.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKeyPair": Set(GenerateDataKeyPair.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateDataKeyPairWithoutPlaintext": Set(GenerateDataKeyPairWithoutPlaintext.Input.CodingKeys.allCases.map(\.stringValue)),
        "Sign": Set(Sign.Input.CodingKeys.allCases.map(\.stringValue)),
        "Verify": Set(Verify.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetPublicKey": Set(GetPublicKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "GenerateMac": Set(GenerateMac.Input.CodingKeys.allCases.map(\.stringValue)),
        "VerifyMac": Set(VerifyMac.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetParametersForImport": Set(GetParametersForImport.Input.CodingKeys.allCases.map(\.stringValue)),
        "ImportKeyMaterial": Set(ImportKeyMaterial.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteImportedKeyMaterial": Set(DeleteImportedKeyMaterial.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateGrant": Set(CreateGrant.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListGrants": Set(ListGrants.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListRetirableGrants": Set(ListRetirableGrants.Input.CodingKeys.allCases.map(\.stringValue)),
        "RetireGrant": Set(RetireGrant.Input.CodingKeys.allCases.map(\.stringValue)),
        "RevokeGrant": Set(RevokeGrant.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetKeyPolicy": Set(GetKeyPolicy.Input.CodingKeys.allCases.map(\.stringValue)),
        "PutKeyPolicy": Set(PutKeyPolicy.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListKeyPolicies": Set(ListKeyPolicies.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreatePrincipal": Set(CreatePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListPrincipals": Set(ListPrincipals.Input.CodingKeys.allCases.map(\.stringValue)),
        "DescribePrincipal": Set(DescribePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdatePrincipal": Set(UpdatePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeletePrincipal": Set(DeletePrincipal.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateAccessKey": Set(CreateAccessKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateAccessKey": Set(UpdateAccessKey.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteAccessKey": Set(DeleteAccessKey.Input.CodingKeys.allCases.map(\.stringValue)),
        // EmptyInput's only case is a placeholder, not a member.
        "ListRoles": Set(ListRoles.Input.CodingKeys.allCases.map(\.stringValue)).subtracting([EmptyInput.CodingKeys._none.stringValue]),
        "CreateRole": Set(CreateRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "DescribeRole": Set(DescribeRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "UpdateRole": Set(UpdateRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteRole": Set(DeleteRole.Input.CodingKeys.allCases.map(\.stringValue)),
        "CreateBinding": Set(CreateBinding.Input.CodingKeys.allCases.map(\.stringValue)),
        "ListBindings": Set(ListBindings.Input.CodingKeys.allCases.map(\.stringValue)),
        "DeleteBinding": Set(DeleteBinding.Input.CodingKeys.allCases.map(\.stringValue)),
        "QueryAuditLog": Set(QueryAuditLog.Input.CodingKeys.allCases.map(\.stringValue)),
        "GetAuditCheckpoint": Set(GetAuditCheckpoint.Input.CodingKeys.allCases.map(\.stringValue))
            .subtracting([EmptyInput.CodingKeys._none.stringValue]),
        "VerifyAuditLog": Set(VerifyAuditLog.Input.CodingKeys.allCases.map(\.stringValue)),
        "PruneAuditLog": Set(PruneAuditLog.Input.CodingKeys.allCases.map(\.stringValue)),
    ]
}

/// One encoded output: `exact` when every optional member is set.
private struct OutputSample {
    var operationId: String
    var json: Any
    var exact: Bool
}

private func outputSamples() throws -> [OutputSample] {
    let keyId = "1234abcd-12ab-34cd-56ef-1234567890ab"
    let arn = Partition().keyArn(keyId)
    let now = Timestamp(microseconds: 1_795_926_087_123_456)
    let blob = Blob([1, 2, 3, 4])
    let secret = SecretBlob(SecureBytes(copying: [5, 6, 7]))
    func record(_ state: KeyState) -> KeyRecord {
        KeyRecord(
            id: keyId, createdAt: now, description: "test", state: state, usage: .encryptDecrypt, spec: .symmetricDefault,
            origin: .awsKMS, rotationEnabled: false, rotationPeriodDays: nil, nextRotationAt: nil,
            deletionAt: state == .pendingDeletion ? now.adding(days: 30) : nil, latestVersion: 1, tags: [])
    }
    // The exact sample sets every optional member at once (a real key has only some of them), to check the shape.
    var pending = KeyMetadata(record(.pendingDeletion), partition: Partition())
    pending.signingAlgorithms = ["ECDSA_SHA_256"]
    pending.macAlgorithms = ["HMAC_SHA_256"]
    pending.expirationModel = "KEY_MATERIAL_EXPIRES"
    pending.validTo = now.adding(days: 90).date
    let enabled = KeyMetadata(record(.enabled), partition: Partition())
    var samples: [OutputSample] = []
    func add(_ operationId: String, _ output: some Encodable, exact: Bool = true) throws {
        let data = try WireCoding.restEncoder().encode(output)
        samples.append(OutputSample(operationId: operationId, json: try JSONSerialization.jsonObject(with: data), exact: exact))
    }
    /// An operation whose output is `{}` (checked by the type system).
    func addEmpty<Op: Operation>(_ operation: Op.Type) throws where Op.Output == EmptyOutput {
        try add(Op.action.operationName, EmptyOutput())
    }
    try add("CreateKey", CreateKey.Output(keyMetadata: pending))
    try add("CreateKey", CreateKey.Output(keyMetadata: enabled), exact: false)
    try add("DescribeKey", DescribeKey.Output(keyMetadata: pending))
    try add("DescribeKey", DescribeKey.Output(keyMetadata: enabled), exact: false)
    try add("ListKeys", ListKeys.Output(keys: [.init(keyId: keyId, keyArn: arn)], nextMarker: "bWFya2Vy", truncated: true))
    try add("ListKeys", ListKeys.Output(keys: [], nextMarker: nil, truncated: false), exact: false)
    try addEmpty(UpdateKeyDescription.self)
    try addEmpty(EnableKey.self)
    try addEmpty(DisableKey.self)
    try addEmpty(TagResource.self)
    try addEmpty(UntagResource.self)
    try addEmpty(EnableKeyRotation.self)
    try addEmpty(DisableKeyRotation.self)
    try addEmpty(CreateAlias.self)
    try addEmpty(UpdateAlias.self)
    try addEmpty(DeleteAlias.self)
    try add("ScheduleKeyDeletion", ScheduleKeyDeletion.Output(
        keyId: arn, deletionDate: now.adding(days: 7).date, keyState: "PendingDeletion", pendingWindowInDays: 7))
    try add("CancelKeyDeletion", CancelKeyDeletion.Output(keyId: arn))
    try add("ListResourceTags", ListResourceTags.Output(
        tags: [WireTag(tagKey: "team", tagValue: "core")], nextMarker: "bWFya2Vy", truncated: true))
    try add("GetKeyRotationStatus", GetKeyRotationStatus.Output(
        keyRotationEnabled: true, keyId: arn, rotationPeriodInDays: 365, nextRotationDate: now.adding(days: 365).date))
    try add("GetKeyRotationStatus", GetKeyRotationStatus.Output(
        keyRotationEnabled: false, keyId: arn, rotationPeriodInDays: nil, nextRotationDate: nil), exact: false)
    try add("ListKeyRotations", ListKeyRotations.Output(
        rotations: [.init(keyId: arn, rotationDate: now.date, rotationType: "ON_DEMAND")], nextMarker: "bWFya2Vy", truncated: true))
    try add("RotateKeyOnDemand", RotateKeyOnDemand.Output(keyId: arn))
    try add("ListAliases", ListAliases.Output(
        aliases: [.init(aliasName: "alias/test", aliasArn: Partition().aliasArn("alias/test"), targetKeyId: keyId,
                        creationDate: now.date, lastUpdatedDate: now.date)],
        nextMarker: "bWFya2Vy", truncated: true))
    try add("Encrypt", Encrypt.Output(ciphertextBlob: blob, keyId: arn, encryptionAlgorithm: "SYMMETRIC_DEFAULT"))
    try add("Decrypt", Decrypt.Output(keyId: arn, plaintext: secret, encryptionAlgorithm: "SYMMETRIC_DEFAULT"))
    try add("ReEncrypt", ReEncrypt.Output(
        ciphertextBlob: blob, sourceKeyId: arn, keyId: arn, sourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
        destinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT"))
    try add("GenerateDataKey", GenerateDataKey.Output(ciphertextBlob: blob, plaintext: secret, keyId: arn))
    try add("GenerateDataKeyWithoutPlaintext", GenerateDataKeyWithoutPlaintext.Output(ciphertextBlob: blob, keyId: arn))
    try add("GenerateRandom", GenerateRandom.Output(plaintext: secret))

    // Asymmetric and HMAC keys, key pairs, imported material.
    try add("GenerateDataKeyPair", GenerateDataKeyPair.Output(
        privateKeyCiphertextBlob: blob, privateKeyPlaintext: secret, publicKey: blob, keyId: arn, keyPairSpec: "ECC_NIST_P256"))
    try add("GenerateDataKeyPairWithoutPlaintext", GenerateDataKeyPairWithoutPlaintext.Output(
        privateKeyCiphertextBlob: blob, publicKey: blob, keyId: arn, keyPairSpec: "RSA_2048"))
    try add("Sign", Sign.Output(keyId: arn, signature: blob, signingAlgorithm: "ECDSA_SHA_256"))
    try add("Verify", Verify.Output(keyId: arn, signatureValid: true, signingAlgorithm: "ECDSA_SHA_256"))
    try add("GetPublicKey", GetPublicKey.Output(
        keyId: arn, publicKey: blob, customerMasterKeySpec: "RSA_2048", keySpec: "RSA_2048", keyUsage: "ENCRYPT_DECRYPT",
        encryptionAlgorithms: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], signingAlgorithms: ["RSASSA_PSS_SHA_256"]))
    try add("GetPublicKey", GetPublicKey.Output(
        keyId: arn, publicKey: blob, customerMasterKeySpec: "ECC_NIST_P256", keySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY",
        encryptionAlgorithms: nil, signingAlgorithms: ["ECDSA_SHA_256"]), exact: false)
    try add("GenerateMac", GenerateMac.Output(mac: blob, macAlgorithm: "HMAC_SHA_256", keyId: arn))
    try add("VerifyMac", VerifyMac.Output(keyId: arn, macValid: true, macAlgorithm: "HMAC_SHA_256"))
    try add("GetParametersForImport", GetParametersForImport.Output(
        keyId: arn, importToken: blob, publicKey: blob, parametersValidTo: now.adding(days: 1).date))
    try add("ImportKeyMaterial", ImportKeyMaterial.Output(keyId: arn, keyMaterialId: String(repeating: "ab", count: 32)))
    try add("DeleteImportedKeyMaterial", DeleteImportedKeyMaterial.Output(keyId: arn, keyMaterialId: String(repeating: "ab", count: 32)))
    try add("DeleteImportedKeyMaterial", DeleteImportedKeyMaterial.Output(keyId: arn, keyMaterialId: nil), exact: false)

    // Grants and key policies. Exact samples set every optional member, to check the shape.
    let grantId = String(repeating: "0f", count: 32)
    let principalArn = Partition().principalArn("build-pipeline")
    let grant = GrantListEntry(
        keyId: arn, grantId: grantId, name: "ci", creationDate: now.date, granteePrincipal: principalArn,
        retiringPrincipal: principalArn, issuingAccount: "arn:aws:iam::\(Partition().account):root",
        operations: ["Decrypt", "Encrypt"],
        constraints: GrantConstraints(encryptionContextSubset: ["tenant": "acme"], encryptionContextEquals: ["tenant": "acme"]))
    let bareGrant = GrantListEntry(
        keyId: arn, grantId: grantId, name: nil, creationDate: now.date, granteePrincipal: principalArn,
        retiringPrincipal: nil, issuingAccount: "arn:aws:iam::\(Partition().account):root", operations: ["Encrypt"],
        constraints: nil)
    try add("CreateGrant", CreateGrant.Output(grantToken: "dG9rZW4=", grantId: grantId))
    try add("ListGrants", ListGrants.Output(grants: [grant], nextMarker: "bWFya2Vy", truncated: true))
    try add("ListGrants", ListGrants.Output(grants: [bareGrant], nextMarker: nil, truncated: false), exact: false)
    try add("ListRetirableGrants", ListRetirableGrants.Output(grants: [grant], nextMarker: "bWFya2Vy", truncated: true))
    try addEmpty(RetireGrant.self)
    try addEmpty(RevokeGrant.self)
    try add("GetKeyPolicy", GetKeyPolicy.Output(policy: KeyPolicy.defaultPolicy(account: Partition().account), policyName: "default"))
    try addEmpty(PutKeyPolicy.self)
    try add("ListKeyPolicies", ListKeyPolicies.Output(policyNames: ["default"], truncated: false))

    // Principals and access keys.
    let usedKey = PrincipalInfo.AccessKeyInfo(
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEF", status: "Active", createDate: now.date, lastUsedDate: now.date)
    let unusedKey = PrincipalInfo.AccessKeyInfo(
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEG", status: "Inactive", createDate: now.date, lastUsedDate: nil)
    func principal(_ keys: [PrincipalInfo.AccessKeyInfo]?) -> PrincipalInfo {
        PrincipalInfo(name: "build-pipeline", principalId: keyId, arn: principalArn, kind: "pipeline", enabled: true,
                      createDate: now.date, accessKeys: keys)
    }
    let newKey = NewAccessKey(
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEF", secretAccessKey: SecretBlobText(bytes: SecureBytes(copying: Array("c2VjcmV0".utf8))))
    try add("CreatePrincipal", CreatePrincipal.Output(principal: principal([usedKey]), accessKey: newKey))
    try add("ListPrincipals", ListPrincipals.Output(principals: [principal([usedKey])], nextMarker: "bWFya2Vy", truncated: true))
    try add("ListPrincipals", ListPrincipals.Output(principals: [principal(nil)], nextMarker: nil, truncated: false), exact: false)
    try add("DescribePrincipal", DescribePrincipal.Output(principal: principal([usedKey])))
    try add("DescribePrincipal", DescribePrincipal.Output(principal: principal([unusedKey])), exact: false)
    try addEmpty(UpdatePrincipal.self)
    try addEmpty(DeletePrincipal.self)
    try add("CreateAccessKey", CreateAccessKey.Output(accessKey: newKey))
    try addEmpty(UpdateAccessKey.self)
    try addEmpty(DeleteAccessKey.self)

    // Roles.
    let role = RoleInfo(RoleRecord(name: "ci-encrypt", description: "CI", actions: [.encrypt, .generateDataKey]))
    try add("ListRoles", ListRoles.Output(roles: [role]))
    try add("CreateRole", CreateRole.Output(role: role))
    try add("DescribeRole", DescribeRole.Output(role: role))
    try add("UpdateRole", UpdateRole.Output(role: role))
    try addEmpty(DeleteRole.self)

    // Bindings: the exact sample sets every scope member at once (a real binding has one), to check the shape.
    let binding = BindingInfo(
        bindingId: keyId, principal: "build-pipeline", role: "key-user", effect: "Allow", allKeys: true, keyId: keyId,
        aliasPrefix: "alias/team-a/", tagKey: "team", tagValue: "payments",
        conditions: [.init(key: "tenant", equals: "acme", matches: "ac*")], createDate: now.date)
    let tagBinding = BindingInfo(
        bindingId: keyId, principal: "build-pipeline", role: "key-user", effect: "Deny", tagKey: "team", tagValue: "payments",
        conditions: [.init(key: "tenant")], createDate: now.date)
    try add("CreateBinding", CreateBinding.Output(binding: binding))
    try add("CreateBinding", CreateBinding.Output(binding: tagBinding), exact: false)
    try add("ListBindings", ListBindings.Output(bindings: [binding]))
    try add("ListBindings", ListBindings.Output(bindings: []), exact: false)
    try addEmpty(DeleteBinding.self)

    // The audit log.
    let auditRecord = AuditRecord(
        sequence: 7, time: now.microseconds, requestId: keyId, principalId: keyId, principalName: "build-pipeline",
        accessKeyId: "AKIAQ7XJ2M5N4B6C3DEF", sourceAddress: "127.0.0.1", userAgent: "kms-cli", api: "REST", action: "Encrypt",
        keyId: keyId, keyVersion: 1, keyReference: "alias/test", encryptionContext: ["tenant": "acme"], grantId: grantId,
        outcome: .denied, errorCode: "AccessDeniedException", reason: "no binding allows it")
    let bareRecord = AuditRecord(
        sequence: 8, time: now.microseconds, requestId: keyId, principalId: nil, principalName: nil, accessKeyId: nil,
        sourceAddress: nil, userAgent: nil, api: "AWS", action: "ListKeys", keyId: nil, keyVersion: nil, keyReference: nil,
        encryptionContext: nil, grantId: nil, outcome: .allowed, errorCode: nil, reason: nil)
    let hash = [UInt8](repeating: 0xab, count: 32)
    let checkpoint = AuditCheckpoint(sequence: 7, chainHash: Hex.encode(hash), time: now.microseconds, signature: "MEUCIQ==")
    try add("QueryAuditLog", QueryAuditLog.Output(
        records: [AuditRecordView(auditRecord, hash: hash, partition: Partition())], nextSequence: 7, lastSequence: 8))
    try add("QueryAuditLog", QueryAuditLog.Output(
        records: [AuditRecordView(bareRecord, hash: hash, partition: Partition())], nextSequence: nil, lastSequence: 8), exact: false)
    try add("GetAuditCheckpoint", GetAuditCheckpoint.Output(checkpoint: checkpoint, publicKey: "-----BEGIN PUBLIC KEY-----"))
    try add("GetAuditCheckpoint", GetAuditCheckpoint.Output(checkpoint: nil, publicKey: "-----BEGIN PUBLIC KEY-----"), exact: false)
    try add("VerifyAuditLog", AuditVerification(
        ok: false, recordsChecked: 8, checkpointsChecked: 1, firstSequence: 1, lastSequence: 8, firstBadSequence: 5,
        problem: "record 5 does not match the chain"))
    try add("VerifyAuditLog", AuditVerification(
        ok: true, recordsChecked: 0, checkpointsChecked: 0, firstSequence: nil, lastSequence: nil, firstBadSequence: nil,
        problem: nil), exact: false)
    try add("PruneAuditLog", PruneAuditLog.Output(deleted: 6, anchor: checkpoint))
    try add("PruneAuditLog", PruneAuditLog.Output(deleted: 0, anchor: nil), exact: false)
    return samples
}

/// Differences between an encoded value and its schema: members (exactly the
/// documented ones when `exact`, else at least the required ones and no others)
/// and date-time strings (RFC 3339 with microseconds), at every level.
private func shapeProblems(_ value: Any, schema: [String: Any], exact: Bool, in doc: [String: Any], at path: String) -> [String] {
    var problems: [String] = []
    if let object = value as? [String: Any], schema["properties"] == nil,
       let valueSchema = resolve(schema["additionalProperties"], in: doc) {
        // A map (such as an encryption context): any keys, each value of the same schema.
        for (key, member) in object {
            problems += shapeProblems(member, schema: valueSchema, exact: exact, in: doc, at: "\(path).\(key)")
        }
    } else if let object = value as? [String: Any] {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        let encoded = Set(object.keys)
        let documented = Set(properties.keys)
        let required = Set(schema["required"] as? [String] ?? [])
        if exact ? encoded != documented : !encoded.isSubset(of: documented) {
            problems.append("\(path): encoded \(encoded.sorted()) vs documented \(documented.sorted())")
        }
        if !required.isSubset(of: encoded) {
            problems.append("\(path): required \(required.subtracting(encoded).sorted()) not encoded")
        }
        for (key, member) in object {
            guard let memberSchema = resolve(properties[key], in: doc) else { continue }
            problems += shapeProblems(member, schema: memberSchema, exact: exact, in: doc, at: "\(path).\(key)")
        }
    } else if let array = value as? [Any] {
        if let items = resolve(schema["items"], in: doc) {
            for (index, element) in array.enumerated() {
                problems += shapeProblems(element, schema: items, exact: exact, in: doc, at: "\(path)[\(index)]")
            }
        }
    } else if schema["format"] as? String == "date-time" {
        let matches = (value as? String)?.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z/#) != nil
        if !matches { problems.append("\(path): \(value) is not an RFC 3339 date with microseconds") }
    } else if schema["type"] as? String == "string", !(value is String) {
        problems.append("\(path): \(value) is not a string")
    }
    return problems
}
