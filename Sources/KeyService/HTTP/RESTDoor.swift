import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import KeyCrypto
import Logging
import NIOCore

/// One REST route, declared as data: method, path, body limit, the operation
/// (and so the action) it runs, and where path and query values go in the input.
struct RESTRoute: Sendable {
    enum QueryType: Sendable { case string, int }
    let method: HTTPRequest.Method
    let path: String
    let action: Action?
    /// The operation's name (its type: `CreateKey`, `QueryAuditLog`), the OpenAPI operationId.
    let operationId: String
    let bodyLimit: Int
    let status: HTTPResponse.Status
    /// Path parameter → input field.
    let pathFields: [String: String]
    /// Query parameter → (input field, type).
    let queryFields: [String: (field: String, type: QueryType)]
    let run: @Sendable (_ input: JSONValue, _ service: KeyService, _ context: CallContext) async throws(KMSError) -> [UInt8]
}

/// The native REST API under `/v1`.
enum RESTDoor {
    static let defaultBodyLimit = 64 * 1024
    static let contentType = "application/json"

    /// A route that runs `Op`.
    static func route<Op: Operation>(
        _ method: HTTPRequest.Method, _ path: String, _ operation: Op.Type, status: HTTPResponse.Status = .ok,
        path pathFields: [String: String] = [:], query: [String: (field: String, type: RESTRoute.QueryType)] = [:]
    ) -> RESTRoute {
        RESTRoute(
            method: method, path: path, action: Op.action, operationId: Op.name,
            bodyLimit: defaultBodyLimit, status: status,
            pathFields: pathFields, queryFields: query
        ) { json, service, context throws(KMSError) in
            let input: Op.Input
            do {
                input = try WireDecoder.decode(Op.Input.self, from: json, strict: true)
            } catch {
                throw KMSError.fromDecoding(error)
            }
            let output = try await service.perform(Op.self, input, context: context)
            do {
                return try WireCoding.restEncoder.encode(output)
            } catch {
                throw KMSError.internalFailure
            }
        }
    }

    static let keyPath = ["keyId": "keyId"]
    static let paging: [String: (field: String, type: RESTRoute.QueryType)] = ["limit": ("limit", .int), "marker": ("marker", .string)]

    /// Every authenticated REST route.
    static let routes: [RESTRoute] = [
        route(.post, "/v1/keys", CreateKey.self, status: .created),
        route(.get, "/v1/keys", ListKeys.self, query: paging),
        route(.get, "/v1/keys/{keyId}", DescribeKey.self, path: keyPath),
        route(.patch, "/v1/keys/{keyId}", UpdateKeyDescription.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/enable", EnableKey.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/disable", DisableKey.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/schedule-deletion", ScheduleKeyDeletion.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/cancel-deletion", CancelKeyDeletion.self, path: keyPath),
        route(.get, "/v1/keys/{keyId}/tags", ListResourceTags.self, path: keyPath, query: paging),
        route(.post, "/v1/keys/{keyId}/tags", TagResource.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/untag", UntagResource.self, path: keyPath),
        route(.get, "/v1/keys/{keyId}/rotation", GetKeyRotationStatus.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/rotation/enable", EnableKeyRotation.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/rotation/disable", DisableKeyRotation.self, path: keyPath),
        route(.get, "/v1/keys/{keyId}/rotations", ListKeyRotations.self, path: keyPath, query: paging),
        route(.post, "/v1/keys/{keyId}/rotations", RotateKeyOnDemand.self, path: keyPath),
        route(.get, "/v1/aliases", ListAliases.self, query: paging.merging(["keyId": ("keyId", .string)]) { a, _ in a }),
        route(.post, "/v1/aliases", CreateAlias.self, status: .created),
        route(.put, "/v1/aliases/{aliasName}", UpdateAlias.self, path: ["aliasName": "aliasName"]),
        route(.delete, "/v1/aliases/{aliasName}", DeleteAlias.self, path: ["aliasName": "aliasName"]),
        route(.post, "/v1/encrypt", Encrypt.self),
        route(.post, "/v1/decrypt", Decrypt.self),
        route(.post, "/v1/reencrypt", ReEncrypt.self),
        route(.post, "/v1/datakey", GenerateDataKey.self),
        route(.post, "/v1/datakey/without-plaintext", GenerateDataKeyWithoutPlaintext.self),
        route(.post, "/v1/random", GenerateRandom.self),
        route(.post, "/v1/datakey-pair", GenerateDataKeyPair.self),
        route(.post, "/v1/datakey-pair/without-plaintext", GenerateDataKeyPairWithoutPlaintext.self),
        route(.post, "/v1/sign", Sign.self),
        route(.post, "/v1/verify", Verify.self),
        route(.get, "/v1/keys/{keyId}/public-key", GetPublicKey.self, path: keyPath),
        route(.post, "/v1/mac", GenerateMac.self),
        route(.post, "/v1/mac/verify", VerifyMac.self),
        route(.post, "/v1/keys/{keyId}/import-parameters", GetParametersForImport.self, path: keyPath),
        route(.post, "/v1/keys/{keyId}/import", ImportKeyMaterial.self, path: keyPath),
        route(.delete, "/v1/keys/{keyId}/material", DeleteImportedKeyMaterial.self, path: keyPath),
        route(.post, "/v1/grants", CreateGrant.self, status: .created),
        route(.get, "/v1/keys/{keyId}/grants", ListGrants.self, path: keyPath,
              query: paging.merging(["grantId": ("grantId", .string), "granteePrincipal": ("granteePrincipal", .string)]) { a, _ in a }),
        route(.get, "/v1/grants/retirable", ListRetirableGrants.self,
              query: paging.merging(["retiringPrincipal": ("retiringPrincipal", .string)]) { a, _ in a }),
        route(.post, "/v1/grants/retire", RetireGrant.self),
        route(.delete, "/v1/keys/{keyId}/grants/{grantId}", RevokeGrant.self, path: ["keyId": "keyId", "grantId": "grantId"]),
        route(.get, "/v1/keys/{keyId}/policy", GetKeyPolicy.self, path: keyPath),
        route(.put, "/v1/keys/{keyId}/policy", PutKeyPolicy.self, path: keyPath),
        route(.get, "/v1/keys/{keyId}/policies", ListKeyPolicies.self, path: keyPath, query: paging),
        route(.post, "/v1/principals", CreatePrincipal.self, status: .created),
        route(.get, "/v1/principals", ListPrincipals.self, query: paging),
        route(.get, "/v1/principals/{principal}", DescribePrincipal.self, path: principalPath),
        route(.patch, "/v1/principals/{principal}", UpdatePrincipal.self, path: principalPath),
        route(.delete, "/v1/principals/{principal}", DeletePrincipal.self, path: principalPath),
        route(.post, "/v1/principals/{principal}/access-keys", CreateAccessKey.self, status: .created, path: principalPath),
        route(.patch, "/v1/principals/{principal}/access-keys/{accessKeyId}", UpdateAccessKey.self,
              path: ["principal": "principal", "accessKeyId": "accessKeyId"]),
        route(.delete, "/v1/principals/{principal}/access-keys/{accessKeyId}", DeleteAccessKey.self,
              path: ["principal": "principal", "accessKeyId": "accessKeyId"]),
        route(.get, "/v1/roles", ListRoles.self),
        route(.post, "/v1/roles", CreateRole.self, status: .created),
        route(.get, "/v1/roles/{name}", DescribeRole.self, path: ["name": "name"]),
        route(.patch, "/v1/roles/{name}", UpdateRole.self, path: ["name": "name"]),
        route(.delete, "/v1/roles/{name}", DeleteRole.self, path: ["name": "name"]),
        route(.post, "/v1/bindings", CreateBinding.self, status: .created),
        route(.get, "/v1/bindings", ListBindings.self, query: ["principal": ("principal", .string)]),
        route(.delete, "/v1/bindings/{bindingId}", DeleteBinding.self, path: ["bindingId": "bindingId"]),
        route(.get, "/v1/audit/records", QueryAuditLog.self, query: [
            "from": ("from", .string), "to": ("to", .string), "principal": ("principal", .string), "action": ("action", .string),
            "keyId": ("keyId", .string), "outcome": ("outcome", .string), "afterSequence": ("afterSequence", .int),
            "limit": ("limit", .int), "wait": ("wait", .int),
        ]),
        route(.get, "/v1/audit/checkpoint", GetAuditCheckpoint.self),
        route(.post, "/v1/audit/verify", VerifyAuditLog.self),
        route(.post, "/v1/audit/prune", PruneAuditLog.self),
    ]
    static let principalPath = ["principal": "principal"]

    /// Registers the routes on `router`.
    static func register(on router: Router<AppRequestContext>, door: FrontDoor) {
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                await handle(route, request: request, context: context, door: door)
            }
        }
    }

    static func handle(_ route: RESTRoute, request: Request, context: AppRequestContext, door: FrontDoor) async -> Response {
        await door.serve(
            request, context: context, api: .rest, action: route.action?.operationName ?? route.path, bodyLimit: route.bodyLimit,
            errorResponse: errorResponse
        ) { authenticated throws(KMSError) in
            if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json"),
               !type.lowercased().hasPrefix("application/x-amz-json") {
                throw KMSError(.unsupportedMediaType, "Content-Type must be application/json.")
            }
            let input = try mergedInput(route, body: authenticated.body, request: request, context: context)
            let output = try await route.run(input, door.service, authenticated.context)
            return FrontDoor.json(output, status: route.status, contentType: contentType, requestId: authenticated.context.requestId)
        }
    }

    /// The JSON body with path and query values added as input fields.
    static func mergedInput(_ route: RESTRoute, body: ByteBuffer, request: Request, context: AppRequestContext) throws(KMSError) -> JSONValue {
        let json = try body.withUnsafeReadableBytes { (bytes) throws(KMSError) in try WireCoding.parse(bytes) }
        let query = request.uri.queryParameters
        if route.pathFields.isEmpty && query.isEmpty { return json }
        guard case .object(var members) = json else {
            throw KMSError(.serialization, "The request body must be a JSON object.")
        }
        func add(_ field: String, _ value: JSONValue, from place: String) throws(KMSError) {
            guard !members.contains(where: { $0.key == field }) else {
                throw KMSError.validation("Field '\(field)' is given in both the \(place) and the body.")
            }
            members.append(JSONMember(key: field, value: value))
        }
        for (parameter, field) in route.pathFields {
            guard let value = context.parameters.get(parameter), let decoded = SigV4.percentDecode(value) else {
                throw KMSError.validation("Path parameter '\(parameter)' is not valid.")
            }
            try add(field, .string(decoded), from: "path")
        }
        // Query parameters are as strict as body members: unknown, repeated or empty ones are refused.
        var seen = Set<Substring>()
        for (parameter, value) in query {
            guard let spec = route.queryFields[String(parameter)] else {
                throw KMSError.validation("Unknown query parameter '\(sanitizedForMessage(String(parameter), limit: 64))'.")
            }
            guard seen.insert(parameter).inserted else {
                throw KMSError.validation("Query parameter '\(parameter)' is given more than once.")
            }
            guard !value.isEmpty else { throw KMSError.validation("Query parameter '\(parameter)' must not be empty.") }
            switch spec.type {
            case .string: try add(spec.field, .string(String(value)), from: "query")
            case .int:
                guard let number = Int(value) else { throw KMSError.validation("Query parameter '\(parameter)' must be an integer.") }
                try add(spec.field, .number(String(number)), from: "query")
            }
        }
        return .object(members)
    }

    /// `{"error": {"code", "message", "requestId"}}` with the code's status.
    static func errorResponse(_ error: KMSError, requestId: String) -> Response {
        FrontDoor.json(errorBody(error, requestId: requestId), status: HTTPResponse.Status(code: error.code.httpStatus),
                       contentType: contentType, requestId: requestId)
    }

    /// `{"error": {"code", "message", "requestId"}}`.
    static func errorBody(_ error: KMSError, requestId: String) -> [UInt8] {
        let body = JSONValue.object([JSONMember(key: "error", value: .object([
            JSONMember(key: "code", value: .string(error.code.restCode)),
            JSONMember(key: "message", value: .string(error.message)),
            JSONMember(key: "requestId", value: .string(requestId)),
        ]))])
        var bytes: [UInt8] = []
        JSONWriter.write(body, into: &bytes)
        return bytes
    }
}
