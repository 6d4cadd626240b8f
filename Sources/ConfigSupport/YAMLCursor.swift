import SoakModel
import SoakModel
import Yams

/// A position in a composed YAML document: the node, its dotted path, and the problem log
/// shared by the whole load. Readers record a ``ConfigProblem`` (with the node's line) and
/// return nil instead of throwing, so one run reports every problem in the file.
public struct YAMLCursor {
    public let node: Node
    public let path: String
    public let log: ProblemLog

    public init(node: Node, path: String, log: ProblemLog) {
        self.node = node
        self.path = path
        self.log = log
    }

    public var line: Int { node.mark?.line ?? 0 }

    public func problem(_ message: String) { log.add(line: line, column: node.mark?.column ?? 0, path: path, message: message) }

    public func child(_ key: String, _ node: Node) -> YAMLCursor {
        YAMLCursor(node: node, path: path.isEmpty ? key : "\(path).\(key)", log: log)
    }

    public func element(_ index: Int, _ node: Node) -> YAMLCursor {
        YAMLCursor(node: node, path: "\(path)[\(index)]", log: log)
    }

    /// The mapping's values by key. Keys not in `allowed` are reported as `unknown key` at the
    /// key's own line, so a typo is never silently ignored; `secretKeys` get a pointed message.
    public func mapping(allowed: Set<String>, secretKeys: [String: String] = [:]) -> [String: YAMLCursor]? {
        if isNull { return [:] }
        guard case .mapping(let mapping) = node else {
            problem("expected a mapping")
            return nil
        }
        var fields: [String: YAMLCursor] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                YAMLCursor(node: keyNode, path: path, log: log).problem("keys must be strings")
                continue
            }
            let keyCursor = YAMLCursor(node: keyNode, path: path.isEmpty ? key.string : "\(path).\(key.string)", log: log)
            if let hint = secretKeys[key.string] {
                keyCursor.problem("inline secrets are not accepted; use \(hint)")
            } else if !allowed.contains(key.string) {
                keyCursor.problem("unknown key")
            } else if fields[key.string] != nil {
                keyCursor.problem("duplicate key")
            } else {
                fields[key.string] = child(key.string, valueNode)
            }
        }
        return fields
    }

    public var isNull: Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
           ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return true }
        return false
    }

    public func string() -> String? {
        guard case .scalar(let scalar) = node else { problem("expected a string"); return nil }
        return scalar.string
    }

    public func nonEmptyString() -> String? {
        guard let text = string() else { return nil }
        if text.isEmpty { problem("must not be empty"); return nil }
        return text
    }

    public func bool() -> Bool? {
        guard case .scalar(let scalar) = node else { problem("expected true or false"); return nil }
        switch scalar.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: problem("expected true or false, got \"\(scalar.string)\""); return nil
        }
    }

    public func duration() -> Double? {
        guard let text = string() else { return nil }
        guard let seconds = PrometheusDuration.seconds(text) else {
            problem("invalid duration \"\(text)\" (expected e.g. 15s, 1m, 1h30m)")
            return nil
        }
        return seconds
    }

    public func sequence() -> [YAMLCursor]? {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else { problem("expected a list"); return nil }
        return sequence.enumerated().map { element($0.offset, $0.element) }
    }

    public func stringList() -> [String]? {
        guard let items = sequence() else { return nil }
        let strings = items.compactMap { $0.string() }
        return strings.count == items.count ? strings : nil
    }

    /// A mapping of strings to strings (labels); label names are checked.
    public func labels() -> [Label]? {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else { problem("expected a mapping of label names to values"); return nil }
        var labels: [Label] = []
        for (keyNode, valueNode) in mapping {
            let name = keyNode.scalar?.string ?? ""
            let cursor = child(name, valueNode)
            guard Label.isValidName(name) else {
                YAMLCursor(node: keyNode, path: cursor.path, log: log).problem("invalid label name")
                continue
            }
            if let value = cursor.string() { labels.append(Label(name, value)) }
        }
        return labels
    }
}

/// The problems found while loading one file, in document order.
public final class ProblemLog {
    public let file: String
    private var recorded: [ConfigProblem] = []

    public init(file: String) { self.file = file }

    /// Every problem by line (stable within a line): sections are read in a fixed order and
    /// cross-checks run last, but a reader fixes a file top to bottom.
    public var problems: [ConfigProblem] {
        recorded.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    public func add(line: Int, column: Int = 0, path: String, message: String) {
        recorded.append(ConfigProblem(file: file, line: line, column: column, path: path, message: message))
    }
}
