import Foundation
import Testing
@testable import Client

/// The JSON the identity-and-access client methods send, and how it reads what the service answers.
struct AccessRequestTests {
    /// Canonical JSON text, so bodies of `[String: Any]` compare as strings.
    func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    @Test func bindingBodyNamesExactlyOneScope() throws {
        let cases: [(BindingScope, String)] = [
            (.allKeys, #""allKeys":true"#),
            (.key("alias/app"), #""keyId":"alias/app""#),
            (.aliasPrefix("alias/team-a/"), #""aliasPrefix":"alias/team-a/""#),
            (.tag(key: "team", value: "a"), #""tagKey":"team","tagValue":"a""#),
        ]
        for (scope, members) in cases {
            let body = KeyServiceClient.bindingBody(principal: "ci", role: "encrypt-only", scope: scope, conditions: [], effect: .allow)
            let text = try canonical(body)
            #expect(text.contains(members))
            let scopeKeys: Set<String> = ["allKeys", "keyId", "aliasPrefix", "tagKey", "tagValue"]
            #expect(Set(body.keys).intersection(scopeKeys) == Set(scope.jsonMembers.keys))
            #expect(body["conditions"] == nil)
        }
    }

    @Test func bindingBodyCarriesConditionsAndEffect() throws {
        let body = KeyServiceClient.bindingBody(
            principal: "deploy", role: "decrypt-only", scope: .allKeys,
            conditions: [.equals(key: "env", value: "prod"), .hasKey("tenant"), .matches(key: "app", pattern: "web-*")],
            effect: .deny)
        #expect(try canonical(body) == """
            {"allKeys":true,"conditions":[{"equals":"prod","key":"env"},{"key":"tenant"},{"key":"app","matches":"web-*"}],\
            "effect":"Deny","principal":"deploy","role":"decrypt-only"}
            """)
    }

    @Test func keyValueTextSplitsAtTheFirstEqualsSign() {
        #expect(BindingScope.tag(parsing: "team=a") == .tag(key: "team", value: "a"))
        #expect(BindingScope.tag(parsing: "team=a=b") == .tag(key: "team", value: "a=b"))
        #expect(BindingScope.tag(parsing: "team=") == .tag(key: "team", value: ""))
        #expect(BindingScope.tag(parsing: "team") == nil)
        #expect(BindingScope.tag(parsing: "=a") == nil)
        #expect(Condition.equals(parsing: "env=prod") == .equals(key: "env", value: "prod"))
        #expect(Condition.equals(parsing: "env") == nil)
        #expect(Condition.matches(parsing: "app=web-*,api-?") == .matches(key: "app", pattern: "web-*,api-?"))
        #expect(Condition.matches(parsing: "=web-*") == nil)
    }

    @Test func grantBodyCarriesOneConstraintKind() throws {
        let plain = KeyServiceClient.grantBody(keyId: "k1", grantee: "deploy", operations: ["Decrypt"], retiringPrincipal: nil,
                                               constraint: nil, name: nil)
        #expect(try canonical(plain) == #"{"granteePrincipal":"deploy","keyId":"k1","operations":["Decrypt"]}"#)
        let constrained = KeyServiceClient.grantBody(
            keyId: "k1", grantee: "deploy", operations: ["Decrypt", "RetireGrant"], retiringPrincipal: "admin",
            constraint: .contextSubset(["env": "prod"]), name: "deploy-prod")
        #expect(try canonical(constrained) == """
            {"constraints":{"encryptionContextSubset":{"env":"prod"}},"granteePrincipal":"deploy","keyId":"k1",\
            "name":"deploy-prod","operations":["Decrypt","RetireGrant"],"retiringPrincipal":"admin"}
            """)
    }

    @Test func bindingAnswerDecodesScopeAndConditions() throws {
        let answer = """
            {"bindingId":"b1","principal":"deploy","role":"decrypt-only","effect":"Allow","tagKey":"team","tagValue":"a",
             "conditions":[{"key":"env","equals":"prod"},{"key":"tenant"},{"key":"app","matches":"web-*"}],
             "createDate":"2025-01-02T03:04:05Z"}
            """
        let info = try JSONDecoder().decode(BindingWire.self, from: Data(answer.utf8)).info()
        #expect(info.scope == .tag(key: "team", value: "a"))
        #expect(info.effect == .allow)
        #expect(info.conditions == [.equals(key: "env", value: "prod"), .hasKey("tenant"), .matches(key: "app", pattern: "web-*")])
    }

    @Test func bindingAnswerWithoutScopeIsRefused() throws {
        let answer = #"{"bindingId":"b1","principal":"p","role":"r","effect":"Allow","conditions":[],"createDate":"x"}"#
        let wire = try JSONDecoder().decode(BindingWire.self, from: Data(answer.utf8))
        #expect(throws: ClientError.self) { try wire.info() }
    }

    @Test func grantAnswerDecodesConstraint() throws {
        let answer = """
            {"keyId":"arn:aws:kms:us-east-1:111122223333:key/k1","grantId":"g1","creationDate":"2025-01-02T03:04:05Z",
             "granteePrincipal":"arn:aws:iam::111122223333:user/deploy","issuingAccount":"arn:aws:iam::111122223333:root",
             "operations":["Decrypt"],"constraints":{"encryptionContextEquals":{"env":"prod"}}}
            """
        let entry = try JSONDecoder().decode(GrantWire.self, from: Data(answer.utf8)).entry
        #expect(entry.constraint == .contextEquals(["env": "prod"]))
        #expect(entry.name == nil && entry.retiringPrincipal == nil)
    }

    @Test func newAccessKeyNeverPrintsItsSecret() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let key = NewAccessKey(accessKeyId: "AKIAEXAMPLE", secretAccessKey: Credentials(accessKeyId: "x", secretAccessKey: secret).secretAccessKey)
        for rendering in [key.description, String(reflecting: key), "\(key)", String(describing: [key])] {
            #expect(!rendering.contains("wJalr"))
            #expect(rendering.contains("AKIAEXAMPLE"))
        }
        #expect(key.credentials.accessKeyId == "AKIAEXAMPLE")
    }
}
