import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `soak evidence diff` end to end on two heap profiles of a real Prometheus 2.42 (Debian), checked
/// against Go's own `go tool pprof -top -diff_base` on the same files.
final class EvidenceDiffCommandTests: XCTestCase {
    private static let prometheus = "/usr/bin/prometheus"
    private static let go = "/usr/bin/go"

    func testHeapDiffOfARealPrometheusMatchesGoToolPprof() throws {
        for tool in [Self.prometheus, Self.go] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed (make test installs prometheus and golang-go)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-evidence-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let port = try Self.unusedPort()
        let base = "http://127.0.0.1:\(port)"
        try """
        global: {scrape_interval: 1s}
        scrape_configs:
          - job_name: self
            static_configs: [{targets: ['127.0.0.1:\(port)']}]
        """.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.prometheus)
        server.arguments = ["--config.file=\(directory.path)/prometheus.yml", "--web.listen-address=127.0.0.1:\(port)",
                            "--storage.tsdb.path=\(directory.path)/data"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        try Self.waitUntilReady(base + "/-/ready")

        let before = directory.appendingPathComponent("before.pb.gz")
        try Data(contentsOf: URL(string: base + "/debug/pprof/heap")!).write(to: before)
        // Load between the two profiles: range queries over the self-scrape allocate in the engine,
        // and scrapes keep adding series samples to the head block.
        Thread.sleep(forTimeInterval: 2)
        for i in 0..<150 {
            _ = try? Data(contentsOf: URL(string: base + "/api/v1/query_range?query=rate(prometheus_http_requests_total%5B5s%5D)&start=0&end=\(100_000 + i)&step=15")!)
            _ = try? Data(contentsOf: URL(string: base + "/api/v1/series?match%5B%5D=%7Bjob%3D%22self%22%7D")!)
        }
        Thread.sleep(forTimeInterval: 2)
        let after = directory.appendingPathComponent("after.pb.gz")
        try Data(contentsOf: URL(string: base + "/debug/pprof/heap")!).write(to: after)

        for (index, pprofIndex, unit) in [("inuse_space", "inuse_space", ["-unit=B"]), ("inuse_objects", "inuse_objects", [String]())] {
            let result = try SoakProcess.run(["evidence", "diff", before.path, after.path, "--format", "json", "--sample-index", index])
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(json["kind"] as? String, "heap")
            let stacks = try XCTUnwrap(json["stacks"] as? [[String: Any]])
            var flat: [String: Int64] = [:]
            for stack in stacks {
                let frames = try XCTUnwrap(stack["frames"] as? [String])
                let delta = try XCTUnwrap((stack["delta"] as? NSNumber)?.int64Value)
                XCTAssertEqual(delta, try XCTUnwrap((stack["after"] as? NSNumber)?.int64Value) - (try XCTUnwrap((stack["before"] as? NSNumber)?.int64Value)))
                flat[frames.first ?? "", default: 0] += delta
            }
            let deltas = stacks.compactMap { ($0["delta"] as? NSNumber)?.int64Value }
            XCTAssertEqual(deltas, deltas.sorted(by: >), "stacks ranked by delta")

            let pprof = try Self.pprofTopFlat(["-top", "-nodefraction=0", "-sample_index=\(pprofIndex)"] + unit + ["-diff_base", before.path, after.path])
            XCTAssertGreaterThanOrEqual(pprof.count, 2, "the load changed too little to compare (\(index))")
            // Every function pprof lists with a non-zero flat value has exactly that value here,
            // and no function here has a flat value pprof does not show.
            for (function, value) in pprof {
                XCTAssertEqual(flat[function], value, "\(index): \(function)")
            }
            XCTAssertEqual(Set(flat.filter { $0.value != 0 }.keys), Set(pprof.keys), index)
            // Same top functions in the same order (by |flat|, as pprof sorts).
            let ours = flat.filter { $0.value != 0 }.sorted { ($0.value.magnitude, $1.key) > ($1.value.magnitude, $0.key) }.prefix(5).map(\.value)
            let theirs = pprof.sorted { ($0.value.magnitude, $1.key) > ($1.value.magnitude, $0.key) }.prefix(5).map(\.value)
            XCTAssertEqual(ours, theirs, index)
        }

        let text = try SoakProcess.run(["evidence", "diff", before.path, after.path])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("heap diff of inuse_space: "), text.stdout)
    }

    func testUnreadableOrMalformedInputExitsTwoNamingTheFile() throws {
        let directory = FileManager.default.temporaryDirectory
        let garbage = directory.appendingPathComponent("soak-evidence-garbage-\(ProcessInfo.processInfo.processIdentifier).txt")
        let truncated = directory.appendingPathComponent("soak-evidence-truncated-\(ProcessInfo.processInfo.processIdentifier).txt")
        try Data("hello, world\n".utf8).write(to: garbage)
        try Data("goroutine profile: total 3\n3 @ 0x1\n#\t0x1\tmain.main+0x1\tmain.go:1\n#\tbroken".utf8).write(to: truncated)
        defer {
            try? FileManager.default.removeItem(at: garbage)
            try? FileManager.default.removeItem(at: truncated)
        }
        let missing = try SoakProcess.run(["evidence", "diff", "/nonexistent/a.pb.gz", garbage.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/a.pb.gz: cannot read"), missing.stderr)
        let unknown = try SoakProcess.run(["evidence", "diff", truncated.path, garbage.path])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("\(truncated.path): goroutineDump at line 4"), unknown.stderr)
    }

    /// `go tool pprof -top` rows → flat value per function (rows with flat 0 left out).
    private static func pprofTopFlat(_ arguments: [String]) throws -> [String: Int64] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: go)
        process.arguments = ["tool", "pprof"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PPROF_TMPDIR"] = FileManager.default.temporaryDirectory.path
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        var flat: [String: Int64] = [:]
        var inTable = false
        for line in output.split(separator: "\n") {
            if line.contains("flat%") { inTable = true; continue }
            guard inTable else { continue }
            // "   566314B 10.63% 10.63%    566314B 10.63%  github.com/…NewManager (inline)"
            let columns = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard columns.count == 6 else { continue }
            var name = columns[5].trimmingCharacters(in: .whitespaces)
            if name.hasSuffix(" (inline)") { name.removeLast(" (inline)".count) }
            let value = columns[0].hasSuffix("B") ? columns[0].dropLast() : columns[0]
            guard let number = Int64(value) else { XCTFail("pprof value \(columns[0])"); continue }
            if number != 0 { flat[name, default: 0] += number }
        }
        return flat
    }

    private static func waitUntilReady(_ url: String) throws {
        for _ in 0..<100 {
            if (try? Data(contentsOf: URL(string: url)!)) != nil { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("\(url) did not become ready")
    }

    /// A loopback TCP port nothing listens on: bound to port 0, read, closed.
    static func unusedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return UInt16(bigEndian: address.sin_port)
    }
}
