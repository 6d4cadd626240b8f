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
        let bytes: [UInt8]
        do {
            bytes = file == "-" ? [UInt8](FileHandle.standardInput.readDataToEndOfFile())
                : [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let name = file == "-" ? "<stdin>" : file
        var summary = ExpositionSummary()
        let errors = LintRun.collectErrors(bytes, format: format, into: &summary)
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
    static func collectErrors(_ bytes: [UInt8], format: ExpositionFormat, into summary: inout ExpositionSummary,
                              limit: Int = 20) -> [ExpositionError] {
        var errors: [ExpositionError] = []
        var offset = 0
        var lineOffset = 0
        let parser = ExpositionParser(format: format)
        while errors.count < limit {
            do {
                try bytes.withUnsafeBytes { raw in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]), into: &summary)
                }
                break
            } catch let error as ExpositionError {
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
            } catch {
                break
            }
        }
        return errors
    }
}

extension ExpositionFormat: ExpressibleByArgument {}
