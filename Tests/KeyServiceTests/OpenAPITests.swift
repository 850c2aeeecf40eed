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
        let unauthenticated: Set = ["get /v1/health", "get /v1/openapi.json", "get /v1/ready", "get /metrics", "get /v1/audit/public-key"]
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
        for path in ["/v1/health", "/v1/openapi.json", "/v1/ready", "/metrics", "/v1/audit/public-key"] {
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
                        // Readiness answers 503 with its own body, not an error.
                        let expected = path == "/v1/ready" ? "#/components/schemas/Readiness" : "#/components/schemas/Error"
                        #expect(schema?["$ref"] as? String == expected, "\(label): error schema")
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
