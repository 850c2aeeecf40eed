import Testing
@testable import KeyCrypto

/// SigV4 against the AWS SigV4 test suite (as vendored in botocore) and the
/// KMS-shaped example of `shared/reference/aws-kms-wire-protocol.md` §3.3.
struct SigV4Tests {
    /// The suite's credentials, region, service and time (botocore `tests/unit/auth/test_sigv4.py`).
    static let accessKey = "AKIDEXAMPLE"
    static let secret = SecureBytes(copying: Array("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".utf8))
    static let suiteScope = SigV4.Scope(date: "20150830", region: "us-east-1", service: "service")

    static func authorization(scope: SigV4.Scope, signedHeaders: [String], signature: String) -> String {
        "\(SigV4.algorithm) Credential=\(accessKey)/\(scope.string), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
    }

    @Test func testSuiteCasesGiveCanonicalRequestStringToSignAndAuthorization() throws {
        let cases = try SigV4SuiteCase.all()
        #expect(cases.count == 34)
        let signingKey = try SigV4.signingKey(secret: Self.secret, scope: Self.suiteScope)
        for testCase in cases {
            var headers = testCase.headers
            // The signer adds the session token (botocore takes it from the credentials);
            // the suite's .req omits it and its .sreq carries it.
            if testCase.header("x-amz-security-token", in: headers) == nil,
               let token = testCase.header("x-amz-security-token", in: testCase.signedRequestHeaders) {
                headers.append((name: "X-Amz-Security-Token", value: token))
            }
            let signedHeaders = testCase.signedHeaders
            #expect(!signedHeaders.isEmpty, "\(testCase.name)")

            let canonical = SigV4.canonicalRequest(
                method: testCase.method, rawPath: testCase.rawPath, rawQuery: testCase.rawQuery,
                headers: headers, signedHeaders: signedHeaders,
                payloadHash: testCase.body.withUnsafeBytes { Digest.sha256Hex($0) })
            #expect(canonical == testCase.canonicalRequest, "\(testCase.name): canonical request")

            let amzDate = try #require(testCase.header("x-amz-date", in: headers), "\(testCase.name)")
            #expect(String(amzDate.prefix(8)) == Self.suiteScope.date)
            let stringToSign = SigV4.stringToSign(amzDate: amzDate, scope: Self.suiteScope, canonicalRequest: canonical ?? "")
            #expect(stringToSign == testCase.stringToSign, "\(testCase.name): string to sign")

            let signature = try SigV4.signature(signingKey: signingKey, stringToSign: stringToSign)
            let authorization = Self.authorization(scope: Self.suiteScope, signedHeaders: signedHeaders.sorted(), signature: signature)
            #expect(authorization == testCase.authorization, "\(testCase.name): Authorization")
        }
    }

    @Test func canonicalRequestIsNilWhenASignedHeaderIsMissing() {
        let canonical = SigV4.canonicalRequest(
            method: "POST", rawPath: "/", rawQuery: "", headers: [(name: "Host", value: "example.amazonaws.com")],
            signedHeaders: ["host", "x-amz-date"], payloadHash: SigV4.emptyPayloadHash)
        #expect(canonical == nil)
    }

    /// get-vanilla's key chain; kDate…kSigning from the reference doc (§3.3),
    /// checked there against an independent HMAC implementation.
    @Test func signingKeyChainMatchesReferenceValues() throws {
        var key = SecureBytes(copying: Array("AWS4".utf8) + Self.secret.exportBytes())
        let expected = [
            ("20150830", "0138c7a6cbd60aa727b2f653a522567439dfb9f3e72b21f9b25941a42f04a7cd"),
            ("us-east-1", "f33d5808504bf34812e5fade63308b424b244c59189be2a591dd2282c7cb563f"),
            ("service", "f7fd819348e53789a8474fb1aebea778f5af85c40612e0f064eecd5642c81bc1"),
            ("aws4_request", "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75"),
        ]
        for (part, hex) in expected {
            key = SecureBytes(copying: try HMAC.authenticate(.sha256, key: key, data: Array(part.utf8)))
            #expect(Hex.encode(key.exportBytes()) == hex, "after \(part)")
        }
        let signingKey = try SigV4.signingKey(secret: Self.secret, scope: Self.suiteScope)
        #expect(signingKey == key)
        let stringToSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        #expect(try SigV4.signature(signingKey: signingKey, stringToSign: stringToSign)
                == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    /// A GenerateDataKey request as botocore 1.43.11 signs it for a local server
    /// (reference doc §3.3, "KMS-shaped example"). Unsigned headers ride along.
    @Test func kmsShapedRequestMatchesBotocoreSignature() throws {
        let body = #"{"KeyId": "alias/test", "NumberOfBytes": 32, "EncryptionContext": {"purpose": "test"}}"#
        #expect(body.utf8.count == 86)
        let headers: [(name: String, value: String)] = [
            ("Host", "localhost:8080"),
            ("Accept-Encoding", "identity"),
            ("X-Amz-Target", "TrentService.GenerateDataKey"),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("User-Agent", "Boto3/1.41.11 botocore/1.43.11"),
            ("X-Amz-Date", "20261129T030535Z"),
            ("Content-Length", "86"),
        ]
        let signedHeaders = ["content-type", "host", "x-amz-date", "x-amz-target"]
        let payloadHash = Digest.sha256Hex(body)
        #expect(payloadHash == "bd61bf162bcfbccee3fd6a58e76a3f89a20afd183b93f5a5642ddb48e41cf6cb")
        let canonical = try #require(SigV4.canonicalRequest(
            method: "POST", rawPath: "/", rawQuery: "", headers: headers, signedHeaders: signedHeaders, payloadHash: payloadHash))
        #expect(canonical == """
            POST
            /

            content-type:application/x-amz-json-1.1
            host:localhost:8080
            x-amz-date:20261129T030535Z
            x-amz-target:TrentService.GenerateDataKey

            content-type;host;x-amz-date;x-amz-target
            bd61bf162bcfbccee3fd6a58e76a3f89a20afd183b93f5a5642ddb48e41cf6cb
            """)
        #expect(Digest.sha256Hex(canonical) == "87a623c65477552371d717169f0f76e834b3474ef191ec89d15c229756752634")

        let scope = SigV4.Scope(date: "20261129", region: "us-east-1", service: "kms")
        #expect(scope.string == "20261129/us-east-1/kms/aws4_request")
        let signingKey = try SigV4.signingKey(secret: Self.secret, scope: scope)
        #expect(Hex.encode(signingKey.exportBytes()) == "b989bbff3c8f9c692e2b8943c0485a01cba4223d638da30c4af58ce12e580a14")
        let stringToSign = SigV4.stringToSign(amzDate: "20261129T030535Z", scope: scope, canonicalRequest: canonical)
        #expect(try SigV4.signature(signingKey: signingKey, stringToSign: stringToSign)
                == "6b8eb6b97f2ffdfab7ee984053ac3db6e252a70584356193a8c5ba4e5c854537")
    }

    // MARK: X-Amz-Date

    @Test func amzDateFormatsAndParsesTheSuiteTime() {
        #expect(SigV4.amzDate(unixTime: 1_440_938_160) == "20150830T123600Z")
        #expect(SigV4.parseAmzDate("20150830T123600Z") == 1_440_938_160)
        #expect(SigV4.amzDate(unixTime: 0) == "19700101T000000Z")
        #expect(SigV4.amzDate(unixTime: -1) == "19691231T235959Z")
        #expect(SigV4.parseAmzDate("20240229T235959Z") == 1_709_251_199)
    }

    @Test func amzDateRoundTripsAcrossCenturiesAndLeapDays() {
        let times: [Int64] = [
            -2_208_988_800,  // 1900-01-01, not a leap year
            -86_400, -1, 0, 1, 59, 3599, 86_399, 86_400,
            951_782_400,  // 2000-02-29
            1_440_938_160, 1_709_251_199, 1_709_251_200,
            4_102_444_799,  // 2099-12-31T23:59:59Z
            253_402_300_799,  // 9999-12-31T23:59:59Z
        ]
        for time in times {
            let formatted = SigV4.amzDate(unixTime: time)
            #expect(formatted.utf8.count == 16, "\(time)")
            #expect(SigV4.parseAmzDate(formatted) == time, "\(time) -> \(formatted)")
        }
        // Every day of 2024 (a leap year) and 2025, at a varying time of day.
        let firstDayOf2024: Int64 = 19_723
        for day in firstDayOf2024..<(firstDayOf2024 + 366 + 365) {
            let time = day * 86_400 + (day * 3_607) % 86_400
            #expect(SigV4.parseAmzDate(SigV4.amzDate(unixTime: time)) == time)
        }
    }

    @Test(arguments: [
        "20150230T000000Z",  // 30 February
        "20150229T000000Z",  // 29 February outside a leap year
        "20150431T000000Z",  // 31 April
        "20151301T000000Z", "20150001T000000Z", "20150800T000000Z", "20150832T000000Z",
        "20150830T240000Z", "20150830T126000Z", "20150830T123661Z",
        "20150830T123600", "20150830T123600ZZ", "150830T123600Z", "",  // wrong length
        "2015083OT123600Z", "20150830T12360aZ", "2015-8-30T12360Z", "+0150830T123600Z", " 0150830T123600Z",  // non-digits
        "20150830t123600Z", "20150830T123600z", "20150830 123600Z",  // wrong separators
        "２015083０T123600Z",  // full-width digits
    ])
    func parseAmzDateRejectsMalformedOrImpossibleDates(_ text: String) {
        #expect(SigV4.parseAmzDate(text) == nil)
    }
}
