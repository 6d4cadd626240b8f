/// A mutable set of labels, unique by name, as relabeling sees a series or a target.
/// An empty value means "absent", as in Prometheus: setting a label to "" removes it.
public struct LabelSet: Sendable, Hashable {
    public private(set) var labels: [Label]

    public init(_ labels: [Label] = []) {
        self.labels = []
        for label in labels { self[label.name] = label.value }
    }

    public subscript(name: String) -> String? {
        get { labels.first { $0.name == name }?.value }
        set {
            if let index = labels.firstIndex(where: { $0.name == name }) {
                if let newValue, !newValue.isEmpty { labels[index].value = newValue } else { labels.remove(at: index) }
            } else if let newValue, !newValue.isEmpty {
                labels.append(Label(name, newValue))
            }
        }
    }

    public mutating func removeAll(where predicate: (Label) -> Bool) { labels.removeAll(where: predicate) }

    /// Labels sorted by name.
    public var sorted: [Label] { labels.sorted() }

    /// Prometheus' label-name rule: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f }
    }
}
