import SoakModel

/// A label matcher of a PromQL selector: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
///
/// As in Prometheus, an absent label matches as the empty string and regular expressions are
/// fully anchored (`=~"foo"` matches only `foo`).
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    /// The four matcher kinds.
    public enum Kind: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case notMatchesRegex = "!~"
    }

    public let name: String
    public let kind: Kind
    public let value: String
    private let regex: AnchoredRegex?

    /// - throws: `PromQLError` (bad_data) when a regular expression does not compile.
    public init(_ name: String, _ kind: Kind, _ value: String) throws(PromQLError) {
        self.name = name
        self.kind = kind
        self.value = value
        switch kind {
        case .equal, .notEqual: regex = nil
        case .matchesRegex, .notMatchesRegex:
            do {
                regex = try AnchoredRegex(value)
            } catch {
                throw PromQLError(.badData, error.description)
            }
        }
    }

    /// Whether a label value (`""` for absent) satisfies the matcher.
    public func matches(_ labelValue: String) -> Bool {
        switch kind {
        case .equal: labelValue == value
        case .notEqual: labelValue != value
        case .matchesRegex: regex!.matches(labelValue)
        case .notMatchesRegex: !regex!.matches(labelValue)
        }
    }

    /// Whether every matcher in `matchers` accepts `labels`.
    public static func all(_ matchers: [LabelMatcher], match labels: Labels) -> Bool {
        matchers.allSatisfy { $0.matches(labels[$0.name]) }
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(kind)
        hasher.combine(value)
    }

    public var description: String { "\(name)\(kind.rawValue)\"\(Lexer.quoted(value))\"" }
}
