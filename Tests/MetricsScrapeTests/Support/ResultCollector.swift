import Foundation
@testable import MetricsScrape

/// Collects a periodic scraper's results across threads for assertions.
final class ResultCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [ScrapeResult] = []

    func add(_ result: ScrapeResult) { lock.withLock { results.append(result) } }

    var all: [ScrapeResult] { lock.withLock { results } }

    func results(forURL url: String) -> [ScrapeResult] { all.filter { $0.target.url == url } }

    /// Waits until `condition` holds on the collected results, or `timeoutSeconds` pass.
    func wait(timeoutSeconds: Double, until condition: ([ScrapeResult]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if condition(all) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition(all)
    }
}
