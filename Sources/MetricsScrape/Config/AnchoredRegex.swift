import Foundation

/// A regular expression matched against a whole string, as Prometheus anchors every relabel
/// regex (`^(?:regex)$`): `regex: go_.*` matches `go_threads` but not `x_go_threads`.
///
/// Equality and hashing use the pattern text. ICU syntax stands in for Go's RE2; the common
/// subset (classes, groups, alternation, `.*`, `\d`, named groups) behaves the same.
public struct AnchoredRegex: @unchecked Sendable, Hashable, CustomStringConvertible {
    // NSRegularExpression is immutable and documented thread-safe, hence @unchecked Sendable.
    public let pattern: String
    let regex: NSRegularExpression

    /// Compiles `pattern`; throws the ICU reason on invalid syntax.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.regex = try NSRegularExpression(pattern: "^(?:" + pattern + ")$", options: [])
    }

    public static func == (lhs: AnchoredRegex, rhs: AnchoredRegex) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
    public var description: String { pattern }

    /// True when the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        let ns = text as NSString
        return regex.firstMatch(in: text, options: [], range: NSRange(location: 0, length: ns.length)) != nil
    }

    /// The whole-string match's capture groups (index 0 is the whole text), or nil without a match.
    func match(_ text: String) -> RegexMatch? {
        let ns = text as NSString
        guard let result = regex.firstMatch(in: text, options: [], range: NSRange(location: 0, length: ns.length)) else {
            return nil
        }
        return RegexMatch(text: ns, result: result, regex: regex)
    }
}

/// One match, able to expand a Prometheus replacement template (`$1`, `${1}`, `${name}`, `$$`).
struct RegexMatch {
    let text: NSString
    let result: NSTextCheckingResult
    let regex: NSRegularExpression

    func group(_ index: Int) -> String {
        guard index < result.numberOfRanges else { return "" }
        let range = result.range(at: index)
        return range.location == NSNotFound ? "" : text.substring(with: range)
    }

    func group(named name: String) -> String {
        if let index = Int(name) { return group(index) }
        let range = result.range(withName: name)
        return range.location == NSNotFound ? "" : text.substring(with: range)
    }

    /// Expands `template` as Go's `Regexp.Expand` does for the forms Prometheus configs use.
    /// Unknown groups expand to the empty string, as in Go.
    func expand(_ template: String) -> String {
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
