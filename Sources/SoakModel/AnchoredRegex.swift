/// A regular expression matched against a whole string, as Prometheus anchors every relabel
/// regex and selector regex (`^(?:regex)$`): `go_.*` matches `go_threads` but not `x_go_threads`.
///
/// One type for every user-written pattern: relabel rules, `keep_metrics`, selector matchers.
/// Swift `Regex` syntax stands in for Go's RE2; the subset configurations and selectors use
/// (classes, groups, named groups, alternation, repetition, `\d`, `(?i)`) behaves the same.
/// Equality and hashing use the pattern text.
public struct AnchoredRegex: @unchecked Sendable, Hashable, CustomStringConvertible {
    // `Regex<AnyRegexOutput>` is immutable once built and matching does not mutate it, hence
    // @unchecked Sendable.
    public let pattern: String
    private let regex: Regex<AnyRegexOutput>

    /// An invalid pattern: the pattern and the regex parser's reason.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var pattern: String
        public var reason: String
        public var description: String { "bad regular expression \"\(pattern)\": \(reason)" }
    }

    /// Compiles `pattern`; throws the parser's reason on invalid syntax.
    public init(_ pattern: String) throws(SyntaxError) {
        self.pattern = pattern
        do {
            regex = try Regex("^(?:" + pattern + ")$")
        } catch {
            throw SyntaxError(pattern: pattern, reason: "\(error)")
        }
    }

    public static func == (lhs: AnchoredRegex, rhs: AnchoredRegex) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
    public var description: String { pattern }

    /// True when the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }

    /// The whole-string match's capture groups (index 0 is the whole text), or nil without a match.
    public func match(_ text: String) -> RegexMatch? {
        guard let match = try? regex.wholeMatch(in: text) else { return nil }
        return RegexMatch(output: match.output)
    }
}

/// One match, able to expand a Prometheus replacement template (`$1`, `${1}`, `${name}`, `$$`).
public struct RegexMatch {
    let output: AnyRegexOutput

    /// Capture group `index` (0 is the whole match); "" when it did not take part or does not exist.
    public func group(_ index: Int) -> String {
        guard index >= 0, index < output.count, let substring = output[index].substring else { return "" }
        return String(substring)
    }

    /// The named group `name` (a number names a group by index); "" when absent.
    public func group(named name: String) -> String {
        if let index = Int(name) { return group(index) }
        guard let substring = output[name]?.substring else { return "" }
        return String(substring)
    }

    /// Expands `template` as Go's `Regexp.Expand` does for the forms Prometheus configs use.
    /// Unknown groups expand to the empty string, as in Go.
    public func expand(_ template: String) -> String {
        guard template.contains("$") else { return template }
        var out = ""
        var chars = Array(template)[...]
        while let first = chars.first {
            chars = chars.dropFirst()
            guard first == "$", let next = chars.first else { out.append(first); continue }
            if next == "$" {
                out.append("$"); chars = chars.dropFirst()
            } else if next == "{" {
                guard let close = chars.firstIndex(of: "}") else { out.append("$"); continue }
                let name = String(chars[chars.index(after: chars.startIndex)..<close])
                out += group(named: name)
                chars = chars[chars.index(after: close)...]
            } else {
                let name = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if name.isEmpty { out.append("$"); continue }
                // Go reads the longest name; `$1x` is group "1x" (empty). Digits-only names are indexes.
                out += group(named: String(name))
                chars = chars.dropFirst(name.count)
            }
        }
        return out
    }
}
