import SoakModel
import LeakDetection
import MetricsScrape
import XCTest
@testable import SoakDemo
import SoakDaemon

/// The demo's promise, checked without waiting two minutes: the exporters' values, sampled once
/// a second as the demo scrapes them and fed through the detector's time-compressed preset, raise
/// a leak alert for the leaking series within the demo's run and none for the healthy exporter.
final class DemoDetectionTests: XCTestCase {
    /// The time of the first leak alert per `job metric`, over `seconds` of 1-s samples.
    private func firstAlerts(seconds: Int) throws -> (alerts: [String: Int], suspects: Set<String>) {
        var bank = DetectorBank(configuration: .timeCompressed)
        let startMs: Int64 = 1_700_000_000_000
        var handles: [String: SeriesHandle] = [:]
        var alerts: [String: Int] = [:]
        var suspects = Set<String>()
        for exporter in DemoExporter.standardSet(startSeconds: Double(startMs) / 1000) {
            for t in 0...seconds {
                let parsed = try ExpositionParser.parse(Array(exporter.exposition(elapsedSeconds: Double(t)).utf8),
                                                        format: .prometheusText)
                for sample in parsed.samples {
                    let name = "\(exporter.job) \(sample.name)"
                    let key = SeriesKey(metric: sample.name, labels: sample.labels + [Label("job", exporter.job)])
                    let handle = handles[name] ?? bank.handle(for: key)
                    handles[name] = handle
                    guard let (_, event) = bank.observe(handle, timestampMs: startMs + Int64(t) * 1000, value: sample.value) else { continue }
                    switch event {
                    case .leakAlert: alerts[name] = alerts[name] ?? t
                    case .suspected: suspects.insert(name)
                    default: break
                    }
                }
            }
        }
        return (alerts, suspects)
    }

    func testLeakingExportersAlertWithinTheDemoAndTheHealthyOneDoesNot() throws {
        let (alerts, suspects) = try firstAlerts(seconds: 100)
        // The heap floor, not RSS: since issue 15 growth that could still be a warm-up waits, and
        // RSS (a 3-s GC cycle aliased into 5-s buckets) is too noisy to rule one out within the
        // demo's 100 s; it is suspect by then.
        XCTAssertTrue(suspects.contains("kube-apiserver process_resident_memory_bytes"), "\(suspects)")
        for series in ["kube-apiserver go_memstats_heap_inuse_bytes", "kubelet process_open_fds", "kubelet go_goroutines"] {
            XCTAssertNotNil(alerts[series], "\(series) should alert within 100 s; alerts: \(alerts), suspects: \(suspects)")
        }
        XCTAssertTrue(alerts.keys.allSatisfy { !$0.hasPrefix("etcd ") }, "the healthy exporter must not alert: \(alerts)")
    }

    func testTheHealthyExporterEndsTheDemoOk() throws {
        // Issue 15: at the end of a demo run (110 s) every etcd series must read ok — a finished
        // warm-up is neither a leak nor suspect.
        var bank = DetectorBank(configuration: .timeCompressed)
        let startMs: Int64 = 1_700_000_000_000
        let exporter = DemoExporter.standardSet(startSeconds: Double(startMs) / 1000)[2]
        XCTAssertEqual(exporter.behaviour, .healthyWithWarmUp)
        var handles: [String: SeriesHandle] = [:]
        for t in 0...110 {
            let parsed = try ExpositionParser.parse(Array(exporter.exposition(elapsedSeconds: Double(t)).utf8), format: .prometheusText)
            for sample in parsed.samples {
                let handle = handles[sample.name] ?? bank.handle(for: SeriesKey(metric: sample.name, labels: [Label("job", exporter.job)]))
                handles[sample.name] = handle
                _ = bank.observe(handle, timestampMs: startMs + Int64(t) * 1000, value: sample.value)
            }
        }
        XCTAssertGreaterThanOrEqual(bank.watchedCount, 4)
        for index in 0..<bank.watchedCount {
            XCTAssertEqual(bank.detector(index).verdict, .ok, "\(bank.watchedKeys[index].metric) ends \(bank.detector(index).verdict)")
        }
    }
}
