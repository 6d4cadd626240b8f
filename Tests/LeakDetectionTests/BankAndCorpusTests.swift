import SoakModel
import XCTest
@testable import LeakDetection
import LeakEvaluation

final class BankAndCorpusTests: XCTestCase {
    private let startMs: Int64 = 1_767_225_600_000

    func testBankClassifiesByNameAndIgnoresUnknownMetrics() {
        var bank = DetectorBank()
        let labels = [Label("instance", "a")]
        let fds = bank.handle(for: SeriesKey(metric: "process_open_fds", labels: labels))
        let other = bank.handle(for: SeriesKey(metric: "http_requests_total", labels: labels))
        XCTAssertEqual(bank.watchedCount, 1)
        XCTAssertEqual(bank.detector(0).resource, .fileDescriptors)
        XCTAssertNil(bank.observe(other, timestampMs: startMs, value: 1))
        XCTAssertNotNil(bank.observe(fds, timestampMs: startMs, value: 1))
        XCTAssertEqual(bank.handle(for: SeriesKey(metric: "process_open_fds", labels: labels)), fds)
    }

    func testBankAppliesTheLimitWithTheSameLabels() {
        var bank = DetectorBank()
        let fds = bank.handle(for: SeriesKey(metric: "process_open_fds", labels: [Label("instance", "a")]))
        let limit = bank.handle(for: SeriesKey(metric: "process_max_fds", labels: [Label("instance", "a")]))
        let otherLimit = bank.handle(for: SeriesKey(metric: "process_max_fds", labels: [Label("instance", "b")]))
        _ = bank.observe(fds, timestampMs: startMs, value: 10)
        _ = bank.observe(otherLimit, timestampMs: startMs, value: 99)
        XCTAssertNil(bank.detector(0).limit)
        _ = bank.observe(limit, timestampMs: startMs, value: 1024)
        XCTAssertEqual(bank.detector(0).limit, 1024)
    }

    func testBankStartsASegmentWhenTheProcessStartTimeChanges() {
        var bank = DetectorBank()
        let labels = [Label("instance", "a")]
        let memory = bank.handle(for: SeriesKey(metric: "go_memstats_heap_inuse_bytes", labels: labels))
        let started = bank.handle(for: SeriesKey(metric: DetectorBank.startTimeMetric, labels: labels))
        var reasons: [SegmentBreak] = []
        for i in 0..<20 {
            let timestampMs = startMs + Int64(i) * 30_000
            _ = bank.observe(started, timestampMs: timestampMs, value: i < 10 ? 1_767_000_000 : 1_767_225_900)
            if case .segmentStarted(let reason, _)? = bank.observe(memory, timestampMs: timestampMs, value: 5e8)?.event {
                reasons.append(reason)
            }
        }
        XCTAssertEqual(reasons, [.firstSample, .restart])
        XCTAssertEqual(bank.segments(0).map(\.sampleCount), [10, 10])
    }

    func testCorpusIsDeterministicAndLabelled() {
        let a = SyntheticCorpus(seed: 5, drawsPerShape: 2, durationSeconds: 3600)
        let b = SyntheticCorpus(seed: 5, drawsPerShape: 2, durationSeconds: 3600)
        let c = SyntheticCorpus(seed: 6, drawsPerShape: 2, durationSeconds: 3600)
        XCTAssertEqual(a.series.count, 2 * CorpusShape.original.count)
        XCTAssertEqual(a.series.map(\.values), b.series.map(\.values))
        XCTAssertNotEqual(a.series.map(\.values), c.series.map(\.values))
        XCTAssertEqual(a.series.filter(\.isLeak).count, 12)
        XCTAssertTrue(a.series.allSatisfy { $0.values.count == 120 && ($0.onsetMs != nil) == $0.isLeak })
        XCTAssertEqual(a.series.first { $0.shape == .fdDrift }?.name, "process_open_fds")
    }

    func testCorpusWritesAnOpenMetricsBackfillFile() {
        let corpus = SyntheticCorpus(seed: 5, drawsPerShape: 1, durationSeconds: 90, shapes: [.fdChurn])
        let lines = SyntheticCorpus.openMetricsText(corpus.series).split(separator: "\n")
        XCTAssertEqual(lines.first, "# TYPE process_open_fds gauge")
        XCTAssertEqual(lines.last, "# EOF")
        XCTAssertEqual(lines.count, 5)
        let prefix = "process_open_fds{instance=\"fdChurn-0\",job=\"corpus\",shape=\"fdChurn\",truth=\"ok\"} "
        XCTAssertTrue(lines[1].hasPrefix(prefix))
        XCTAssertTrue(lines[3].hasSuffix(" 1767225660"))
    }

    func testDerivOnKnownSamples() {
        // x̄ = 30 s, Sxy = 90, Sxx = 1800: slope 0.05 per second.
        let slope = PrometheusReference.deriv(timestampsMs: [1_000_000, 1_030_000, 1_060_000], values: [1, 2, 4])
        XCTAssertEqual(slope!, 0.05, accuracy: 1e-15)
        XCTAssertNil(PrometheusReference.deriv(timestampsMs: [1], values: [1]))
        XCTAssertEqual(PrometheusReference.deriv(timestampsMs: [1, 2], values: [3, 3]), 0)
    }

    func testDerivRuleFiresAfterItsForDuration() {
        // 2 %/h growth: true from the second sample (t0 + 30 s), so `for: 1h` fires at t0 + 3630 s.
        let timestamps = (0..<400).map { startMs + Int64($0) * 30_000 }
        let values = (0..<400).map { 100 * (1 + 0.02 * Double($0) / 120) }
        XCTAssertEqual(ReferenceRule.derivSixHours.firstFiringMs(timestampsMs: timestamps, values: values), startMs + 3_630_000)
        XCTAssertNil(ReferenceRule.regressionOneHour.firstFiringMs(timestampsMs: timestamps, values: values))
    }
}
