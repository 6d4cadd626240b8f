import SoakModel

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

    /// Prometheus' label-name rule (``Label/isValidName(_:)``).
    public static func isValidName(_ name: String) -> Bool { Label.isValidName(name) }
}
