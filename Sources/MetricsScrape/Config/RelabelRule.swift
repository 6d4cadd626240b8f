import SoakModel

/// One `relabel_configs` / `metric_relabel_configs` entry, with Prometheus' semantics and defaults
/// (`separator: ";"`, `regex: (.*)`, `replacement: $1`, `action: replace`).
public struct RelabelRule: Sendable, Hashable {
    /// The relabel actions SoakMonitor implements (a subset of Prometheus').
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Sets `target_label` to the expanded `replacement` when the joined sources match.
        case replace
        /// Drops the series unless the joined sources match.
        case keep
        /// Drops the series when the joined sources match.
        case drop
        /// Removes every label whose name matches.
        case labeldrop
        /// Removes every label whose name does not match.
        case labelkeep
        /// Copies every label whose name matches to the expanded `replacement` name.
        case labelmap
        /// Sets `target_label` to a lower-cased copy of the joined sources.
        case lowercase
    }

    public var action: Action
    public var sourceLabels: [String]
    public var separator: String
    public var targetLabel: String?
    public var regex: AnchoredRegex
    public var replacement: String

    public static let defaultRegex = try! AnchoredRegex("(.*)")

    public init(action: Action = .replace, sourceLabels: [String] = [], separator: String = ";",
                targetLabel: String? = nil, regex: AnchoredRegex = RelabelRule.defaultRegex,
                replacement: String = "$1") {
        self.action = action
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.targetLabel = targetLabel
        self.regex = regex
        self.replacement = replacement
    }

    /// Applies the rule to `labels` (which include `__name__` for metric relabeling).
    /// Returns false when the series is to be dropped.
    public func apply(to labels: inout LabelSet) -> Bool {
        switch action {
        case .keep, .drop:
            let matched = regex.matches(joinedSources(labels))
            return action == .keep ? matched : !matched
        case .replace:
            guard let targetLabel, let match = regex.match(joinedSources(labels)) else { return true }
            let name = match.expand(targetLabel)
            let value = match.expand(replacement)
            guard LabelSet.isValidName(name) else { return true }
            labels[name] = value
            return true
        case .lowercase:
            guard let targetLabel else { return true }
            labels[targetLabel] = joinedSources(labels).lowercased()
            return true
        case .labeldrop:
            labels.removeAll { regex.matches($0.name) }
            return true
        case .labelkeep:
            labels.removeAll { !regex.matches($0.name) }
            return true
        case .labelmap:
            for label in labels.labels {
                guard let match = regex.match(label.name) else { continue }
                let name = match.expand(replacement)
                if LabelSet.isValidName(name) { labels[name] = label.value }
            }
            return true
        }
    }

    private func joinedSources(_ labels: LabelSet) -> String {
        if sourceLabels.count == 1 { return labels[sourceLabels[0]] ?? "" }
        return sourceLabels.map { labels[$0] ?? "" }.joined(separator: separator)
    }
}
