import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import KeyCrypto
import Logging
import NIOCore

/// One operation of the AWS KMS JSON protocol: the target name and how to run it.
struct AWSOperation: Sendable {
    let name: String
    let action: Action
    let run: @Sendable (_ body: JSONValue, _ service: KeyService, _ context: CallContext) async throws(KMSError) -> [UInt8]
}

/// The AWS KMS JSON protocol (`awsJson1_1`): `POST /` with
/// `X-Amz-Target: TrentService.<Operation>`. It only translates: the same
/// `Operation` types as the REST API run behind it, spelled in PascalCase with
/// epoch-second dates, and errors become `{"__type", "message"}`.
enum AWSDoor {
    static let targetPrefix = "TrentService."
    static let contentType = "application/x-amz-json-1.1"
    static let bodyLimit = 64 * 1024
    static let targetHeader = HTTPField.Name("X-Amz-Target")!

    static func operation<Op: Operation>(_ name: String, _ operation: Op.Type) -> AWSOperation {
        AWSOperation(name: name, action: Op.action) { body, service, context throws(KMSError) in
            let input: Op.Input
            do {
                input = try WireDecoder.decode(Op.Input.self, from: body, memberName: WireCoding.awsMemberName)
            } catch {
                throw awsDecodingError(error)
            }
            let output = try await service.perform(Op.self, input, context: context)
            do {
                return try WireCoding.awsEncoder.encode(output)
            } catch {
                throw KMSError.internalFailure
            }
        }
    }

    /// Every operation this door serves, by target name.
    static let operations: [String: AWSOperation] = Dictionary(uniqueKeysWithValues: [
        operation("CreateKey", CreateKey.self),
        operation("DescribeKey", DescribeKey.self),
        operation("ListKeys", ListKeys.self),
        operation("UpdateKeyDescription", UpdateKeyDescription.self),
        operation("EnableKey", EnableKey.self),
        operation("DisableKey", DisableKey.self),
        operation("ScheduleKeyDeletion", ScheduleKeyDeletion.self),
        operation("CancelKeyDeletion", CancelKeyDeletion.self),
        operation("TagResource", TagResource.self),
        operation("UntagResource", UntagResource.self),
        operation("ListResourceTags", ListResourceTags.self),
        operation("CreateAlias", CreateAlias.self),
        operation("UpdateAlias", UpdateAlias.self),
        operation("DeleteAlias", DeleteAlias.self),
        operation("ListAliases", ListAliases.self),
        operation("EnableKeyRotation", EnableKeyRotation.self),
        operation("DisableKeyRotation", DisableKeyRotation.self),
        operation("GetKeyRotationStatus", GetKeyRotationStatus.self),
        operation("RotateKeyOnDemand", RotateKeyOnDemand.self),
        operation("ListKeyRotations", ListKeyRotations.self),
        operation("Encrypt", Encrypt.self),
        operation("Decrypt", Decrypt.self),
        operation("ReEncrypt", ReEncrypt.self),
        operation("GenerateDataKey", GenerateDataKey.self),
        operation("GenerateDataKeyWithoutPlaintext", GenerateDataKeyWithoutPlaintext.self),
        operation("GenerateRandom", GenerateRandom.self),
        operation("GenerateDataKeyPair", GenerateDataKeyPair.self),
        operation("GenerateDataKeyPairWithoutPlaintext", GenerateDataKeyPairWithoutPlaintext.self),
        operation("Sign", Sign.self),
        operation("Verify", Verify.self),
        operation("GetPublicKey", GetPublicKey.self),
        operation("GenerateMac", GenerateMac.self),
        operation("VerifyMac", VerifyMac.self),
        operation("GetParametersForImport", GetParametersForImport.self),
        operation("ImportKeyMaterial", ImportKeyMaterial.self),
        operation("DeleteImportedKeyMaterial", DeleteImportedKeyMaterial.self),
        operation("CreateGrant", CreateGrant.self),
        operation("ListGrants", ListGrants.self),
        operation("ListRetirableGrants", ListRetirableGrants.self),
        operation("RetireGrant", RetireGrant.self),
        operation("RevokeGrant", RevokeGrant.self),
        operation("GetKeyPolicy", GetKeyPolicy.self),
        operation("PutKeyPolicy", PutKeyPolicy.self),
        operation("ListKeyPolicies", ListKeyPolicies.self),
    ].map { ($0.name, $0) })

    static func register(on router: Router<AppRequestContext>, door: FrontDoor) {
        router.post("/") { request, context in
            await handle(request, context: context, door: door)
        }
    }

    static func handle(_ request: Request, context: AppRequestContext, door: FrontDoor) async -> Response {
        let target = request.headers[targetHeader] ?? ""
        let operation = target.hasPrefix(targetPrefix) ? operations[String(target.dropFirst(targetPrefix.count))] : nil
        return await door.serve(
            // An unknown target is "UnknownOperation" in the record and the metrics (a label must not take
            // caller text: every new value would be a new series); the text itself goes in the record's reason.
            request, context: context, api: .aws, action: operation?.name ?? "UnknownOperation",
            bodyLimit: bodyLimit, errorResponse: errorResponse
        ) { authenticated throws(KMSError) in
            guard let operation else {
                authenticated.context.note.update { $0.reason = "unknown X-Amz-Target '\(sanitizedForMessage(target, limit: 80))'" }
                throw KMSError(.unknownOperation, "Unknown operation \(sanitizedForMessage(target, limit: 80)).")
            }
            let body = try authenticated.body.withUnsafeReadableBytes { (bytes) throws(KMSError) in try WireCoding.parse(bytes) }
            let output = try await operation.run(body, door.service, authenticated.context)
            return FrontDoor.json(output, status: .ok, contentType: contentType, requestId: authenticated.context.requestId)
        }
    }

    /// AWS SDKs choose the exception from `__type`; the status only drives retries,
    /// so every client fault is 400 and server faults keep their 5xx.
    static func errorResponse(_ error: KMSError, requestId: String) -> Response {
        let status = error.isServerFault ? error.code.httpStatus : 400
        var bytes: [UInt8] = []
        JSONWriter.write(.object([
            JSONMember(key: "__type", value: .string(error.code.awsType)),
            JSONMember(key: "message", value: .string(error.message)),
        ]), into: &bytes)
        return FrontDoor.json(bytes, status: HTTPResponse.Status(code: status), contentType: contentType, requestId: requestId)
    }

    /// Decoding failures in AWS's words: wrong JSON or JSON types are SerializationException,
    /// a missing member a ValidationException naming it in lowerCamelCase.
    static func awsDecodingError(_ error: any Error) -> KMSError {
        if let error = error as? KMSError { return error }
        guard let error = error as? DecodingError else { return KMSError(.serialization, "The request body is not valid JSON.") }
        switch error {
        case .keyNotFound(let key, _):
            return .validation("1 validation error detected: Value null at '\(key.stringValue)' failed to satisfy constraint: Member must not be null")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            let field = context.codingPath.last.map { WireCoding.pascalCase($0.stringValue) } ?? "value"
            return KMSError(.serialization, "Could not read the value of \(field): \(context.debugDescription).")
        default:
            return KMSError(.serialization, "The request body could not be deserialized.")
        }
    }
}
