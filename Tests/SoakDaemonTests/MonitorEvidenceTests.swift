import SoakModel
import Foundation
import MetricsScrape
import SeriesStore
import XCTest
@testable import SoakDaemon

/// Evidence capture end to end: a leaking Go-like loopback component that wants a bearer token,
/// scraped by the real pipeline; when the leak is announced its pprof endpoints are fetched with
/// the same token and kept with the finding, listed by the API and served as downloads.
final class MonitorEvidenceTests: XCTestCase {
    /// A component whose RSS leaks, that exposes Go runtime metrics when `runsGo`, and answers
    /// `/debug/pprof/heap` and `/debug/pprof/goroutine?debug=1` only with the right token.
    final class GoComponent: @unchecked Sendable {
        static let token = "s3cret-token-do-not-log"
        static let heapProfile = "\u{1f}heap-profile:inuse_space 104857600 @ 0x1 0x2"
        static let goroutineDump = "goroutine profile: total 1042\n1000 @ 0x43a2c5 0x4060cc\n#\t0x4060cb\tmain.leak+0x2b\n"
        private var server: LoopbackHTTPServer!
        private let started = Date()
        private let lock = NSLock()
        private var scrapes = 0

        init(runsGo: Bool, profiling: Bool) throws {
            server = try LoopbackHTTPServer(respond: { [unowned self] request in
                guard request.headers["authorization"] == "Bearer \(Self.token)" else { return (401, "Unauthorized\n") }
                switch request.path {
                case "/metrics": return (200, self.exposition(runsGo: runsGo))
                case "/debug/pprof/heap" where profiling: return (200, Self.heapProfile)
                case "/debug/pprof/goroutine?debug=1" where profiling: return (200, Self.goroutineDump)
                default: return (404, "404 page not found\n")
                }
            }, contentType: { request in
                request.path.hasPrefix("/debug/pprof/heap") ? "application/octet-stream" : "text/plain; charset=utf-8"
            })
        }

        var address: String { "127.0.0.1:\(server.port)" }
        var requests: [LoopbackHTTPServer.Request] { server.requests }
        func stop() { server.stop() }

        private func exposition(runsGo: Bool) -> String {
            let count = lock.withLock { () -> Int in scrapes += 1; return scrapes }
            let hours = Date().timeIntervalSince(started) / 3600
            let value = 100_000_000 * (1 + 6 * hours) + 1_000_000 * Double(count % 4) / 3
            var text = """
                # TYPE process_resident_memory_bytes gauge
                process_resident_memory_bytes \(Int64(value))
                # TYPE process_start_time_seconds gauge
                process_start_time_seconds 1700000000

                """
            if runsGo {
                text += """
                    # TYPE go_goroutines gauge
                    go_goroutines 42
                    # TYPE go_info gauge
                    go_info{version="go1.22.5"} 1

                    """
            }
            return text
        }
    }

    private func runtime(for components: [GoComponent], directory: URL, evidence: String, log: CapturedLog) async throws -> MonitorRuntime {
        let tokenFile = directory.appendingPathComponent("token").path
        try Data(GoComponent.token.utf8).write(to: URL(fileURLWithPath: tokenFile))
        let yaml = """
            global:
              scrape_interval: 500ms
              scrape_timeout: 500ms
            scrape_configs:
              - job_name: apiserver
                authorization:
                  credentials_file: \(tokenFile)
                static_configs:
                  - targets: [\(components.map { "\"\($0.address)\"" }.joined(separator: ", "))]
            storage:
              path: \(directory.appendingPathComponent("soak.db").path)
              flush_interval: 1s
            detection:
              preset: compressed
              bucket: 2s
              warm_up: 20s
            alerting:
              terminal: false
            \(evidence)

            """
        let configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: yaml, file: "evidence.yml"))
        return try await MonitorRuntime.open(configuration: configuration, logger: log.logger)
    }

    func testNewLeakFetchesProfilesWithTheTargetsCredentialsAndServesThem() async throws {
        let component = try GoComponent(runsGo: true, profiling: true)
        defer { component.stop() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = CapturedLog()
        let runtime = try await runtime(for: [component], directory: directory, evidence: "evidence:\n  pprof: true", log: log)

        try await withRunningMonitor(runtime) {
            let found = await eventually(timeoutSeconds: 70) {
                await runtime.pipeline.findingsSnapshot().contains { $0.state == .leak }
            }
            XCTAssertTrue(found, "the leak is confirmed; log:\n\(log.allText.suffix(3000))")
            guard found else { return }
            await runtime.pipeline.waitForEvidence()

            let snapshots = await runtime.pipeline.findingsSnapshot()
            let finding = try XCTUnwrap(snapshots.first { $0.state == .leak })
            XCTAssertEqual(finding.evidence.map(\.name), ["heap", "goroutine"])
            XCTAssertEqual(finding.evidence.map(\.httpStatus), [200, 200])
            XCTAssertEqual(finding.evidence.map(\.error), [nil, nil])
            XCTAssertEqual(finding.evidence.map(\.url), ["http://\(component.address)/debug/pprof/heap",
                                                         "http://\(component.address)/debug/pprof/goroutine?debug=1"])
            XCTAssertEqual(finding.evidence.map(\.byteCount), [GoComponent.heapProfile.utf8.count, GoComponent.goroutineDump.utf8.count])

            let heapDocument = await runtime.pipeline.evidence(id: finding.evidence[0].id)
            let heap = try XCTUnwrap(heapDocument)
            XCTAssertEqual(heap.body, Array(GoComponent.heapProfile.utf8))
            XCTAssertEqual(heap.findingID, finding.id)
            XCTAssertEqual(heap.snapshot.servedContentType, "application/octet-stream")
            XCTAssertEqual(heap.snapshot.fileName(findingID: heap.findingID), "finding-\(finding.id)-heap.pb.gz")
            let dumpDocument = await runtime.pipeline.evidence(id: finding.evidence[1].id)
            let dump = try XCTUnwrap(dumpDocument)
            XCTAssertEqual(String(decoding: dump.body, as: UTF8.self), GoComponent.goroutineDump)
            XCTAssertEqual(dump.snapshot.servedContentType, "text/plain; charset=utf-8")

            let profileRequests = component.requests.filter { $0.path.hasPrefix("/debug/pprof/") }
            XCTAssertEqual(profileRequests.map(\.path), ["/debug/pprof/heap", "/debug/pprof/goroutine?debug=1"],
                           "fetched once, when the leak was announced")
            XCTAssertTrue(profileRequests.allSatisfy { $0.headers["authorization"] == "Bearer \(GoComponent.token)" })
            XCTAssertEqual(log.lines.filter { $0.text.hasPrefix("evidence captured") }.count, 2)
            XCTAssertFalse(log.allText.contains(GoComponent.token), "the token is never logged")
        }
        var readOnly = StoreConfiguration()
        readOnly.readOnly = true
        let stored = try SeriesStore(path: directory.appendingPathComponent("soak.db").path, configuration: readOnly)
        XCTAssertEqual(try stored.evidence().count, 2, "the evidence outlives the daemon")
    }

    /// Profiling switched off on the component: the 404s are recorded as the finding's evidence
    /// (someone will ask "did you try?"); a target without Go metrics is not asked at all.
    func testFailedFetchIsRecordedAndNonGoTargetsAreNotAsked() async throws {
        let goWithoutProfiling = try GoComponent(runsGo: true, profiling: false)
        defer { goWithoutProfiling.stop() }
        let notGo = try GoComponent(runsGo: false, profiling: true)
        defer { notGo.stop() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = CapturedLog()
        let runtime = try await runtime(for: [goWithoutProfiling, notGo], directory: directory,
                                        evidence: "evidence:\n  pprof: true", log: log)
        try await withRunningMonitor(runtime) {
            let found = await eventually(timeoutSeconds: 70) {
                await runtime.pipeline.findingsSnapshot().filter { $0.state == .leak }.count == 2
            }
            XCTAssertTrue(found, "both leaks are confirmed; log:\n\(log.allText.suffix(3000))")
            guard found else { return }
            await runtime.pipeline.waitForEvidence()
            let snapshots = await runtime.pipeline.findingsSnapshot()
            let goLeak = try XCTUnwrap(snapshots.first { $0.state == .leak && $0.seriesLabels["instance"] == goWithoutProfiling.address })
            let otherLeak = try XCTUnwrap(snapshots.first { $0.state == .leak && $0.seriesLabels["instance"] == notGo.address })

            XCTAssertEqual(goLeak.evidence.map(\.httpStatus), [404, 404])
            XCTAssertTrue(goLeak.evidence.allSatisfy { $0.error?.contains("404") == true && $0.byteCount == 0 }, "\(goLeak.evidence)")
            XCTAssertEqual(log.lines.filter { $0.text.hasPrefix("evidence not captured") }.count, 2)
            let document = await runtime.pipeline.evidence(id: goLeak.evidence.first?.id ?? "")
            XCTAssertNil(document, "no body to serve")

            XCTAssertEqual(otherLeak.evidence, [])
            XCTAssertFalse(notGo.requests.contains { $0.path.hasPrefix("/debug/pprof/") }, "only Go components serve pprof")
        }
    }

    /// A real Go component: etcd with `--enable-pprof` serves Go's pprof handlers on its client
    /// URL (not on `--listen-metrics-urls`). The capture, given the target as it is scraped, gets
    /// a gzipped heap profile and a goroutine dump from the first and two 404s from the second.
    func testRealEtcdHandsItsProfilesToTheCapture() async throws {
        try EtcdProcess.requireInstalled()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let etcd = try EtcdProcess(dataDirectory: directory.appendingPathComponent("etcd"), name: "pprof-etcd",
                                   extraArguments: ["--enable-pprof"])
        defer { etcd.stop() }
        let clientTarget = ScrapeTarget(url: "\(etcd.clientURL)/metrics", labels: [Label("job", "etcd")], intervalSeconds: 1)
        let ready = await eventually(timeoutSeconds: 20) {
            Scraper.scrapeOnce([clientTarget]).first?.up == true
        }
        XCTAssertTrue(ready, "etcd answers on its client URL")
        guard ready else { return }

        var section = EvidenceSection()
        section.pprof = true
        let capture = EvidenceCapture(section: section)
        let documents = await capture.fetch(from: clientTarget, clock: { Date() })
        XCTAssertEqual(documents.map(\.name), ["heap", "goroutine"])
        XCTAssertEqual(documents.map(\.error), [nil, nil])
        XCTAssertEqual(documents.map(\.httpStatus), [200, 200])
        let heap = try XCTUnwrap(documents.first?.data)
        XCTAssertEqual(Array(heap.prefix(2)), [0x1f, 0x8b], "Go's heap profile is a gzipped protobuf")
        XCTAssertEqual(documents.first?.contentType, "application/octet-stream")
        let dump = String(decoding: documents.last?.data ?? [], as: UTF8.self)
        XCTAssertTrue(dump.hasPrefix("goroutine profile: total "), String(dump.prefix(200)))
        XCTAssertTrue(dump.contains("go.etcd.io/etcd") || dump.contains("etcd"), "etcd's own stacks")

        let metricsTarget = ScrapeTarget(url: "http://127.0.0.1:\(etcd.metricsPort)/metrics", labels: [Label("job", "etcd")], intervalSeconds: 1)
        let missing = await capture.fetch(from: metricsTarget, clock: { Date() })
        XCTAssertEqual(missing.map(\.httpStatus), [404, 404], "the metrics listener serves no profiles")
        XCTAssertTrue(missing.allSatisfy { $0.data == nil && $0.error != nil })
    }
}
