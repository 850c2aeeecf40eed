import Client
import Testing

/// The CLI's `k=v[,k=v…]` lists: escapes, `=` in values, duplicate keys.
@Suite struct ContextPairsTests {
    func parse(_ values: String...) throws -> [String: String] {
        try ContextPairs.parse(values, option: "--context")
    }

    func error(_ values: String...) -> String? {
        do {
            _ = try ContextPairs.parse(values, option: "--context")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func pairsComeFromCommasAndRepeatedOptions() throws {
        #expect(try parse("project=web,commit=3f2a9c", "stage=prod") == ["project": "web", "commit": "3f2a9c", "stage": "prod"])
        #expect(try parse("a=b,", ",c=d") == ["a": "b", "c": "d"], "empty items are ignored")
        #expect(try parse("empty=") == ["empty": ""])
    }

    @Test func escapedCommaBelongsToTheValue() throws {
        #expect(try parse(#"k=a\,b"#) == ["k": "a,b"])
        #expect(try parse(#"k=a\,b,l=c"#) == ["k": "a,b", "l": "c"])
    }

    @Test func firstUnescapedEqualsEndsTheKey() throws {
        #expect(try parse("k=a=b") == ["k": "a=b"], "a value may hold = without escaping")
        #expect(try parse(#"a\=b=c"#) == ["a=b": "c"])
        #expect(try parse(#"k=a\=b"#) == ["k": "a=b"])
    }

    @Test func escapedBackslashIsOneBackslash() throws {
        #expect(try parse(#"path=C:\\dir"#) == ["path": #"C:\dir"#])
        #expect(try parse(#"k=a\\,l=b"#) == ["k": #"a\"#, "l": "b"], "an escaped backslash does not escape the comma")
    }

    @Test func badEscapesAreRefused() {
        #expect(error(#"k=a\b"#)?.contains(#"unknown escape '\b'"#) == true)
        #expect(error(#"k=a\"#)?.contains("lone backslash") == true)
    }

    @Test func keyGivenTwiceIsRefused() {
        #expect(error("k=a", "k=b") == "--context gives the key 'k' more than once")
        #expect(error("k=a,k=a") == "--context gives the key 'k' more than once")
    }

    @Test func itemsWithoutKeyOrEqualsAreRefused() {
        #expect(error("k") == "--context takes key=value pairs, got 'k'")
        #expect(error("=v") == "--context takes key=value pairs, got '=v'")
        #expect(error(#"a\,b"#) == #"--context takes key=value pairs, got 'a\,b'"#)
    }
}
