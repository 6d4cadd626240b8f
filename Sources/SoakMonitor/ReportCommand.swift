import ArgumentParser
import Foundation
import LeakDetection
import SeriesStore
import SoakReport

/// `soak report --db DB --out FILE.html`: one self-contained HTML page about a run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of a run: findings with charts, components, scrape health.",
        discussion: """
        The page has inline CSS and SVG, no script, and a Content-Security-Policy that lets nothing
        load: it opens from disk, offline, years later, and can be attached to a ticket. Evidence
        the daemon captured (heap profiles, goroutine dumps) is written to FILE-evidence/ beside it.

        Works on any store, also one filled only by `soak import`: where the daemon recorded no
        finding for a watched series, the report replays the detector over the stored samples.
        With --compare-json, the output of `soak compare --format json` becomes a comparison
        section, both versions' series drawn on a common "hours since start" axis.

        Exit status: 0 the report was written; 2 the input could not be used (no database, no
        samples in the range, a comparison file that is not compare's JSON, an unwritable
        output); 64 usage.

        Examples:
          soak report --db soak.db --out soak-report.html
          soak report --db soak.db --job etcd --from 2026-11-20T00:00:00Z --out etcd.html
          soak compare --db soak.db --job etcd --baseline-version 3.4.23 --candidate-version 3.5.1 \\
            --format json > cmp.json; soak report --db soak.db --job etcd --compare-json cmp.json --out upgrade.html
        """
    )

    @Option(help: "The SoakMonitor database file (opened read-only; a running daemon may keep writing).")
    var db: String

    @Option(help: "Start of the range: RFC 3339 or Unix seconds (default: the first sample).")
    var from: String?

    @Option(help: "End of the range: RFC 3339 or Unix seconds (default: the last sample).")
    var to: String?

    @Option(name: .customLong("job"), help: "Only this job's targets (repeatable; default: every job).")
    var jobs: [String] = []

    @Option(help: "The JSON `soak compare --format json` wrote: adds the comparison section.")
    var compareJson: String?

    @Option(help: "The page's heading.")
    var title = "Soak report"

    @Flag(help: "Judge series with the time-compressed detector (runs recorded at 1–2 s: tests, demos).")
    var timeCompressed = false

    @Option(help: "Where to write the HTML file.")
    var out: String

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, ReportTime.parse(value) == nil {
                throw ValidationError("\(name) \(value): not RFC 3339 (2026-11-20T00:00:00Z) or Unix seconds")
            }
        }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else {
            FileHandle.standardError.write(Data("soak report: no database at \(db)\n".utf8))
            throw ExitCode(2)
        }
        var request = ReportRequest()
        request.fromMs = from.flatMap(ReportTime.parse) ?? .min
        request.toMs = to.flatMap(ReportTime.parse) ?? .max
        request.jobs = jobs
        request.title = title
        request.detector = timeCompressed ? .timeCompressed : DetectorConfiguration()
        do {
            if let compareJson {
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: compareJson))
                } catch {
                    throw ReportError(kind: .badInput, message: "cannot read \(compareJson): \(error.localizedDescription)")
                }
                request.comparison = try ComparisonDocument.decode(data, source: compareJson)
            }
            var configuration = StoreConfiguration()
            configuration.readOnly = true
            let store: SeriesStore
            do {
                store = try SeriesStore(path: db, configuration: configuration)
            } catch {
                throw ReportError(kind: .badInput, message: "\(error)")
            }
            let url = URL(fileURLWithPath: out)
            let model = try ReportFile.write(store: store, request: request, to: url)
            let firing = model.findings.filter { $0.state == .firing }.count
            print("wrote \(url.path): \(model.components.count) components, \(model.findings.count) findings (\(firing) firing)")
        } catch let error as ReportError {
            FileHandle.standardError.write(Data("soak report: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
