import ArgumentParser
import Foundation
import SeriesStore

/// `soak export --db DB [--match SELECTOR]`: writes stored samples as OpenMetrics text.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write stored samples to standard output as OpenMetrics text with timestamps.",
        discussion: """
            The output is a backfill file: `promtool tsdb create-blocks-from openmetrics FILE DIR` \
            turns it into Prometheus blocks, and `soak import` reads it back bit-exactly (values, \
            millisecond timestamps). NaN payloads other than the standard NaN cannot be written in \
            text; Prometheus' stale markers are not samples and are left out.

            Examples:
              soak export --db soak.db > all.om
              soak export --db soak.db --match 'go_goroutines{namespace=~"kube-.*",pod!="etcd-0"}'
            """
    )

    @Option(help: "The SoakMonitor database file (opened read-only; a running daemon may keep writing).")
    var db: String

    @Option(help: "A PromQL series selector: name{label=\"v\",label!=\"v\",label=~\"re\",label!~\"re\"}. Default: every series.")
    var match: String?

    func run() throws {
        let selector = try match.map { text throws(StoreError) in try SeriesSelector(parsing: text) } ?? .all
        guard FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("no database at \(db)")
        }
        var configuration = StoreConfiguration()
        configuration.readOnly = true
        let store = try SeriesStore(path: db, configuration: configuration)
        var export = OpenMetricsExport(store: store)
        try export.write(matching: selector) { bytes in
            FileHandle.standardOutput.write(Data(bytes))
        }
        var line = "exported \(export.samplesWritten) samples"
        if export.staleMarkersSkipped > 0 { line += "; \(export.staleMarkersSkipped) stale markers left out" }
        if !export.familiesWithoutMetadata.isEmpty {
            line += "; written untyped (a value does not suit the declared type): "
                + export.familiesWithoutMetadata.joined(separator: ", ")
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
