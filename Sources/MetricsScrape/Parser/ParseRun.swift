#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of one pass over one exposition: a cursor, the current family, and the checks
/// OpenMetrics asks for across lines (grouping, ordering, histogram consistency).
///
/// Lines are found with `memchr` and every token is a pair of offsets into the input, so a
/// sample costs a handful of table lookups per byte and no allocation: label spans live in a
/// buffer that is reused from sample to sample.
struct ParseRun {
    let p: UnsafePointer<UInt8>
    let end: Int
    let openMetrics: Bool
    /// ``ByteClass`` bits per byte value.
    let cls: UnsafePointer<UInt8> = ByteClass.tablePointer

    /// 1-based number of the line being parsed, and the offset where it starts.
    var line = 0
    var lineStart = 0

    var labelSpans: [LabelSpan] = []
    var exemplarSpans: [LabelSpan] = []

    var family = FamilyState()
    var rules = OpenMetricsRules()
    /// Text 0.0.4: names that already had `# HELP` / `# TYPE`, as `expfmt` remembers them
    /// (hashes: see ``NameHash``).
    var helpSeen = Set<UInt64>()
    var typeSeen = Set<UInt64>()

    init(base: UnsafePointer<UInt8>, count: Int, openMetrics: Bool) {
        self.p = base
        self.end = count
        self.openMetrics = openMetrics
        labelSpans.reserveCapacity(16)
    }

    // MARK: Errors

    func error(at offset: Int, _ reason: String) -> ExpositionError {
        ExpositionError(line: max(line, 1), column: offset - lineStart + 1, reason: reason)
    }

    func text(_ start: Int, _ end: Int) -> String {
        let clipped = min(end, start + 80)
        return String(decoding: UnsafeRawBufferPointer(start: p + start, count: clipped - start), as: UTF8.self)
            + (clipped < end ? "…" : "")
    }

    /// A printable rendering of the byte at `offset` (or "end of line").
    func describeByte(at offset: Int, lineEnd: Int) -> String {
        guard offset < lineEnd else { return "end of line" }
        let c = p[offset]
        switch c {
        case ASCII.space: return "' '"
        case ASCII.tab: return "tab"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(c)))'"
        default: return "byte 0x\(String(c, radix: 16))"
        }
    }

    // MARK: Lines

    mutating func run<Visitor: ExpositionVisitor>(_ visitor: inout Visitor) throws(ExpositionError) {
        var pos = 0
        var sawEOF = false
        while pos < end {
            line += 1
            lineStart = pos
            let lineEnd: Int
            if let found = memchr(p + pos, Int32(ASCII.lf), end - pos) {
                lineEnd = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - p
            } else {
                lineEnd = end
            }
            if openMetrics {
                if lineEnd - pos == 5, p[pos] == ASCII.hash, matches(pos, "# EOF") {
                    sawEOF = true
                    // Only the line feed that ends `# EOF` may follow it.
                    if lineEnd + 1 < end {
                        line += 1
                        lineStart = lineEnd + 1
                        throw error(at: lineEnd + 1, "unexpected text after '# EOF'")
                    }
                    break
                }
                if lineEnd == pos { throw error(at: pos, "blank line: OpenMetrics allows none") }
                if p[pos] == ASCII.hash {
                    try openMetricsDescriptor(pos, lineEnd, &visitor)
                } else {
                    try sample(pos, lineEnd, &visitor)
                }
            } else {
                var start = pos
                while start < lineEnd, p[start] == ASCII.space || p[start] == ASCII.tab { start += 1 }
                if start < lineEnd {
                    if p[start] == ASCII.hash {
                        try textComment(start, lineEnd, &visitor)
                    } else {
                        try sample(start, lineEnd, &visitor)
                    }
                }
            }
            pos = lineEnd + 1
        }
        if openMetrics && !sawEOF {
            line += 1
            lineStart = end
            throw error(at: end, "missing '# EOF' at the end of an OpenMetrics exposition")
        }
        try closeFamily(&visitor)
    }

    /// Whether the input at `offset` starts with `literal`.
    func matches(_ offset: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard offset + n <= end else { return false }
        return memcmp(p + offset, literal.utf8Start, n) == 0
    }

    /// Whether `[start, end)` equals the bytes of another range of the input.
    func equalBytes(_ a: Range<Int>, _ bStart: Int, _ bEnd: Int) -> Bool {
        a.count == bEnd - bStart && memcmp(p + a.lowerBound, p + bStart, a.count) == 0
    }

    /// The end of a metric name starting at `start`, or nil if none starts there.
    @inline(__always)
    func scanMetricName(_ start: Int, _ lineEnd: Int) -> Int? {
        guard start < lineEnd, cls[Int(p[start])] & ByteClass.metricNameStart != 0 else { return nil }
        var i = start + 1
        while i < lineEnd, cls[Int(p[i])] & ByteClass.metricNameChar != 0 { i += 1 }
        return i
    }
}
