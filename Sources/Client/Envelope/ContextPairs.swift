/// Encryption-context pairs as the CLI takes them: `k=v[,k=v…]`, the option
/// repeatable. A pair's first `=` ends its key (so a value may hold `=`); a
/// backslash escapes `,` `=` and itself, so `--context 'k=a\,b'` is the pair
/// (k, "a,b") and `'a\=b=c'` the pair ("a=b", "c"). A key may appear once in all.
public enum ContextPairs {
    /// Why the pairs could not be read; its description names the option.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The pairs of every value of `option` (e.g. `--context`), in one dictionary.
    public static func parse(_ values: [String], option: String) throws(ParseError) -> [String: String] {
        var pairs: [String: String] = [:]
        for value in values {
            for item in try split(value, option: option) where !item.key.isEmpty || item.value != nil {
                guard let pairValue = item.value, !item.key.isEmpty else {
                    throw ParseError(description: "\(option) takes key=value pairs, got '\(item.text)'")
                }
                guard pairs.updateValue(pairValue, forKey: item.key) == nil else {
                    throw ParseError(description: "\(option) gives the key '\(item.key)' more than once")
                }
            }
        }
        return pairs
    }

    /// One comma-separated item: its text as given (for messages), its key and,
    /// once an unescaped `=` was seen, its value.
    private struct Item {
        var text = ""
        var key = ""
        var value: String?

        mutating func append(_ character: Character, raw: String) {
            text += raw
            if value == nil { key.append(character) } else { value!.append(character) }
        }
    }

    /// Splits one option value at its unescaped commas, each item at its first unescaped `=`.
    private static func split(_ value: String, option: String) throws(ParseError) -> [Item] {
        var items = [Item()]
        var escaped = false
        for character in value {
            if escaped {
                guard character == "," || character == "=" || character == "\\" else {
                    throw ParseError(description: "\(option): unknown escape '\\\(character)' (escape only \\, \\= and \\\\)")
                }
                items[items.count - 1].append(character, raw: "\\\(character)")
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                items.append(Item())
            } else if character == "=" && items[items.count - 1].value == nil {
                items[items.count - 1].value = ""
                items[items.count - 1].text += "="
            } else {
                items[items.count - 1].append(character, raw: String(character))
            }
        }
        if escaped { throw ParseError(description: "\(option): '\(value)' ends with a lone backslash (write \\\\ for one)") }
        return items
    }
}
