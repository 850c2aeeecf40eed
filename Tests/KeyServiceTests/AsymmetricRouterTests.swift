import Client
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeyCrypto
import Logging
import NIOCore
import Testing
@testable import KeyService

/// The new operations through both front doors of the built application.
@Suite(.timeLimit(.minutes(2))) struct AsymmetricRouterTests {
    /// Sends one AWS JSON protocol request (`X-Amz-Target: TrentService.<operation>`), signed.
    static func aws(_ client: any TestClientProtocol, _ credentials: Credentials, _ operation: String,
                    _ body: [String: Any]) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        let bytes = try JSONSerialization.data(withJSONObject: body)
        let contentType = "application/x-amz-json-1.1"
        let target = "TrentService." + operation
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[AWSDoor.targetHeader] = target
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
        for (name, value) in try signer.sign(method: "POST", host: "localhost", rawPath: "/", rawQuery: "",
                                             headers: [("content-type", contentType), ("x-amz-target", target)], body: Array(bytes)) {
            headers[HTTPField.Name(name)!] = value
        }
        let response = try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
        let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
        return (response.status, json)
    }

    @Test func signVerifyAndPublicKeyThroughTheAWSDoor() async throws {
        let (server, credentials) = try await RouterTests.makeServer()
        try await server.application.test(.router) { client in
            let created = try await Self.aws(client, credentials, "CreateKey", ["KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"])
            #expect(created.status == .ok)
            let metadata = try #require(created.json["KeyMetadata"] as? [String: Any])
            #expect(metadata["SigningAlgorithms"] as? [String] == ["ECDSA_SHA_256"])
            let keyId = try #require(metadata["KeyId"] as? String)
            let message = Base64.encode(utf8("hello"))
            let signed = try await Self.aws(client, credentials, "Sign", ["KeyId": keyId, "Message": message, "SigningAlgorithm": "ECDSA_SHA_256"])
            #expect(signed.status == .ok && signed.json["SigningAlgorithm"] as? String == "ECDSA_SHA_256")
            let signature = try #require(signed.json["Signature"] as? String)
            let verified = try await Self.aws(client, credentials, "Verify", [
                "KeyId": keyId, "Message": message, "Signature": signature, "SigningAlgorithm": "ECDSA_SHA_256",
            ])
            #expect(verified.json["SignatureValid"] as? Bool == true)
            let forged = try await Self.aws(client, credentials, "Verify", [
                "KeyId": keyId, "Message": Base64.encode(utf8("hellO")), "Signature": signature, "SigningAlgorithm": "ECDSA_SHA_256",
            ])
            #expect(forged.status == .badRequest && forged.json["__type"] as? String == "KMSInvalidSignatureException")
            let publicKey = try await Self.aws(client, credentials, "GetPublicKey", ["KeyId": keyId])
            #expect(publicKey.json["KeySpec"] as? String == "ECC_NIST_P256")
            let derText = try #require(publicKey.json["PublicKey"] as? String)
            let der = try #require(Base64.decode(derText))
            let signatureBytes = try #require(Base64.decode(signature))
            let offline = try AsymmetricPublicKey(spki: der).isValidSignature(signatureBytes, message: utf8("hello"), digest: .sha256)
            #expect(offline)
            let encrypt = try await Self.aws(client, credentials, "Encrypt", ["KeyId": keyId, "Plaintext": message])
            #expect(encrypt.json["__type"] as? String == "InvalidKeyUsageException")
        }
    }

    @Test func importThroughTheAWSDoorWithEpochSecondsValidTo() async throws {
        let (server, credentials) = try await RouterTests.makeServer()
        try await server.application.test(.router) { client in
            let created = try await Self.aws(client, credentials, "CreateKey", ["Origin": "EXTERNAL"])
            let metadata = try #require(created.json["KeyMetadata"] as? [String: Any])
            #expect(metadata["KeyState"] as? String == "PendingImport" && metadata["Enabled"] as? Bool == false)
            let keyId = try #require(metadata["KeyId"] as? String)
            let parameters = try await Self.aws(client, credentials, "GetParametersForImport", [
                "KeyId": keyId, "WrappingAlgorithm": "RSA_AES_KEY_WRAP_SHA_256", "WrappingKeySpec": "RSA_2048",
            ])
            #expect(parameters.json["ParametersValidTo"] is NSNumber)
            let publicKeyText = try #require(parameters.json["PublicKey"] as? String)
            let publicKey = try AsymmetricPublicKey(spki: try #require(Base64.decode(publicKeyText)))
            let wrapped = try KeyMaterialWrapping.wrap(try SecureBytes.random(count: 32), publicKey: publicKey, algorithm: .rsaAesKeyWrapSha256)
            let validTo = Date().timeIntervalSince1970 + 86_400 * 30
            let imported = try await Self.aws(client, credentials, "ImportKeyMaterial", [
                "KeyId": keyId, "ImportToken": try #require(parameters.json["ImportToken"] as? String),
                "EncryptedKeyMaterial": Base64.encode(wrapped), "ExpirationModel": "KEY_MATERIAL_EXPIRES", "ValidTo": validTo,
            ])
            #expect(imported.status == .ok, "\(imported.json)")
            let described = try await Self.aws(client, credentials, "DescribeKey", ["KeyId": keyId])
            let after = try #require(described.json["KeyMetadata"] as? [String: Any])
            #expect(after["KeyState"] as? String == "Enabled" && after["ExpirationModel"] as? String == "KEY_MATERIAL_EXPIRES")
            #expect(abs(((after["ValidTo"] as? NSNumber)?.doubleValue ?? 0) - validTo) < 1)
            let again = try await Self.aws(client, credentials, "ImportKeyMaterial", [
                "KeyId": keyId, "ImportToken": try #require(parameters.json["ImportToken"] as? String),
                "EncryptedKeyMaterial": Base64.encode(wrapped), "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
            ])
            #expect(again.json["__type"] as? String == "InvalidImportTokenException")
            let deleted = try await Self.aws(client, credentials, "DeleteImportedKeyMaterial", ["KeyId": keyId])
            #expect(deleted.status == .ok)
        }
    }

    @Test func restRoutesForImportSigningMacsAndKeyPairs() async throws {
        let (server, credentials) = try await RouterTests.makeServer()
        try await server.application.test(.router) { client in
            let c = RouterTests.SignedClient(client: client, credentials: credentials)
            func body(_ object: [String: Any]) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) }

            let external = try RouterTests.json(try await c.send(.post, "/v1/keys", body: #"{"origin":"EXTERNAL"}"#))
            let keyId = try #require((external["keyMetadata"] as? [String: Any])?["keyId"] as? String)
            let parameters = try RouterTests.json(try await c.send(.post, "/v1/keys/\(keyId)/import-parameters",
                                                                   body: #"{"wrappingAlgorithm":"RSAES_OAEP_SHA_1","wrappingKeySpec":"RSA_2048"}"#))
            let publicKeyText = try #require(parameters["publicKey"] as? String)
            let publicKey = try AsymmetricPublicKey(spki: try #require(Base64.decode(publicKeyText)))
            let wrapped = try KeyMaterialWrapping.wrap(try SecureBytes.random(count: 32), publicKey: publicKey, algorithm: .rsaesOaepSha1)
            let validTo = Timestamp.now().adding(days: 7).iso8601
            let imported = try await c.send(.post, "/v1/keys/\(keyId)/import", body: try body([
                "importToken": try #require(parameters["importToken"] as? String), "encryptedKeyMaterial": Base64.encode(wrapped),
                "validTo": validTo,
            ]))
            #expect(imported.status == .ok)
            let described = try RouterTests.json(try await c.send(.get, "/v1/keys/\(keyId)"))
            #expect((described["keyMetadata"] as? [String: Any])?["validTo"] as? String == validTo)
            let deleted = try await c.send(.delete, "/v1/keys/\(keyId)/material")
            #expect(deleted.status == .ok)

            let signing = try RouterTests.json(try await c.send(.post, "/v1/keys", body: #"{"keySpec":"RSA_2048","keyUsage":"SIGN_VERIFY"}"#))
            let signingKey = try #require((signing["keyMetadata"] as? [String: Any])?["keyId"] as? String)
            let message = Base64.encode(utf8("release"))
            let signed = try RouterTests.json(try await c.send(.post, "/v1/sign", body: try body([
                "keyId": signingKey, "message": message, "signingAlgorithm": "RSASSA_PKCS1_V1_5_SHA_256",
            ])))
            let signature = try #require(signed["signature"] as? String)
            let verify = try await c.send(.post, "/v1/verify", body: try body([
                "keyId": signingKey, "message": message, "signature": signature, "signingAlgorithm": "RSASSA_PKCS1_V1_5_SHA_256",
            ]))
            let verifyBody = try RouterTests.json(verify)
            #expect(verify.status == .ok && verifyBody["signatureValid"] as? Bool == true)
            let invalid = try await c.send(.post, "/v1/verify", body: try body([
                "keyId": signingKey, "message": message, "signature": Base64.encode([1, 2, 3]), "signingAlgorithm": "RSASSA_PKCS1_V1_5_SHA_256",
            ]))
            let invalidCode = try RouterTests.errorCode(invalid)
            #expect(invalid.status == .badRequest && invalidCode == "KMSInvalidSignature")
            let pem = try await c.send(.get, "/v1/keys/\(signingKey)/public-key")
            let pemBody = try RouterTests.json(pem)
            #expect(pem.status == .ok && pemBody["keyUsage"] as? String == "SIGN_VERIFY")

            let hmac = try RouterTests.json(try await c.send(.post, "/v1/keys", body: #"{"keySpec":"HMAC_512"}"#))
            let hmacKey = try #require((hmac["keyMetadata"] as? [String: Any])?["keyId"] as? String)
            let mac = try RouterTests.json(try await c.send(.post, "/v1/mac", body: try body(["keyId": hmacKey, "message": message, "macAlgorithm": "HMAC_SHA_512"])))
            let macValue = try #require(mac["mac"] as? String)
            let checked = try await c.send(.post, "/v1/mac/verify", body: try body([
                "keyId": hmacKey, "message": message, "macAlgorithm": "HMAC_SHA_512", "mac": macValue,
            ]))
            let checkedBody = try RouterTests.json(checked)
            #expect(checkedBody["macValid"] as? Bool == true)

            let symmetric = try RouterTests.json(try await c.send(.post, "/v1/keys", body: "{}"))
            let symmetricKey = try #require((symmetric["keyMetadata"] as? [String: Any])?["keyId"] as? String)
            for path in ["/v1/datakey-pair", "/v1/datakey-pair/without-plaintext"] {
                let pair = try RouterTests.json(try await c.send(.post, path, body: try body(["keyId": symmetricKey, "keyPairSpec": "ECC_NIST_P384"])))
                #expect(pair["publicKey"] is String && pair["privateKeyCiphertextBlob"] is String)
                #expect((pair["privateKeyPlaintext"] != nil) == (path == "/v1/datakey-pair"))
            }
        }
    }
}
