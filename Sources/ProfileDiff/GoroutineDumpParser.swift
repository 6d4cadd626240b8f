/// Parses the text goroutine dumps Go's `/debug/pprof/goroutine` serves into a ``StackProfile``
/// of kind `.goroutine` with one sample type, `goroutine`/`count`.
///
/// - `debug=1`: `goroutine profile: total N`, then groups `COUNT @ 0xPC 0xPC …` followed by one
///   `#\t0xPC\tfunction+0xOFF\tfile:line` line per frame (and optional `# labels: {…}`).
/// - `debug=2`: one block per goroutine, `goroutine ID [state]:`, then pairs of lines
///   `function(args…)` / `\tfile:line +0xOFF`, optionally `created by …` and
///   `...additional frames elided...`.
///
/// Both normalise to function names (addresses, offsets, lines and arguments stripped), so a
/// debug=1 dump and a debug=2 dump of the same process give the same stacks: the `created by`
/// frame is not part of a debug=1 stack and is left out of debug=2 stacks too, and `runtime.`
/// frames, which each form shows differently, are left out of both (``withoutRuntimeFrames(_:)``).
public enum GoroutineDumpParser {
    /// Whether the text looks like a goroutine dump (either form).
    public static func isGoroutineDump(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(64), as: UTF8.self)
        return head.hasPrefix("goroutine profile:") || head.hasPrefix("goroutine ")
    }

    /// Parses a dump; errors carry the 1-based line.
    public static func parse(_ bytes: [UInt8]) throws(EvidenceDecodeError) -> StackProfile {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        guard let first = lines.first else { throw EvidenceDecodeError(.goroutineDump, "empty dump", line: 1) }
        var counts: [CallStack: Int64] = [:]
        if first.hasPrefix("goroutine profile:") {
            try parseDebug1(lines, into: &counts)
        } else if first.hasPrefix("goroutine ") {
            try parseDebug2(lines, into: &counts)
        } else {
            throw EvidenceDecodeError(.goroutineDump, "expected \"goroutine profile: total N\" (debug=1) or \"goroutine N [state]:\" (debug=2), got \(quoted(first))", line: 1)
        }
        return StackProfile(kind: .goroutine, sampleTypes: [.init(type: "goroutine", unit: "count")],
                            defaultSampleIndex: 0, values: counts.mapValues { [$0] })
    }

    // MARK: debug=1

    private static func parseDebug1(_ lines: [Substring], into counts: inout [CallStack: Int64]) throws(EvidenceDecodeError) {
        var count: Int64?
        var addresses: [String] = []
        var frames: [String] = []
        func finish() {
            guard let groupCount = count else { return }
            let stack = CallStack(frames: frames.isEmpty ? addresses : withoutRuntimeFrames(frames))
            counts[stack, default: 0] &+= groupCount
            count = nil
            frames = []
            addresses = []
        }
        for (index, line) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            if line.isEmpty {
                finish()
            } else if line.hasPrefix("#") {
                guard count != nil else {
                    throw EvidenceDecodeError(.goroutineDump, "a frame line outside a \"COUNT @ …\" group", line: lineNumber)
                }
                if line.hasPrefix("# labels:") { continue }
                // "#\t0x4a1b2c\tgo.etcd.io/etcd/….sendLoop+0x1df\t/path/file.go:123"
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count >= 3, fields[1].hasPrefix("0x") else {
                    throw EvidenceDecodeError(.goroutineDump, "expected \"#<TAB>0xPC<TAB>function+0xOFF<TAB>file:line\", got \(quoted(line))", line: lineNumber)
                }
                let symbol = fields[2]
                if symbol.isEmpty {
                    frames.append(String(fields[1]))
                } else if let plus = lastOffsetMarker(in: symbol) {
                    frames.append(String(symbol[..<plus]))
                } else {
                    frames.append(String(symbol))
                }
            } else {
                finish()
                // "12 @ 0x43a8e6 0x4078bc …"
                let parts = line.split(separator: " ")
                guard parts.count >= 2, parts[1] == "@", let value = Int64(parts[0]), value >= 0 else {
                    throw EvidenceDecodeError(.goroutineDump, "expected \"COUNT @ 0xPC …\", got \(quoted(line))", line: lineNumber)
                }
                count = value
                addresses = parts.dropFirst(2).map(String.init)
            }
        }
        finish()
    }

    // MARK: debug=2

    private static func parseDebug2(_ lines: [Substring], into counts: inout [CallStack: Int64]) throws(EvidenceDecodeError) {
        var inGoroutine = false
        var frames: [String] = []
        var expectFileLine = false
        func finish() {
            if inGoroutine { counts[CallStack(frames: withoutRuntimeFrames(frames)), default: 0] &+= 1 }
            inGoroutine = false
            frames = []
            expectFileLine = false
        }
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            if line.isEmpty {
                finish()
            } else if line.hasPrefix("goroutine ") {
                finish()
                // "goroutine 17 [chan receive, 3 minutes]:" (newer Go may add "gp=… m=…" before "[").
                guard line.hasSuffix(":"), line.contains("[") else {
                    throw EvidenceDecodeError(.goroutineDump, "expected \"goroutine N [state]:\", got \(quoted(line))", line: lineNumber)
                }
                inGoroutine = true
            } else if !inGoroutine {
                throw EvidenceDecodeError(.goroutineDump, "a frame outside a \"goroutine N [state]:\" block: \(quoted(line))", line: lineNumber)
            } else if line.hasPrefix("\t") {
                guard expectFileLine else {
                    throw EvidenceDecodeError(.goroutineDump, "a file:line without a function line before it: \(quoted(line))", line: lineNumber)
                }
                expectFileLine = false
            } else if line.hasPrefix("created by ") || line.hasPrefix("...") {
                // The creator is not a frame of the goroutine's own stack (debug=1 leaves it out too);
                // its file:line follows.
                expectFileLine = line.hasPrefix("created by ")
            } else {
                guard let function = functionName(ofCall: line) else {
                    throw EvidenceDecodeError(.goroutineDump, "expected \"function(arguments)\", got \(quoted(line))", line: lineNumber)
                }
                frames.append(function)
                expectFileLine = true
            }
        }
        finish()
    }

    /// Go's debug=1 writer drops a stack's leading `runtime.` frames (`runtime.gopark`,
    /// `runtime.selectgo`, …) but keeps `runtime.main` at its root; debug=2's traceback prints the
    /// leading ones and hides the others. Dropping every `runtime.` frame (unless all are) makes
    /// both forms of one process give the same stacks; `runtime/pprof.…` and other runtime
    /// subpackages stay.
    static func withoutRuntimeFrames(_ frames: [String]) -> [String] {
        let kept = frames.filter { !$0.hasPrefix("runtime.") }
        return kept.isEmpty ? frames : kept
    }

    /// `net/http.(*conn).serve(0xc000123456, {0x7f8e40, 0xc0001a2b3c})` → `net/http.(*conn).serve`.
    /// Arguments never contain parentheses, so the call's `(` is the last one on the line.
    static func functionName(ofCall line: Substring) -> String? {
        guard line.hasSuffix(")"), let open = line.lastIndex(of: "("), open > line.startIndex else { return nil }
        return String(line[..<open])
    }

    /// The index of the last `+0x` in `symbol` (the start of the PC offset).
    private static func lastOffsetMarker(in symbol: Substring) -> Substring.Index? {
        var index = symbol.endIndex
        while let plus = symbol[..<index].lastIndex(of: "+") {
            if symbol[symbol.index(after: plus)...].hasPrefix("0x") { return plus }
            index = plus
        }
        return nil
    }

    private static func quoted(_ line: Substring) -> String {
        let shown = line.count > 120 ? line.prefix(120) + "…" : line
        return "\"\(shown)\""
    }
}
