/// One PromQL label matcher: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
///
/// As in Prometheus, an absent label matches as the empty string, and regular expressions are
/// fully anchored (`=~"foo"` matches only `foo`, write `=~"foo.*"` for a prefix). Regexes use
/// Swift `Regex` syntax, which agrees with RE2 for the constructs selectors use (classes,
/// alternation, repetition, `(?i)`).
///
/// One type for the store's selectors (`SeriesSelector`) and PromQL's. Equality and hashing use
/// name, operator and value text.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"
    }

    public let name: String
    public let op: Operator
    public let value: String
    private let regex: AnchoredRegex?

    /// - throws: `AnchoredRegex.SyntaxError` when a regex does not compile.
    public init(_ name: String, _ op: Operator, _ value: String) throws(AnchoredRegex.SyntaxError) {
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual: regex = nil
        case .matchesRegex, .notMatchesRegex:
            regex = try AnchoredRegex(value)
        }
    }

    /// Whether a label value (``""`` for absent) satisfies the matcher.
    public func matches(_ labelValue: String) -> Bool {
        switch op {
        case .equal: labelValue == value
        case .notEqual: labelValue != value
        case .matchesRegex: regex!.matches(labelValue)
        case .notMatchesRegex: !regex!.matches(labelValue)
        }
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        hasher.combine(value)
    }

    public var description: String {
        "\(name)\(op.rawValue)\"\(QuotedText.escaped(value))\""
    }
}
