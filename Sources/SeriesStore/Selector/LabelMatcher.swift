import SoakModel

/// One PromQL label matcher: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
///
/// As in Prometheus, an absent label matches as the empty string, and regular expressions are
/// fully anchored (`=~"foo"` matches only `foo`, write `=~"foo.*"` for a prefix). Regexes use
/// Swift `Regex` syntax, which agrees with RE2 for the constructs selectors use (classes,
/// alternation, repetition, `(?i)`).
public struct LabelMatcher: Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"
    }

    public let name: String
    public let op: Operator
    public let value: String
    private let regex: AnchoredRegex?

    /// - throws: `.invalidSelector` when a regex does not compile.
    public init(_ name: String, _ op: Operator, _ value: String) throws(StoreError) {
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual: regex = nil
        case .matchesRegex, .notMatchesRegex:
            do { regex = try AnchoredRegex(value) } catch {
                throw StoreError(kind: .invalidSelector, message: error.description)
            }
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

    public var description: String {
        "\(name)\(op.rawValue)\"\(QuotedText.escaped(value))\""
    }
}
