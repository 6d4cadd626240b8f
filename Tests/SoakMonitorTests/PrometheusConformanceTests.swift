import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PromQL
import MonitorState
import SeriesStore
import SoakDaemon
import XCTest

/// The read API against a real Prometheus 2.42 (Debian `prometheus`, `promtool`): one
/// OpenMetrics backfill — a real etcd 3.3 and kube-proxy 1.13 scrape (../shared/testdata/k8s-dumps)
/// evolved over an hour, plus generated node-exporter-like and leaking series — is loaded into
/// both (`promtool tsdb create-blocks-from openmetrics`, `soak import`), and every expression of
/// `expressions` is asked of both as a range query: same series, same step grid, values equal
/// within 1e-9 relative.
final class PrometheusConformanceTests: XCTestCase {
    static let t0Seconds = 1_795_000_000
    static let steps = 241  // one hour at 15 s

    /// The expressions compared (the subset, construct by construct). Not here by design:
    /// `x ^ y` with a non-integer `y` followed by `%` — Go's `math.Pow` is not correctly rounded,
    /// Glibc's is, and `%` of a huge power turns a last-bit difference into any remainder.
    static let expressions: [String] = [
        // selectors, matchers, offset
        "process_resident_memory_bytes", "go_goroutines{job=\"etcd\"}", "node_filefd_allocated{instance!=\"node-1:9100\"}",
        "{__name__=~\"node_memory_.*\", instance=~\"node-[12]:9100\"}", "node_cpu_seconds_total{mode!~\"idle|iowait\"}",
        "process_open_fds offset 10m", "soak_test_leak_bytes offset 90s", "etcd_server_has_leader",
        // literals and arithmetic
        "1", "-2.5 * 4", "time()", "vector(3)", "process_resident_memory_bytes / 1024 / 1024",
        "process_open_fds ^ 2 % 7", "-process_open_fds", "node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes",
        "(node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes) / node_memory_MemTotal_bytes * 100",
        // comparisons, bool
        "process_open_fds > 20", "process_open_fds > bool 20", "30 < process_open_fds", "go_goroutines != 0",
        "node_filefd_allocated >= on(instance) node_filefd_maximum * 0.0001",
        // vector matching
        "node_filefd_allocated / on(instance) node_filefd_maximum",
        "node_filefd_allocated / ignoring(job) node_filefd_maximum",
        "sum by (instance, mode) (rate(node_cpu_seconds_total[5m])) / on(instance) group_left sum by (instance) (rate(node_cpu_seconds_total[5m]))",
        "node_cpu_seconds_total / on(instance) group_left(nodename) node_uname_info",
        "node_uname_info * on(instance) group_right(nodename) node_cpu_seconds_total",
        // set operators
        "process_open_fds and on(job) go_goroutines > 10", "node_filefd_allocated or node_filefd_maximum",
        "soak_test_leak_bytes unless soak_test_leak_bytes{pod=\"p1\"}", "process_open_fds and ignoring(job) process_max_fds",
        // aggregations
        "sum(process_resident_memory_bytes)", "sum by (job) (process_resident_memory_bytes)",
        "sum without (instance) (node_cpu_seconds_total)", "avg by (mode) (node_cpu_seconds_total)",
        "min(soak_test_leak_bytes)", "max by (pod) (soak_test_leak_bytes)", "count(up)", "count by (job) ({__name__=~\"process_.*\"})",
        "topk(3, soak_test_leak_bytes)", "bottomk(2, node_filefd_allocated)", "topk by (instance) (2, node_cpu_seconds_total)",
        "quantile(0.9, soak_test_leak_bytes)", "quantile by (job) (0.5, process_open_fds)",
        // rates
        "rate(etcd_network_client_grpc_received_bytes_total[5m])", "irate(node_cpu_seconds_total[1m])",
        "increase(soak_test_restarting_total[10m])", "rate(soak_test_restarting_total[5m])",
        "delta(soak_test_leak_bytes[15m])", "deriv(soak_test_leak_bytes[30m])",
        "predict_linear(soak_test_leak_bytes[30m], 86400)", "rate(soak_test_gappy_total[5m])",
        "sum by (job) (rate(process_cpu_seconds_total[5m]))",
        // *_over_time
        "avg_over_time(process_resident_memory_bytes[10m])", "min_over_time(soak_test_leak_bytes[20m])",
        "max_over_time(soak_test_leak_bytes[20m])", "sum_over_time(go_goroutines[5m])", "count_over_time(soak_test_gappy_total[10m])",
        "stddev_over_time(node_memory_MemAvailable_bytes[10m])", "stdvar_over_time(node_memory_MemAvailable_bytes[10m])",
        "last_over_time(soak_test_gappy_total[30m])", "present_over_time(soak_test_gappy_total[1m])",
        "quantile_over_time(0.95, soak_test_leak_bytes[15m])",
        // histograms and the remaining functions
        "histogram_quantile(0.9, rate(etcd_disk_wal_fsync_duration_seconds_bucket[5m]))",
        "histogram_quantile(0.5, sum by (le) (rate(etcd_disk_backend_commit_duration_seconds_bucket[10m])))",
        "clamp_min(soak_test_leak_bytes, 1.2e8)", "clamp_max(process_open_fds, 25)", "abs(delta(node_memory_MemAvailable_bytes[5m]))",
        "label_replace(process_open_fds, \"component\", \"$1\", \"job\", \"(.*)-.*|(.*)\")",
        "label_replace(node_uname_info, \"host\", \"${1}-x\", \"instance\", \"([^:]+):.*\")",
        // dashboard-style
        "sum by (job) (process_resident_memory_bytes) / 1e6 > 10",
        "topk(2, max_over_time(soak_test_leak_bytes[10m]) - min_over_time(soak_test_leak_bytes[10m]))",
    ]

    func testReadAPIAgreesWithPrometheus242() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("promql-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let backfill = work.appendingPathComponent("backfill.om")
        try Self.backfill().write(to: backfill, atomically: true, encoding: .utf8)

        // Prometheus: blocks from the backfill, then a server on a free loopback port.
        let tsdb = work.appendingPathComponent("tsdb")
        try Self.run("/usr/bin/promtool", ["tsdb", "create-blocks-from", "openmetrics", backfill.path, tsdb.path])
        let config = work.appendingPathComponent("prometheus.yml")
        try "global: {}\n".write(to: config, atomically: true, encoding: .utf8)
        let port = try Self.freePort()
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=\(config.path)", "--storage.tsdb.path=\(tsdb.path)",
                                "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:\(port)"]
        let log = work.appendingPathComponent("prometheus.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        prometheus.standardOutput = try FileHandle(forWritingTo: log)
        prometheus.standardError = prometheus.standardOutput
        try prometheus.run()
        defer {
            prometheus.terminate()
            prometheus.waitUntilExit()
        }

        // SoakMonitor: `soak import` into a store, read through the same API `soak run` serves.
        let db = work.appendingPathComponent("soak.db").path
        try Self.run(try Self.soakExecutable().path, ["import", "--db", db, backfill.path])
        let database = try MonitorDatabase(path: db, configuration: StoreConfiguration())
        let api = PrometheusAPI(source: database)

        try await Self.waitReady("http://127.0.0.1:\(port)/-/ready", log: log)
        let start = Self.t0Seconds + 600
        let end = Self.t0Seconds + 3600
        var compared = 0
        var problems: [String] = []
        for expression in Self.expressions {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let query = "query=\(expression.addingPercentEncoding(withAllowedCharacters: allowed)!)&start=\(start)&end=\(end)&step=60"
            let theirs = try await Self.get("http://127.0.0.1:\(port)/api/v1/query_range?\(query)")
            let ours = await api.handle(.queryRange, query: query, formBody: nil)
            if let problem = Self.compare(ours: ours.body, theirs: theirs) {
                problems.append("\(expression): \(problem)")
            }
            compared += 1
        }
        try await database.close()
        print("PromQL conformance with Prometheus 2.42: \(compared) expressions, \(compared - problems.count) agree")
        for problem in problems { XCTFail(problem) }
        XCTAssertGreaterThanOrEqual(compared, 60)
    }

    // MARK: - Comparison

    private struct Row {
        var labels: [String: String]
        var points: [(Double, String)]
    }

    private static func rows(_ body: String) throws -> (status: String, rows: [Row], error: String?) {
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        let status = object["status"] as? String ?? "?"
        let data = object["data"] as? [String: Any]
        let result = data?["result"] as? [[String: Any]] ?? []
        let rows = result.map { row in
            Row(labels: row["metric"] as? [String: String] ?? [:],
                points: (row["values"] as? [[Any]] ?? []).map { (($0[0] as? NSNumber)?.doubleValue ?? .nan, $0[1] as? String ?? "") })
        }
        return (status, rows, object["error"] as? String)
    }

    /// nil when both answers agree: same status, series, timestamps, values within 1e-9 relative.
    private static func compare(ours: String, theirs: String) -> String? {
        guard let a = try? rows(ours), let b = try? rows(theirs) else { return "unparseable answer" }
        guard a.status == b.status else { return "status \(a.status) (\(a.error ?? "")) vs Prometheus \(b.status) (\(b.error ?? ""))" }
        if a.status != "success" { return nil }
        guard !b.rows.isEmpty else { return "Prometheus returned no series: the expression tests nothing" }
        let theirsByLabels = Dictionary(b.rows.map { ($0.labels, $0) }, uniquingKeysWith: { x, _ in x })
        guard a.rows.count == b.rows.count else { return "\(a.rows.count) series vs Prometheus' \(b.rows.count)" }
        for row in a.rows {
            guard let other = theirsByLabels[row.labels] else { return "series \(row.labels) not in Prometheus' answer" }
            guard row.points.map(\.0) == other.points.map(\.0) else { return "timestamps of \(row.labels) differ" }
            for (p, q) in zip(row.points, other.points) {
                let x = Double(p.1.replacingOccurrences(of: "+Inf", with: "inf")) ?? .nan
                let y = Double(q.1.replacingOccurrences(of: "+Inf", with: "inf")) ?? .nan
                if x.isNaN && y.isNaN || x == y { continue }
                if abs(x - y) > 1e-9 * max(abs(x), abs(y)) {
                    return "\(row.labels) at \(p.0): \(p.1) vs Prometheus' \(q.1)"
                }
            }
        }
        return nil
    }

    // MARK: - The backfill

    /// OpenMetrics text with a timestamp on every sample, untyped (`promtool` and `soak import`
    /// read the same samples; types play no part in evaluation).
    static func backfill() throws -> String {
        var series: [(name: String, labels: String, value: (Int) -> Double)] = []
        // Real scrapes, evolved: counters (names ending _total/_count/_sum/_bucket) grow at a
        // per-series rate (bucket growth rises with `le`, keeping buckets cumulative); gauges wobble.
        for (file, job, instance) in [("etcd-3.3.12.prom", "etcd", "10.0.0.1:2379"), ("kube-proxy-1.13.4.prom", "kube-proxy", "10.0.0.2:10249")] {
            let text = try String(contentsOf: sharedTestData.appendingPathComponent("k8s-dumps/\(file)"), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let base = Double(line[line.index(after: space)...]), base.isFinite else { continue }
                let key = String(line[..<space])
                let name = String(key.prefix { $0 != "{" })
                var inner = key.dropFirst(name.count).dropFirst().dropLast()
                if !key.contains("{") { inner = "" }
                let labels = "job=\"\(job)\",instance=\"\(instance)\"" + (inner.isEmpty ? "" : "," + inner)
                let seed = Double(abs(key.hashValue % 97) + 1)
                let isCounter = ["_total", "_count", "_sum", "_bucket"].contains { name.hasSuffix($0) }
                let leWeight = inner.contains("le=\"+Inf\"") ? 20.0 : (inner.range(of: "le=\"").map { r in
                    Double(inner[r.upperBound...].prefix { $0 != "\"" }).map { min(19, log2($0 + 2)) } ?? 1 } ?? 1)
                series.append((name, labels, isCounter
                    ? { i in base + Double(i) * seed * leWeight / 10 }
                    : { i in base + seed * sin(Double(i) / 7) }))
            }
        }
        // Generated node-exporter-like series for two nodes.
        for node in 1...2 {
            let instance = "instance=\"node-\(node):9100\",job=\"node\""
            series.append(("node_memory_MemTotal_bytes", instance, { _ in 8e9 }))
            series.append(("node_memory_MemAvailable_bytes", instance, { i in 6e9 - Double(i * node) * 1e6 + 3e7 * sin(Double(i) / 5) }))
            series.append(("node_filefd_allocated", instance, { i in Double(1000 + i * node + (i % 13)) }))
            series.append(("node_filefd_maximum", instance, { _ in 9_223_372 }))
            series.append(("node_uname_info", instance + ",nodename=\"worker-\(node)\"", { _ in 1 }))
            for (cpu, mode) in [("0", "idle"), ("0", "user"), ("0", "system"), ("1", "idle"), ("1", "iowait")] {
                series.append(("node_cpu_seconds_total", instance + ",cpu=\"\(cpu)\",mode=\"\(mode)\"",
                               { i in Double(i) * 15 * (mode == "idle" ? 0.8 : 0.05) * Double(node) }))
            }
            series.append(("up", instance, { _ in 1 }))
        }
        // Leaking and awkward series: linear and noisy growth, a counter that restarts, and one
        // with a 10-minute gap (lookback and extrapolation at the gap's edges).
        for pod in 1...4 {
            series.append(("soak_test_leak_bytes", "job=\"app\",pod=\"p\(pod)\"",
                           { i in 1e8 + Double(i * pod) * 4096 + Double((i * 7919 + pod) % 50_000) }))
        }
        series.append(("soak_test_restarting_total", "job=\"app\"", { i in Double(i % 90) * 3.5 }))
        series.append(("soak_test_gappy_total", "job=\"app\"", { i in (100..<140).contains(i) ? .nan : Double(i) * 2 }))
        series.append(("up", "job=\"app\"", { _ in 1 }))

        // OpenMetrics keeps a family's samples together: family, then series, then time.
        var out = ""
        out.reserveCapacity(series.count * steps * 60)
        var order: [String] = []
        var byName: [String: [Int]] = [:]
        for (index, s) in series.enumerated() {
            if byName[s.name] == nil { order.append(s.name) }
            byName[s.name, default: []].append(index)
        }
        for name in order {
            for index in byName[name]! {
                let s = series[index]
                for step in 0..<steps {
                    let value = s.value(step)
                    if value.isNaN { continue }  // a gap: no sample (NaN marks a missing step here)
                    out += "\(s.name){\(s.labels)} \(value) \(t0Seconds + step * 15)\n"
                }
            }
        }
        return out + "# EOF\n"
    }

    static var sharedTestData: URL {
        if let override = ProcessInfo.processInfo.environment["SOAK_SHARED_DIR"] {
            return URL(fileURLWithPath: override).appendingPathComponent("testdata")
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/testdata")
    }

    // MARK: - Processes and HTTP

    private static func soakExecutable() throws -> URL {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: PrometheusConformanceTests.self).bundleURL.deletingLastPathComponent()]
        guard let soak = folders.map({ $0.appendingPathComponent("soak") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestFailure("soak not found in \(folders.map(\.path)); build with `swift build --build-tests`")
        }
        return soak
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestFailure("\(executable) not found: install the Debian package prometheus (make deps-test does)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(String(decoding: data, as: UTF8.self).suffix(2000))")
        }
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func get(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }

    private static func waitReady(_ url: String, log: URL) async throws {
        for _ in 0..<150 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: url)!),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw TestFailure("prometheus not ready:\n\((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
