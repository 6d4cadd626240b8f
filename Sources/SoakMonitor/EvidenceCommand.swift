import ArgumentParser
import Foundation
import ProfileDiff

/// `soak evidence`: works on evidence files (heap profiles, goroutine dumps) on disk.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Works with heap profiles and goroutine dumps of Go processes.",
        subcommands: [EvidenceDiffCommand.self]
    )
}

/// `soak evidence diff A B`: which stacks grew between two profiles of one process.
struct EvidenceDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Ranks the stacks that grew between two heap profiles or two goroutine dumps.",
        discussion: """
        BEFORE and AFTER are two snapshots of one Go process: heap profiles (/debug/pprof/heap,
        gzipped profile.proto) or goroutine dumps (/debug/pprof/goroutine with debug=1 or debug=2
        text, or the debug=0 profile). Each stack (function names, leaf first, inlined frames
        expanded; addresses and arguments stripped) is compared as `go tool pprof -diff_base
        BEFORE AFTER` does: after − before, ranked by growth, with its share of the total growth.
        The first line names the top stack's first frame outside the Go runtime and standard
        library. Exits 2 when a file cannot be read or decoded (the reason on stderr).

        Examples:
          curl -so before.pb.gz http://127.0.0.1:2379/debug/pprof/heap
          curl -so after.pb.gz  http://127.0.0.1:2379/debug/pprof/heap
          soak evidence diff before.pb.gz after.pb.gz --sample-index inuse_objects
          soak evidence diff goroutines-1.txt goroutines-2.txt --format json
        """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The baseline: a heap profile or goroutine dump.")
    var before: String

    @Argument(help: "The later snapshot of the same process.")
    var after: String

    @Option(help: "text (a ranked table) or json ({kind, stacks: [{frames, before, after, delta}]}).")
    var format: OutputFormat = .text

    @Option(help: "Heap quantity to compare, as pprof's -sample_index: inuse_space (default), inuse_objects, alloc_space, alloc_objects.")
    var sampleIndex: String?

    @Option(help: "Stacks to show (text: 10 by default; json: all by default).")
    var top: Int?

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        let diff: StackDiff
        do {
            diff = try StackDiff(before: try Self.load(before), after: try Self.load(after), sampleIndex: sampleIndex)
        } catch let failure as EvidenceFileError {
            FileHandle.standardError.write(Data("soak evidence diff: \(failure.description)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("soak evidence diff: \(before) vs \(after): \(error)\n".utf8))
            throw ExitCode(2)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(StackDiffReport(diff, limit: top)), as: UTF8.self))
        case .text:
            print(StackDiffTable(diff: diff, limit: top ?? 10).render())
        }
    }

    /// An input file that cannot be read or decoded, named.
    struct EvidenceFileError: Error, CustomStringConvertible {
        let file: String
        let reason: String
        var description: String { "\(file): \(reason)" }
    }

    static func load(_ file: String) throws -> StackProfile {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw EvidenceFileError(file: file, reason: "cannot read: \(error.localizedDescription)")
        }
        do {
            return try StackProfile.decode(bytes)
        } catch {
            throw EvidenceFileError(file: file, reason: error.description)
        }
    }
}

/// The text form of a diff: totals, the one-line summary, then the top stacks with their frames.
struct StackDiffTable {
    let diff: StackDiff
    let limit: Int
    /// Frames shown per stack (the JSON form keeps them all).
    var framesShown = 12

    func render() -> String {
        var lines = ["\(diff.kind.rawValue) diff of \(diff.sampleType.type): \(diff.format(diff.totalBefore)) → \(diff.format(diff.totalAfter)) (\(diff.formatSigned(diff.totalDelta)))"]
        lines.append(diff.summaryLine.map { "top: \($0)" } ?? "top: no stack grew")
        lines.append("")
        lines.append(pad("delta", 12) + pad("before", 12) + pad("after", 12) + pad("share", 7) + "  stack (leaf first)")
        for entry in diff.entries.prefix(limit) {
            let share = diff.shareOfGrowth(entry).map { StackDiff.percent($0) } ?? "-"
            let frames = entry.stack.frames
            lines.append(pad(diff.formatSigned(entry.delta), 12) + pad(diff.format(entry.before), 12) + pad(diff.format(entry.after), 12)
                         + pad(share, 7) + "  " + (frames.first ?? "<empty stack>"))
            for frame in frames.dropFirst().prefix(framesShown - 1) {
                lines.append(String(repeating: " ", count: 45) + "  ← " + frame)
            }
            if frames.count > framesShown {
                lines.append(String(repeating: " ", count: 45) + "  … \(frames.count - framesShown) more")
            }
        }
        if diff.entries.count > limit { lines.append("… \(diff.entries.count - limit) more stacks (--top N, or --format json)") }
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
