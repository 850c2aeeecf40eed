import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// The front doors' JSON reader faces untrusted bytes; the decoder and encoder
/// decide what every request means and every answer says.
@Suite struct WireJSONTests {
    private func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONReader.parse(Array(text.utf8)) }

    private func rejects(_ bytes: [UInt8], _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: JSONSyntaxError.self, comment, sourceLocation: sourceLocation) { try JSONReader.parse(bytes) }
    }

    @Test func readsEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}, "e": ""} "#)
        #expect(value == .object([
            JSONMember(key: "a", value: .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
            JSONMember(key: "b", value: .object([JSONMember(key: "c", value: .string("d\né😀"))])),
            JSONMember(key: "e", value: .string("")),
        ]))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .emptyObject)
        #expect(try parse("0") == .number("0"))
        #expect(try parse(#""\/\\\"\b\f\r\t""#) == .string("/\\\"\u{8}\u{c}\r\t"))
    }

    @Test func refusesMalformedInput() {
        let cases = [
            "", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\"}", "{\"a\" 1}", "{a:1}", "{'a':1}",
            "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "-Infinity", "tru", "nul", "falsey",
            "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
            "{} {}", "[1] x", "\"a\" \"b\"", "[1 2]", "{\"a\":1 \"b\":2}", "/* c */ {}", "{\"a\":1}//",
            "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}",
        ]
        for text in cases { rejects(Array(text.utf8), "\(text)") }
        // Raw control characters inside strings, invalid UTF-8 (bare, in names, after an escape), NUL.
        rejects(Array("\"a\u{1}b\"".utf8))
        rejects(Array("\"a\nb\"".utf8))
        rejects([0x22, 0xff, 0x22])
        rejects([0x22, 0xc3, 0x22])
        rejects([0x22, 0xed, 0xa0, 0x80, 0x22])  // an encoded surrogate
        rejects([0x7b, 0x22, 0xfe, 0x22, 0x3a, 0x31, 0x7d])
        rejects([0x22, 0x5c, 0x6e, 0xff, 0x22])
        rejects([0x00])
        rejects(Array("{\"a\":1}\u{0}".utf8))
    }

    @Test func duplicateNamesAreRefusedAlsoInLargeObjects() throws {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }
        #expect(throws: Never.self) { try parse("{" + members.joined(separator: ",") + "}") }
        rejects(Array(("{" + (members + ["\"k3\":0"]).joined(separator: ",") + "}").utf8))
        rejects(Array(("{" + (members + ["\"k39\":0"]).joined(separator: ",") + "}").utf8))
    }

    @Test func nestingIsBounded() throws {
        let deep = JSONReader.maxDepth
        #expect(throws: Never.self) { try parse(String(repeating: "[", count: deep) + String(repeating: "]", count: deep)) }
        rejects(Array((String(repeating: "[", count: deep + 1) + String(repeating: "]", count: deep + 1)).utf8))
        rejects(Array((String(repeating: "{\"a\":", count: deep + 1) + "1" + String(repeating: "}", count: deep + 1)).utf8))
        // Far deeper than the limit: refused, not a stack overflow.
        rejects(Array(String(repeating: "[", count: 100_000).utf8))
    }

    @Test func syntaxErrorsNameThePlaceNotTheContent() {
        let secret = "c2VjcmV0IHBsYWludGV4dA=="
        do {
            _ = try JSONReader.parse(Array("{\"plaintext\": \"\(secret)\" ".utf8))
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains(secret))
            #expect(!error.description.contains("plaintext"))
            #expect(error.offset > 0)
        }
    }

    @Test func writerRoundTripsAndEscapes() throws {
        let value = JSONValue.object([
            JSONMember(key: "q\"u\\o/te", value: .string("line\nbreak\ttab\u{1}\u{7f}é😀")),
            JSONMember(key: "n", value: .array([.number("-0.5"), .null, .bool(true)])),
        ])
        var out: [UInt8] = []
        JSONWriter.write(value, into: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text == #"{"q\"u\\o/te":"line\nbreak\ttab\u0001"# + "\u{7f}" + #"é😀","n":[-0.5,null,true]}"#)
        #expect(try JSONReader.parse(out) == value)
        // Foundation reads it the same way.
        let foundation = try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any]
        #expect(foundation?["q\"u\\o/te"] as? String == "line\nbreak\ttab\u{1}\u{7f}é😀")
    }

    // MARK: Decoding

    private struct Sample: Decodable, Equatable {
        var keyId: String
        var numberOfBytes: Int?
        var dryRun: Bool?
        var encryptionContext: [String: String]?
        var tags: [Tag]?
        struct Tag: Decodable, Equatable { var tagKey: String; var tagValue: String }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String, aws: Bool = false) throws -> T {
        try WireDecoder.decode(type, from: try parse(text), memberName: aws ? WireCoding.awsMemberName : nil)
    }

    @Test func decodesMembersOptionalsAndNestedValues() throws {
        let sample = try decode(Sample.self, #"{"keyId":"k","numberOfBytes":2.0,"encryptionContext":{"A":"b"},"tags":[{"tagKey":"x","tagValue":"y"}],"dryRun":null}"#)
        #expect(sample == Sample(keyId: "k", numberOfBytes: 2, dryRun: nil, encryptionContext: ["A": "b"], tags: [.init(tagKey: "x", tagValue: "y")]))
    }

    @Test func awsNamesAreReadInCamelCaseButStringMapKeysAreKeptAsGiven() throws {
        let sample = try decode(Sample.self, #"{"KeyId":"k","EncryptionContext":{"Project":"x","lower":"y"},"Tags":[{"TagKey":"a","TagValue":"b"}]}"#, aws: true)
        #expect(sample.keyId == "k")
        #expect(sample.encryptionContext == ["Project": "x", "lower": "y"])
        #expect(sample.tags == [.init(tagKey: "a", tagValue: "b")])
        // Two spellings of one member are ambiguous.
        #expect(throws: DecodingError.self) { try decode(Sample.self, #"{"KeyId":"k","keyId":"j"}"#, aws: true) }
    }

    @Test func decodingErrorsCarryThePathNotTheValue() throws {
        func error(_ text: String) -> KMSError? {
            do {
                _ = try decode(Sample.self, text)
                return nil
            } catch {
                return KMSError.fromDecoding(error)
            }
        }
        #expect(error(#"{}"#)?.message == "Field 'keyId' is required.")
        #expect(error(#"{"keyId": null}"#)?.message == "Field 'keyId' has the wrong type.")
        #expect(error(#"{"keyId": 5}"#)?.message == "Field 'keyId' has the wrong type.")
        #expect(error(#"{"keyId":"k","tags":[{"tagKey":"x"}]}"#)?.message == "Field 'tags.tagValue' is required.")
        #expect(error(#"[1]"#)?.code == .serialization)
        for number in ["1.5", "1e30", "84194560855797102863712256", "-9223372036854775809", "1e400"] {
            let refused = error(#"{"keyId":"k","numberOfBytes":\#(number)}"#)
            #expect(refused?.code == .validation, "\(number)")
            #expect(refused?.message.contains(number) == false, "\(number)")
            #expect(refused?.message.hasPrefix("Field 'numberOfBytes' is not valid") == true, "\(number)")
        }
        #expect(error(#"{"keyId":"k","numberOfBytes":"1"}"#)?.message == "Field 'numberOfBytes' has the wrong type.")
        let secret = "dG9wIHNlY3JldA=="
        #expect(error(#"{"keyId":"k","dryRun":"\#(secret)"}"#)?.message.contains(secret) == false)
    }

    /// `[String: String]` and `[String]` are read without the generic containers; they must
    /// give what the generic path gives, including its errors, through both doors.
    @Test func stringMapsAndStringArraysDecodeAndFailLikeTheGenericPath() throws {
        struct Shapes: Decodable, Equatable {
            var context: [String: String]?
            var tokens: [String]?
            var nested: [String: [String: String]]?
        }
        let shapes = try decode(Shapes.self, #"{"context":{"Z":"1","a":""},"tokens":["x","y"],"nested":{"k":{"Q":"v"}}}"#)
        #expect(shapes == Shapes(context: ["Z": "1", "a": ""], tokens: ["x", "y"], nested: ["k": ["Q": "v"]]))
        #expect(try decode(Shapes.self, #"{"context":{},"tokens":[]}"#) == Shapes(context: [:], tokens: []))
        // AWS spelling renames members, never a map's keys.
        #expect(try decode(Shapes.self, #"{"Context":{"Key":"V"}}"#, aws: true).context == ["Key": "V"])
        func message(_ text: String, strict: Bool = false) -> String? {
            do {
                _ = try WireDecoder.decode(Shapes.self, from: try parse(text), strict: strict)
                return nil
            } catch {
                return KMSError.fromDecoding(error).message
            }
        }
        #expect(message(#"{"context":{"k":5}}"#) == "Field 'context.k' has the wrong type.")
        #expect(message(#"{"context":{"k":null}}"#) == "Field 'context.k' has the wrong type.")
        #expect(message(#"{"context":["k"]}"#) == "Field 'context' has the wrong type.")
        #expect(message(#"{"context":"k"}"#) == "Field 'context' has the wrong type.")
        #expect(message(#"{"tokens":["a",7]}"#) == "Field 'tokens' has the wrong type.")
        #expect(message(#"{"tokens":{"a":"b"}}"#) == "Field 'tokens' has the wrong type.")
        #expect(message(#"{"tokens":[null]}"#, strict: true) == "Field 'tokens' has the wrong type.")
        #expect(message(#"{"nested":{"k":{"Q":1}}}"#) == "Field 'nested.k.Q' has the wrong type.")
    }

    @Test func strictDecodingRefusesUnknownMembersLenientIgnoresThem() throws {
        let json = try parse(#"{"keyId":"k","keySpec":"AES_256","surprise":1}"#)
        let refused = #expect(throws: KMSError.self) { try WireDecoder.decode(GenerateDataKey.Input.self, from: json, strict: true) }
        #expect(refused?.message == "Unknown field 'surprise'.")
        let input = try WireDecoder.decode(GenerateDataKey.Input.self, from: json)
        #expect(input.keyId == "k")
    }

    @Test func strictDecodingRefusesUnknownNestedMembersAndNullsAtAnyDepth() throws {
        func refusal(_ text: String) throws -> String? {
            do {
                _ = try WireDecoder.decode(Sample.self, from: try parse(text), strict: true)
                return nil
            } catch {
                return KMSError.fromDecoding(error).message
            }
        }
        #expect(try refusal(#"{"keyId":"k","tags":[{"tagKey":"x","tagValue":"y"}],"encryptionContext":{"any":"name"}}"#) == nil)
        #expect(try refusal(#"{"keyId":"k","tags":[{"tagKey":"x","tagValue":"y","extra":1}]}"#) == "Unknown field 'tags.extra'.")
        #expect(try refusal(#"{"keyId":"k","numberOfBytes":null}"#) == "Field 'numberOfBytes' must not be null; leave it out instead.")
        #expect(try refusal(#"{"keyId":"k","encryptionContext":null}"#) == "Field 'encryptionContext' must not be null; leave it out instead.")
        #expect(try refusal(#"{"keyId":null}"#) == "Field 'keyId' has the wrong type.")
        // Not strict: both are let through (the AWS door reads what SDKs of every age send).
        let lenient = try WireDecoder.decode(Sample.self, from: try parse(#"{"keyId":"k","numberOfBytes":null,"tags":[{"tagKey":"x","tagValue":"y","extra":1}]}"#))
        #expect(lenient.numberOfBytes == nil && lenient.tags?.count == 1)
        // An input with no members refuses any member.
        #expect(throws: KMSError.self) { try WireDecoder.decode(EmptyInput.self, from: try parse(#"{"x":1}"#), strict: true) }
        #expect(throws: Never.self) { try WireDecoder.decode(EmptyInput.self, from: .emptyObject, strict: true) }
    }

    // MARK: Encoding

    private struct Output: Encodable {
        var keyId: String
        var creationDate: Date
        var count: Int
        var ratio: Double
        var missing: String?
        var encryptionContext: [String: String]
        var list: [String]
    }

    @Test func encodesInDeclarationOrderWithTheDoorsSpellingAndDates() throws {
        let output = Output(keyId: "k", creationDate: Date(timeIntervalSince1970: 1_700_000_000.25), count: 3, ratio: 0.5,
                            missing: nil, encryptionContext: ["Project": "x"], list: ["a"])
        let rest = String(decoding: try WireCoding.restEncoder.encode(output), as: UTF8.self)
        #expect(rest == #"{"keyId":"k","creationDate":"2023-11-14T22:13:20.250000Z","count":3,"ratio":0.5,"encryptionContext":{"Project":"x"},"list":["a"]}"#)
        let aws = String(decoding: try WireCoding.awsEncoder.encode(output), as: UTF8.self)
        #expect(aws == #"{"KeyId":"k","CreationDate":1700000000.25,"Count":3,"Ratio":0.5,"EncryptionContext":{"Project":"x"},"List":["a"]}"#)
        var whole = output
        whole.creationDate = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(String(decoding: try WireCoding.awsEncoder.encode(whole), as: UTF8.self).contains(#""CreationDate":1700000000,"#))
        // What we write, Foundation reads back to the same values.
        let decoded = try JSONSerialization.jsonObject(with: Data(try WireCoding.awsEncoder.encode(output))) as? [String: Any]
        #expect(decoded?["CreationDate"] as? Double == 1_700_000_000.25)
        #expect(decoded?["EncryptionContext"] as? [String: String] == ["Project": "x"])
    }

    @Test func nonFiniteNumbersAreNotEncoded() {
        struct Bad: Encodable { var value: Double }
        #expect(throws: EncodingError.self) { try WireCoding.restEncoder.encode(Bad(value: .nan)) }
        #expect(throws: EncodingError.self) { try WireCoding.restEncoder.encode(Bad(value: .infinity)) }
    }

    /// The committed corpus of the `fuzz-wire-json` fuzzer (and any crasher kept in
    /// `fuzz/crashers/wire-json/`) runs through the fuzzer's checks.
    @Test func fuzzCorpusRunsWithoutFindings() throws {
        let inputs = try FuzzCorpus.inputs("wire-json")
        #expect(inputs.count >= 8)
        for (name, bytes) in inputs {
            #expect(WireJSONFuzzHarness.run(bytes) == nil, "\(name)")
        }
    }
}
