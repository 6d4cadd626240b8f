import SoakModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `# HELP`, `# TYPE`, `# UNIT` lines and comments.
extension ParseRun {
    /// OpenMetrics: every line starting with `#` is a descriptor (`# HELP|TYPE|UNIT name …`) or
    /// `# EOF`; single spaces separate the tokens, and free-form comments do not exist.
    mutating func openMetricsDescriptor<Visitor: ExpositionVisitor>(
        _ start: Int, _ lineEnd: Int, _ visitor: inout Visitor
    ) throws(ExpositionError) {
        let kind: MetadataKind
        if matches(start, "# HELP ") { kind = .help }
        else if matches(start, "# TYPE ") { kind = .type }
        else if matches(start, "# UNIT ") { kind = .unit }
        else {
            throw error(at: start, "expected '# HELP', '# TYPE', '# UNIT' or '# EOF': OpenMetrics has no free-form comments")
        }
        let nameStart = start + 7
        guard let nameEnd = scanMetricName(nameStart, lineEnd) else {
            throw error(at: nameStart, "expected a metric name after '# \(kind.keyword)'")
        }
        guard nameEnd < lineEnd, p[nameEnd] == ASCII.space else {
            throw error(at: nameEnd, "expected a space after the metric name in '# \(kind.keyword)', found \(describeByte(at: nameEnd, lineEnd: lineEnd))")
        }
        let valueStart = nameEnd + 1
        try enterFamily(for: kind, nameStart ..< nameEnd, &visitor)
        switch kind {
        case .help:
            family.helpRange = valueStart ..< lineEnd
            family.helpIsEscaped = memchr(p + valueStart, Int32(ASCII.backslash), lineEnd - valueStart) != nil
        case .type:
            guard let type = MetricType(openMetricsKeyword: p, valueStart, lineEnd) else {
                throw error(at: valueStart, "unknown metric type \"\(text(valueStart, lineEnd))\"; OpenMetrics knows counter, gauge, histogram, gaugehistogram, summary, info, stateset and unknown")
            }
            family.type = type
            family.typeDeclared = true
            try rules.declareType(type, familyName: family.nameRange, run: self, at: valueStart)
        case .unit:
            var i = valueStart
            while i < lineEnd, cls[Int(p[i])] & ByteClass.metricNameChar != 0 { i += 1 }
            guard i == lineEnd else {
                throw error(at: i, "invalid character \(describeByte(at: i, lineEnd: lineEnd)) in unit")
            }
            family.unitRange = valueStart ..< lineEnd
        }
        try rules.checkUnit(family, run: self, at: valueStart)
    }

    /// Text 0.0.4: `# HELP name text` and `# TYPE name type` are metadata, any other `#` line is
    /// a comment. Blanks (spaces, tabs) separate tokens, as in Prometheus' `expfmt`.
    mutating func textComment<Visitor: ExpositionVisitor>(
        _ start: Int, _ lineEnd: Int, _ visitor: inout Visitor
    ) throws(ExpositionError) {
        var i = start + 1
        skipBlanks(&i, lineEnd)
        let kind: MetadataKind
        if matches(i, "HELP"), i + 4 < lineEnd, isBlank(p[i + 4]) { kind = .help }
        else if matches(i, "TYPE"), i + 4 < lineEnd, isBlank(p[i + 4]) { kind = .type }
        else { return }
        i += 4
        skipBlanks(&i, lineEnd)
        guard let nameEnd = scanMetricName(i, lineEnd) else {
            throw error(at: i, "expected a metric name after '# \(kind.keyword)'")
        }
        let nameRange = i ..< nameEnd
        i = nameEnd
        guard i == lineEnd || isBlank(p[i]) else {
            throw error(at: i, "invalid character \(describeByte(at: i, lineEnd: lineEnd)) in metric name")
        }
        skipBlanks(&i, lineEnd)
        let hash = NameHash.of(p, nameRange)
        switch kind {
        case .help:
            guard helpSeen.insert(hash).inserted else {
                throw error(at: nameRange.lowerBound, "second HELP line for metric name \"\(text(nameRange.lowerBound, nameRange.upperBound))\"")
            }
            var escaped = false
            var k = i
            // HELP text is long and rarely escaped: jump from backslash to backslash.
            while k < lineEnd, let found = memchr(p + k, Int32(ASCII.backslash), lineEnd - k) {
                k = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - p
                guard k + 1 < lineEnd, p[k + 1] == ASCII.backslash || p[k + 1] == ASCII.n else {
                    throw error(at: k, "invalid escape sequence in HELP text: only '\\\\' and '\\n' are allowed")
                }
                escaped = true
                k += 2
            }
            try enterFamily(for: .help, nameRange, &visitor)
            family.helpRange = i ..< lineEnd
            family.helpIsEscaped = escaped
        case .type:
            guard typeSeen.insert(hash).inserted else {
                throw error(at: nameRange.lowerBound, "second TYPE line for metric name \"\(text(nameRange.lowerBound, nameRange.upperBound))\"")
            }
            var typeEnd = lineEnd
            while typeEnd > i, isBlank(p[typeEnd - 1]) { typeEnd -= 1 }
            guard let type = MetricType(textKeyword: p, i, typeEnd) else {
                throw error(at: i, "unknown metric type \"\(text(i, typeEnd))\"; text 0.0.4 knows counter, gauge, histogram, summary and untyped")
            }
            try enterFamily(for: .type, nameRange, &visitor)
            family.type = type
            family.typeDeclared = true
        case .unit:
            return
        }
    }

    @inline(__always) func isBlank(_ c: UInt8) -> Bool { c == ASCII.space || c == ASCII.tab }

    @inline(__always) func skipBlanks(_ i: inout Int, _ lineEnd: Int) {
        while i < lineEnd, p[i] == ASCII.space || p[i] == ASCII.tab { i += 1 }
    }

    /// Makes the family named by a metadata line the current one, starting it if it is new, and
    /// checks that this kind of metadata may come now (once per family, before its samples).
    mutating func enterFamily<Visitor: ExpositionVisitor>(
        for kind: MetadataKind, _ nameRange: Range<Int>, _ visitor: inout Visitor
    ) throws(ExpositionError) {
        let sameFamily = family.isOpen && equalBytes(family.nameRange, nameRange.lowerBound, nameRange.upperBound)
        if !sameFamily {
            try closeFamily(&visitor)
            try startFamily(nameRange, at: nameRange.lowerBound)
        }
        var name: String { text(nameRange.lowerBound, nameRange.upperBound) }
        if family.sampleCount > 0 && (openMetrics || kind == .type) {
            throw error(at: lineStart, openMetrics
                ? "# \(kind.keyword) for \"\(name)\" after its samples: metadata must come first"
                : "TYPE line for metric name \"\(name)\" reported after its samples")
        }
        if openMetrics {
            let repeated: Bool
            switch kind {
            case .help: repeated = family.helpRange != nil
            case .type: repeated = family.typeDeclared
            case .unit: repeated = family.unitRange != nil
            }
            if repeated { throw error(at: lineStart, "second # \(kind.keyword) line for \"\(name)\"") }
        }
    }

    /// Starts a new current family named by `nameRange`.
    mutating func startFamily(_ nameRange: Range<Int>, at offset: Int) throws(ExpositionError) {
        family = FamilyState()
        family.isOpen = true
        family.nameRange = nameRange
        if openMetrics {
            try rules.startFamily(nameRange, run: self, at: offset)
        }
    }

    /// Ends the current family: runs the checks that need all of its samples and announces it
    /// if no sample did.
    mutating func closeFamily<Visitor: ExpositionVisitor>(_ visitor: inout Visitor) throws(ExpositionError) {
        guard family.isOpen else { return }
        if openMetrics { try rules.finishGroup(family, run: self) }
        announceFamily(&visitor)
        family.isOpen = false
    }

    /// Hands the family to the visitor, once.
    mutating func announceFamily<Visitor: ExpositionVisitor>(_ visitor: inout Visitor) {
        guard !family.announced else { return }
        family.announced = true
        visitor.visit(family: FamilyView(
            base: p, nameRange: family.nameRange, helpRange: family.helpRange,
            helpIsEscaped: family.helpIsEscaped, unitRange: family.unitRange,
            type: family.type, typeDeclared: family.typeDeclared))
    }
}

/// The metadata line kinds.
enum MetadataKind {
    case help, type, unit

    var keyword: String {
        switch self {
        case .help: "HELP"
        case .type: "TYPE"
        case .unit: "UNIT"
        }
    }
}

/// The current family while its lines are parsed.
struct FamilyState {
    var isOpen = false
    var nameRange: Range<Int> = 0 ..< 0
    var type: MetricType = .unknown
    var typeDeclared = false
    var helpRange: Range<Int>?
    var helpIsEscaped = false
    var unitRange: Range<Int>?
    var sampleCount = 0
    var announced = false
}

extension MetricType {
    /// OpenMetrics' type keywords are exact and lower-case; `untyped` is text 0.0.4's, not OpenMetrics'.
    init?(openMetricsKeyword p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) {
        for type in MetricType.allCases where Self.keywordMatches(type.rawValue, p, start, end, caseInsensitive: false) {
            self = type
            return
        }
        return nil
    }

    /// Text 0.0.4's keywords, case-insensitively as `expfmt` reads them.
    init?(textKeyword p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) {
        let keywords: [(String, MetricType)] = [("counter", .counter), ("gauge", .gauge), ("histogram", .histogram),
                                               ("summary", .summary), ("untyped", .unknown)]
        for (keyword, type) in keywords where Self.keywordMatches(keyword, p, start, end, caseInsensitive: true) {
            self = type
            return
        }
        return nil
    }

    /// Compares input bytes with a lower-case ASCII keyword without building a String.
    private static func keywordMatches(_ keyword: String, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                                       caseInsensitive: Bool) -> Bool {
        var index = start
        for expected in keyword.utf8 {
            guard index < end else { return false }
            let actual = caseInsensitive && p[index] >= 0x41 && p[index] <= 0x5A ? p[index] | 0x20 : p[index]
            guard actual == expected else { return false }
            index += 1
        }
        return index == end
    }
}

/// 64-bit FNV-1a over a name's bytes: the parser remembers names and label groups by hash to stay
/// allocation-free. Two different names colliding needs about 2^32 names in one exposition.
enum NameHash {
    @inline(__always)
    static func of(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for i in range {
            h ^= UInt64(p[i])
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Mixes a finished hash so that summing several (an order-independent set hash) stays uniform.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
