#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MetricsScrape
import SoakModel

/// `SoakBench lint`: the release `soak lint` as a whole process on a ≥ 100 MB Prometheus text
/// exposition built from the real dumps in ../shared/testdata/k8s-dumps (MB/s of wall and CPU
/// time, peak RSS), beside the bare parser in process on the same bytes and Prometheus'
/// `promtool check metrics` (reads standard input) as the peer. `--soak PATH` lints with another
/// build; `--no-promtool` skips the peer; `--megabytes N` sets the size (100); `--keep` keeps the file.
///
/// The file: every dump that parses alone, its families merged by name (one `# HELP`/`# TYPE`
/// each, as the text format requires), each sample repeated for N replicas with
/// `bench_replica="i"` added, so every series is distinct — the memory a linter needs grows with
/// the series, which is what it must be bounded by.
func runLintBenchmarks(arguments: [String]) {
    do {
        let directory = "/tmp/soakbench-lint-\(getpid())"
        mkdir(directory, 0o755)
        // `--keep` leaves the exposition for profiling (`perf record soak lint FILE`).
        let keep = arguments.contains("--keep")
        defer { if keep { print("exposition kept: \(directory)/k8s.prom") } else { unlink(directory + "/k8s.prom"); rmdir(directory) } }
        let megabytes = Int(option("--megabytes", in: arguments) ?? "100") ?? 100
        let path = directory + "/k8s.prom"
        let built = try LintCorpus.write(to: path, targetBytes: megabytes * 1_000_000)
        print("machine: \(machineDescription())")
        print("input: \(built.bytes) bytes, \(built.families) families, \(built.samples) samples "
              + "(\(built.replicas) replicas of \(built.dumps.joined(separator: ", ")))")
        let megabytesInFile = Double(built.bytes) / 1e6

        // The bare parser on the same bytes, in process: the ceiling for the whole command.
        if let data = FileManager.default.contents(atPath: path) {
            let bytes = [UInt8](data)
            let parser = ExpositionParser(format: .prometheusText)
            let seconds = bytes.withUnsafeBytes { raw in
                bestSecondsPerCall(minSeconds: 1, minCalls: 2) {
                    var visitor = CountingVisitor()
                    try? parser.parse(raw, into: &visitor)
                }
            }
            report("bare parser in process (CPU)", megabytesInFile / seconds, "MB/s")
        }

        let soak = option("--soak", in: arguments) ?? siblingExecutable("soak")
        print("linter: \(soak)")
        let run = try MeasuredChildRun.run(soak, ["lint", path])
        guard run.exitStatus == 0 else { throw BenchError("soak lint exited \(run.exitStatus): \(run.output.prefix(600))") }
        if let total = run.output.split(separator: "\n").first(where: { $0.hasSuffix("total") }) {
            print("soak lint says: \(total.trimmingCharacters(in: .whitespaces))")
        }
        report("soak lint, whole process (wall)", megabytesInFile / run.wallSeconds, "MB/s", target: 300)
        report("  same, CPU time", megabytesInFile / run.cpuSeconds, "MB/s")
        report("  peak RSS", run.maxRSSBytes / 1_048_576, "MiB", higherIsBetter: false)
        report("  peak RSS per series", run.maxRSSBytes / Double(built.samples), "B", higherIsBetter: false)

        guard !arguments.contains("--no-promtool"), access("/usr/bin/promtool", X_OK) == 0 else {
            print("promtool check metrics: skipped")
            return
        }
        let peer = try MeasuredChildRun.run("/usr/bin/promtool", ["check", "metrics"], inputPath: path)
        // promtool exits 3 when it only has lint findings (naming problems the dumps do have).
        print("promtool check metrics exited \(peer.exitStatus)")
        report("promtool check metrics, whole process (wall)", megabytesInFile / peer.wallSeconds, "MB/s")
        report("  peak RSS", peer.maxRSSBytes / 1_048_576, "MiB", higherIsBetter: false)
        report("soak lint against promtool (wall)", megabytesInFile / run.wallSeconds, "MB/s",
               peer: (name: "promtool check metrics", value: megabytesInFile / peer.wallSeconds))
    } catch {
        print("lint benchmark failed: \(error)")
    }
}

/// Builds the lint benchmark's exposition from the shared dumps.
enum LintCorpus {
    struct Built {
        var bytes = 0
        var families = 0
        var samples = 0
        var replicas = 0
        var dumps: [String] = []
    }

    static func write(to path: String, targetBytes: Int) throws -> Built {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/testdata/k8s-dumps").path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".prom") }.sorted()
        var built = Built()
        var order: [String] = []
        var families: [String: (family: MetricFamily, lines: [(name: String, labels: String, value: String)])] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let parsed = try? ExpositionParser.parse([UInt8](data), format: .prometheusText) else { continue }
            built.dumps.append(name)
            var familyOf: [String: String] = [:]
            for family in parsed.families {
                if families[family.name] == nil {
                    families[family.name] = (family, [])
                    order.append(family.name)
                }
                familyOf[family.name] = family.name
            }
            for sample in parsed.samples {
                let family = [sample.name, String(sample.name.dropLast(7)), String(sample.name.dropLast(4)),
                              String(sample.name.dropLast(6))].first { familyOf[$0] != nil && families[$0]?.family.type != nil } ?? sample.name
                if families[family] == nil {
                    families[family] = (MetricFamily(name: family), [])
                    order.append(family)
                }
                var labels = sample.labels.map { "\($0.name)=\"\(escape($0.value))\"" }
                labels.append("bench_dump=\"\(name.split(separator: ".").first ?? "")\"")
                families[family]!.lines.append((sample.name, labels.joined(separator: ","), text(sample.value)))
            }
        }
        guard !order.isEmpty else { throw BenchError("no parseable dumps in \(directory)") }
        let perReplica = order.reduce(0) { total, name in
            total + families[name]!.lines.reduce(0) { $0 + $1.name.utf8.count + $1.labels.utf8.count + $1.value.utf8.count + 24 }
        }
        built.replicas = max(1, (targetBytes + perReplica - 1) / perReplica)
        guard let file = fopen(path, "w") else { throw BenchError("cannot write \(path)") }
        defer { fclose(file) }
        var out = ""
        out.reserveCapacity(1 << 22)
        func emit() {
            built.bytes += out.utf8.count
            fputs(out, file)
            out.removeAll(keepingCapacity: true)
        }
        for name in order {
            let entry = families[name]!
            built.families += 1
            if let help = entry.family.help { out += "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n" }
            if entry.family.type != .unknown { out += "# TYPE \(name) \(entry.family.type.rawValue)\n" }
            for replica in 0..<built.replicas {
                for line in entry.lines {
                    out += line.name
                    out += "{"
                    out += line.labels
                    out += ",bench_replica=\""
                    out += String(replica)
                    out += "\"} "
                    out += line.value
                    out += "\n"
                    built.samples += 1
                }
                if out.utf8.count > 1 << 21 { emit() }
            }
        }
        emit()
        return built
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
