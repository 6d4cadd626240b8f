import SoakModel

/// A PromQL instant-vector selector: `name{label="v",other=~"re"}`, `{__name__=~"x.*"}` or `name`.
///
/// A series is selected when every matcher matches (a metric name outside the braces is an
/// `__name__=` matcher). `SeriesSelector.all` selects everything.
public struct SeriesSelector: Sendable, CustomStringConvertible {
    public var matchers: [LabelMatcher]

    public init(matchers: [LabelMatcher]) {
        self.matchers = matchers
    }

    /// Selects every series.
    public static let all = SeriesSelector(matchers: [])

    /// Selects one metric name.
    public static func metric(_ name: String) -> SeriesSelector {
        // An equality matcher never throws (no regex to compile).
        SeriesSelector(matchers: [try! LabelMatcher("__name__", .equal, name)])
    }

    /// The exact metric name when the selector pins one (lets the store look up by name).
    var exactMetricName: String? {
        matchers.first { $0.name == "__name__" && $0.op == .equal }?.value
    }

    /// Whether `key` satisfies every matcher.
    public func matches(_ key: SeriesKey) -> Bool {
        matchers.allSatisfy { $0.matches(key.value(of: $0.name)) }
    }

    public var description: String {
        "{" + matchers.map(\.description).joined(separator: ",") + "}"
    }

    /// Parses PromQL selector syntax.
    ///
    /// Strings may be `"…"`, `'…'` (with `\\`, `\"`, `\'`, `\n`, `\t` escapes) or `` `…` `` (raw);
    /// a trailing comma inside the braces is allowed, as in PromQL.
    /// - throws: `.invalidSelector` naming the offset of the first problem.
    public init(parsing text: String) throws(StoreError) {
        var parser = SelectorParser(Array(text.unicodeScalars))
        matchers = try parser.parse()
    }
}

/// A hand-written scanner for `SeriesSelector(parsing:)`.
private struct SelectorParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private func fail(_ message: String) -> StoreError {
        StoreError(kind: .invalidSelector,
                   message: "\(message) at offset \(index) of selector \"\(String(String.UnicodeScalarView(scalars)))\"")
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func skipSpace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" { index += 1 }
    }

    private static func isNameStart(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || s == "_" || s == ":"
    }

    private static func isNameContinue(_ s: Unicode.Scalar) -> Bool {
        isNameStart(s) || (s >= "0" && s <= "9")
    }

    private mutating func name(allowColon: Bool) -> String? {
        guard let first = current, Self.isNameStart(first), allowColon || first != ":" else { return nil }
        var out = String.UnicodeScalarView()
        while let scalar = current, Self.isNameContinue(scalar), allowColon || scalar != ":" {
            out.append(scalar)
            index += 1
        }
        return String(out)
    }

    mutating func parse() throws(StoreError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        skipSpace()
        if let metric = name(allowColon: true) {
            matchers.append(try! LabelMatcher("__name__", .equal, metric))  // equality never throws
            skipSpace()
        }
        if current == "{" {
            index += 1
            skipSpace()
            while current != "}" {
                guard let label = name(allowColon: false) else { throw fail("expected a label name") }
                skipSpace()
                let op = try matchOperator()
                skipSpace()
                let value = try string()
                do {
                    matchers.append(try LabelMatcher(label, op, value))
                } catch {
                    throw fail(error.description)
                }
                skipSpace()
                if current == "," {
                    index += 1
                    skipSpace()
                } else if current != "}" {
                    throw fail("expected ',' or '}'")
                }
            }
            index += 1
            skipSpace()
        }
        if current != nil { throw fail("unexpected character '\(current!)'") }
        if matchers.isEmpty { throw fail("empty selector") }
        return matchers
    }

    private mutating func matchOperator() throws(StoreError) -> LabelMatcher.Operator {
        let first = current
        let second = index + 1 < scalars.count ? scalars[index + 1] : nil
        switch (first, second) {
        case ("=", "~"): index += 2; return .matchesRegex
        case ("!", "~"): index += 2; return .notMatchesRegex
        case ("!", "="): index += 2; return .notEqual
        case ("=", _): index += 1; return .equal
        default: throw fail("expected one of = != =~ !~")
        }
    }

    private mutating func string() throws(StoreError) -> String {
        guard let quote = current, quote == "\"" || quote == "'" || quote == "`" else {
            throw fail("expected a quoted string")
        }
        index += 1
        var out = String.UnicodeScalarView()
        while let scalar = current {
            index += 1
            if scalar == quote { return String(out) }
            if scalar == "\\" && quote != "`" {
                guard let escaped = current else { break }
                index += 1
                switch escaped {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\", "\"", "'": out.append(escaped)
                default: throw fail("unknown escape \\\(escaped)")
                }
            } else {
                out.append(scalar)
            }
        }
        throw fail("unterminated string")
    }
}
