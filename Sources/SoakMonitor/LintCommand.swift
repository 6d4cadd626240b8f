import SoakModel
import ArgumentParser
import Foundation
import MetricsScrape

/// `soak lint`: what `promtool check metrics` is for Prometheus users.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Checks a /metrics exposition and summarises it.",
        discussion: """
        Reads Prometheus text 0.0.4 (the default) or OpenMetrics 1.0 from a file or standard input,
        prints the families, series and samples per metric type, and hints where names break
        Prometheus' conventions. Errors are printed as FILE:LINE:COLUMN: reason; after an error the
        check resumes on the next line, so one run shows every broken line (at most 20).
        Exits 1 when the exposition is invalid.

        Examples:
          curl -s http://127.0.0.1:2381/metrics | soak lint -
          soak lint --format openmetrics scrape.om
        """
    )

    @Option(help: "Exposition format: prometheus (text 0.0.4) or openmetrics (1.0).")
    var format: ExpositionFormat = .prometheusText

    @Argument(help: "The exposition to check, or - for standard input.")
    var file: String

    func run() throws {
        let name = file == "-" ? "<stdin>" : file
        var summary = ExpositionSummary()
        var errors: [ExpositionError]
        if file == "-" {
            // A pipe cannot be mapped: standard input is read whole.
            let bytes = try InputFailure.read(file)
            errors = bytes.withUnsafeBytes { LintRun.collectErrors($0, format: format, into: &summary) }
        } else {
            let input = try InputFailure.map(file)
            errors = LintRun.collectErrors(input.bytes, format: format, into: &summary, releasing: input)
        }
        // A repeated series is valid syntax but not a valid exposition (one value per series).
        errors += summary.duplicates.prefix(20).map {
            ExpositionError(line: $0.line, column: 1, reason: "duplicate series: \($0.metric) with the same labels already at line \($0.firstLine)")
        }
        errors.sort { $0.line < $1.line }
        for error in errors {
            print("\(name):\(error.line):\(error.column): \(error.reason)")
        }
        let formatName = format == .openMetrics ? "OpenMetrics 1.0" : "Prometheus text 0.0.4"
        print(errors.isEmpty ? "\(name): valid \(formatName)" : "\(name): INVALID \(formatName) (\(errors.count) error\(errors.count == 1 ? "" : "s"))")
        printCounts(summary)
        for hint in summary.hints.prefix(50) { print("hint: \(hint)") }
        if summary.hints.count > 50 { print("hint: … \(summary.hints.count - 50) more") }
        if !errors.isEmpty { throw ExitCode(1) }
    }

    private func printCounts(_ summary: ExpositionSummary) {
        func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
            [a, b, c].map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined() + "  " + d
        }
        print(row("families", "series", "samples", "type"))
        for type in MetricType.allCases {
            guard let c = summary.countsByType[type] else { continue }
            print(row("\(c.families)", "\(c.series)", "\(c.samples)", type.rawValue))
        }
        let t = summary.total
        print(row("\(t.families)", "\(t.series)", "\(t.samples)", "total"))
    }
}

/// Runs the parser over an exposition and, after an error, again from the next line.
enum LintRun {
    /// Parses `bytes` into `summary`, resuming after each failing line, and returns at most
    /// `limit` errors with lines counted from the start of `bytes`. With `releasing`, the pages of
    /// that mapped input are given back to the kernel behind the parser (memory bounded by the
    /// number of series, not the file's size).
    static func collectErrors(_ bytes: UnsafeRawBufferPointer, format: ExpositionFormat, into summary: inout ExpositionSummary,
                              limit: Int = 20, releasing input: MappedInput? = nil) -> [ExpositionError] {
        var errors: [ExpositionError] = []
        var offset = 0
        var lineOffset = 0
        let parser = ExpositionParser(format: format)
        while errors.count < limit {
            do throws(ExpositionError) {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                if let input {
                    var releasing = PageReleasingVisitor(inner: summary, input: input)
                    defer { summary = releasing.inner }
                    try parser.parse(rest, into: &releasing)
                } else {
                    try parser.parse(rest, into: &summary)
                }
                break
            } catch {
                errors.append(ExpositionError(line: error.line + lineOffset, column: error.column, reason: error.reason))
                // Resume after the failing line.
                var line = 1
                var index = offset
                while index < bytes.count, line < error.line {
                    if bytes[index] == 0x0A { line += 1 }
                    index += 1
                }
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                guard index + 1 < bytes.count else { break }
                lineOffset += error.line
                offset = index + 1
            }
        }
        return errors
    }

    /// Convenience over `[UInt8]` (tests).
    static func collectErrors(_ bytes: [UInt8], format: ExpositionFormat, into summary: inout ExpositionSummary,
                              limit: Int = 20) -> [ExpositionError] {
        bytes.withUnsafeBytes { collectErrors($0, format: format, into: &summary, limit: limit) }
    }
}

extension ExpositionFormat: ExpressibleByArgument {}
