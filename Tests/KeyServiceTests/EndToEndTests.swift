import AsyncHTTPClient
import Client
import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// A live server on 127.0.0.1, driven by the Swift client over real HTTP.
@Suite(.timeLimit(.minutes(3))) struct EndToEndTests {
    @Test func fullKeyLifecycleOverHTTP() async throws {
        let live = try await LiveServer.build()
        let admin = try #require(live.administrator)
        try await live.run { endpoint, _ in
            let client = try LiveServer.client(endpoint, admin)
            #expect(await client.health())
            let created = try await client.createKey(description: "e2e", tags: ["team": "core", "env": "test"])
            #expect(created.keyState == "Enabled")
            #expect(created.description == "e2e")
            let id = created.keyId
            #expect(try await client.describeKey(created.arn) == created)
            #expect(try await client.allKeys().map(\.keyId) == [id])

            try await client.updateKeyDescription(id, description: "renamed")
            try await client.createAlias("alias/e2e", targetKeyId: id)
            #expect(try await client.describeKey("alias/e2e").description == "renamed")
            #expect(try await client.listAliases(keyId: id).items.map(\.aliasName) == ["alias/e2e"])

            try await client.untagKey(id, tagKeys: ["env"])
            try await client.tagKey(id, tags: ["owner": "ops"])
            #expect(try await client.listTags(id).items.map { "\($0.key)=\($0.value)" } == ["owner=ops", "team=core"])

            try await client.enableKeyRotation(id, periodInDays: 180)
            let status = try await client.keyRotationStatus(id)
            #expect(status.keyRotationEnabled)
            #expect(status.rotationPeriodInDays == 180)
            try await client.rotateKey(id)
            #expect(try await client.listKeyRotations(id).items.map(\.rotationType) == ["ON_DEMAND"])
            try await client.disableKeyRotation(id)
            #expect(try await !client.keyRotationStatus(id).keyRotationEnabled)

            try await client.disableKey(id)
            #expect(try await client.describeKey(id).keyState == "Disabled")
            try await client.enableKey(id)
            let schedule = try await client.scheduleKeyDeletion(id, pendingWindowInDays: 7)
            #expect(schedule.keyState == "PendingDeletion")
            #expect(schedule.pendingWindowInDays == 7)
            #expect(try await client.describeKey(id).deletionDate != nil)
            try await client.cancelKeyDeletion(id)
            #expect(try await client.describeKey(id).keyState == "Disabled")
            try await client.deleteAlias("alias/e2e")
            #expect(try await client.listAliases().items.isEmpty)
        }
    }

    @Test func cryptographicOperationsOverHTTP() async throws {
        let live = try await LiveServer.build()
        let admin = try #require(live.administrator)
        try await live.run { endpoint, _ in
            let client = try LiveServer.client(endpoint, admin)
            let source = try await client.createKey().keyId
            let destination = try await client.createKey().keyId
            try await client.createAlias("alias/dest", targetKeyId: destination)
            let plaintext = SecureBytes(copying: utf8("end to end"))

            let sealed = try await client.encrypt(keyId: source, plaintext: plaintext, context: ["tenant": "a"])
            #expect(sealed.keyId.hasSuffix(source))
            let opened = try await client.decrypt(ciphertextBlob: sealed.ciphertextBlob, context: ["tenant": "a"])
            #expect(opened.plaintext == plaintext)

            let moved = try await client.reEncrypt(
                ciphertextBlob: sealed.ciphertextBlob, sourceContext: ["tenant": "a"], destinationKeyId: "alias/dest",
                destinationContext: ["tenant": "b"])
            #expect(moved.keyId.hasSuffix(destination))
            #expect(try await client.decrypt(ciphertextBlob: moved.ciphertextBlob, context: ["tenant": "b"]).plaintext == plaintext)

            let sizes: [(DataKeySize, Int)] = [(.aes256, 32), (.aes128, 16), (.bytes(64), 64)]
            for (size, bytes) in sizes {
                let dataKey = try await client.generateDataKey(keyId: source, size: size, context: ["file": "x"])
                let key = try #require(dataKey.plaintext)
                #expect(key.count == bytes)
                #expect(try await client.decrypt(ciphertextBlob: dataKey.ciphertextBlob, context: ["file": "x"]).plaintext == key)
            }
            let withoutPlaintext = try await client.generateDataKey(keyId: source, withPlaintext: false)
            #expect(withoutPlaintext.plaintext == nil)
            #expect(try await client.decrypt(ciphertextBlob: withoutPlaintext.ciphertextBlob).plaintext.count == 32)

            let first = try await client.generateRandom(numberOfBytes: 1024)
            let second = try await client.generateRandom(numberOfBytes: 1024)
            #expect(first.count == 1024)
            #expect(first != second)
        }
    }

    @Test func refusedRequestsOverHTTP() async throws {
        let live = try await LiveServer.build()
        let admin = try #require(live.administrator)
        try await live.run { endpoint, _ in
            let client = try LiveServer.client(endpoint, admin)
            let key = try await client.createKey().keyId
            let doomed = try await client.createKey().keyId
            let blob = try await client.encrypt(keyId: key, plaintext: SecureBytes(copying: utf8("x")), context: ["a": "b"]).ciphertextBlob

            await expectServiceError("InvalidCiphertext", status: 400, "wrong context") {
                try await client.decrypt(ciphertextBlob: blob, context: ["a": "c"])
            }
            var tampered = blob
            tampered[tampered.count - 1] ^= 0x01
            await expectServiceError("InvalidCiphertext", status: 400, "tampered") {
                try await client.decrypt(ciphertextBlob: tampered, context: ["a": "b"])
            }
            await expectServiceError("NotFound", status: 404) {
                try await client.encrypt(keyId: "00000000-0000-4000-8000-000000000000", plaintext: SecureBytes(copying: [1]))
            }
            await expectServiceError("ValidationError", status: 400, "4097 bytes") {
                try await client.encrypt(keyId: key, plaintext: SecureBytes(copying: [UInt8](repeating: 1, count: 4097)))
            }
            await expectServiceError("ValidationError", status: 400) { try await client.generateRandom(numberOfBytes: 0) }
            await expectServiceError("ValidationError", status: 400) { try await client.generateRandom(numberOfBytes: 1025) }

            try await client.disableKey(key)
            await expectServiceError("Disabled", status: 409) { try await client.decrypt(ciphertextBlob: blob, context: ["a": "b"]) }
            await expectServiceError("Disabled", status: 409) { try await client.generateDataKey(keyId: key) }

            _ = try await client.scheduleKeyDeletion(doomed)
            await expectServiceError("InvalidState", status: 409) {
                try await client.encrypt(keyId: doomed, plaintext: SecureBytes(copying: [1]))
            }
        }
    }

    @Test func authenticationFailuresOverHTTP() async throws {
        let live = try await LiveServer.build()
        let admin = try #require(live.administrator)
        try await live.run { endpoint, port in
            let wrongSecret = Credentials(accessKeyId: admin.accessKeyId, secretAccessKey: "wrong-secret-wrong-secret-wrong-secret-00")
            let impostor = try LiveServer.client(endpoint, wrongSecret)
            await expectServiceError("InvalidSignature", status: 403) { try await impostor.listKeys() }
            let stranger = try LiveServer.client(endpoint, Credentials(accessKeyId: "AKIANOBODYNOBODYNOBO", secretAccessKey: "x"))
            await expectServiceError("UnrecognizedClient", status: 403) { try await stranger.listKeys() }

            // A request signed 20 minutes ago.
            let host = "127.0.0.1:\(port)"
            let signer = SigV4Signer(credentials: admin, region: "us-east-1")
            let stale = try signer.sign(
                method: "GET", host: host, rawPath: "/v1/keys", headers: [], body: [], date: Date().addingTimeInterval(-1200))
            let staleResponse = try await rawRequest("\(endpoint)/v1/keys", method: "GET", headers: [("Host", host)] + stale)
            #expect(staleResponse.status == 403)
            #expect((staleResponse.body["error"] as? [String: Any])?["code"] as? String == "InvalidSignature")

            // The same request signed now is accepted, so the failure above was the date.
            let fresh = try signer.sign(method: "GET", host: host, rawPath: "/v1/keys", headers: [], body: [])
            #expect(try await rawRequest("\(endpoint)/v1/keys", method: "GET", headers: [("Host", host)] + fresh).status == 200)

            let unsigned = try await rawRequest("\(endpoint)/v1/keys", method: "GET", headers: [])
            #expect(unsigned.status == 403)
            #expect((unsigned.body["error"] as? [String: Any])?["code"] as? String == "MissingAuthentication")
        }
    }
}
