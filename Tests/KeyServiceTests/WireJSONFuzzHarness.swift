import Foundation
@testable import KeyService

/// One input of the request-JSON fuzzer (`fuzz/`, target `fuzz-wire-json`), also
/// replayed by `swift test` over the committed corpus. The input is a request
/// body. Refusals are expected; a crash, or an answer that breaks one of these
/// rules, is a finding:
///
/// 1. What `JSONReader` accepts, `JSONWriter` writes back to text that reads
///    to the same value, and Foundation's reader accepts that text too (unless
///    a number is beyond a Double's range, which Foundation refuses and the
///    decoder refuses for any member).
/// 2. Decoding it into operation inputs through both doors (REST: strict,
///    camelCase; AWS: lenient, PascalCase) either succeeds or fails with a
///    client error, never a server fault.
enum WireJSONFuzzHarness {
    static func run(_ bytes: [UInt8]) -> String? {
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            return nil
        }
        var written: [UInt8] = []
        JSONWriter.write(value, into: &written)
        guard let again = try? JSONReader.parse(written) else { return "the writer's text does not read back" }
        guard again == value else { return "the writer's text reads back to another value" }
        if numbersFitDoubles(value), (try? JSONSerialization.jsonObject(with: Data(written), options: [.fragmentsAllowed])) == nil {
            return "Foundation refuses the writer's text"
        }
        if let problem = decode(GenerateDataKey.Input.self, value) { return problem }
        if let problem = decode(Encrypt.Input.self, value) { return problem }
        if let problem = decode(CreateKey.Input.self, value) { return problem }
        if let problem = decode(CreateGrant.Input.self, value) { return problem }
        return nil
    }

    static func numbersFitDoubles(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let text): Double(text).map { $0.isFinite } ?? false
        case .array(let elements): elements.allSatisfy(numbersFitDoubles)
        case .object(let members): members.allSatisfy { numbersFitDoubles($0.value) }
        case .null, .bool, .string: true
        }
    }

    static func decode<Input: OperationInput>(_ type: Input.Type, _ value: JSONValue) -> String? {
        do {
            _ = try WireDecoder.decode(Input.self, from: value, strict: true)
        } catch {
            if KMSError.fromDecoding(error).isServerFault { return "\(Input.self) (REST): a server fault" }
        }
        do {
            _ = try WireDecoder.decode(Input.self, from: value, memberName: WireCoding.awsMemberName)
        } catch {
            if AWSDoor.awsDecodingError(error).isServerFault { return "\(Input.self) (AWS): a server fault" }
        }
        return nil
    }
}
