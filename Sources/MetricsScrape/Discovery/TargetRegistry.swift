import Foundation

/// Merges the target lists of several sources (static configs, one discovery per job) into
/// the single list a ``Scraper`` runs, and pushes the union whenever one source changes.
///
/// ```swift
/// let registry = TargetRegistry { scraper.setTargets($0) }
/// registry.update(source: "static", targets: config.staticTargets())
/// ```
public final class TargetRegistry: @unchecked Sendable {
    public typealias Sink = @Sendable ([ScrapeTarget]) -> Void

    private let lock = NSLock()
    private var bySource: [String: [ScrapeTarget]] = [:]
    private let sink: Sink

    public init(sink: @escaping Sink) { self.sink = sink }

    /// Replaces `source`'s targets and pushes the union (deduplicated by identity) to the sink
    /// when it changed.
    ///
    /// The sink is called under the registry's lock so that two sources updating at once cannot
    /// deliver their unions out of order (an older union arriving last would drop the newer
    /// change until the next refresh); it must therefore not call back into the registry.
    public func update(source: String, targets: [ScrapeTarget]) {
        lock.withLock {
            guard bySource[source] != targets else { return }
            bySource[source] = targets
            var seen = Set<String>()
            sink(bySource.keys.sorted().flatMap { bySource[$0]! }.filter { seen.insert($0.identity).inserted })
        }
    }

    /// Every target currently registered.
    public var targets: [ScrapeTarget] { lock.withLock { bySource.keys.sorted().flatMap { bySource[$0]! } } }
}
