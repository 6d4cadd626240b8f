import SoakModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sample lines: `name{labels} value [timestamp] [# {exemplar labels} value [timestamp]]`.
extension ParseRun {
    mutating func sample<Visitor: ExpositionVisitor>(
        _ start: Int, _ lineEnd: Int, _ visitor: inout Visitor
    ) throws(ExpositionError) {
        guard let nameEnd = scanMetricName(start, lineEnd) else {
            throw error(at: start, "expected a metric name, found \(describeByte(at: start, lineEnd: lineEnd))")
        }
        var i = nameEnd
        labelSpans.removeAll(keepingCapacity: true)
        if !openMetrics {
            // expfmt allows blanks between the name and its labels.
            var k = i
            skipBlanks(&k, lineEnd)
            if k < lineEnd, p[k] == ASCII.openBrace { i = k }
        }
        if i < lineEnd, p[i] == ASCII.openBrace {
            // Move the reused buffer out while parsing into it (exclusive access), then back.
            var spans = [LabelSpan]()
            swap(&spans, &labelSpans)
            defer { swap(&spans, &labelSpans) }
            try parseLabels(&i, lineEnd, into: &spans)
        }

        // The value: one space before it in OpenMetrics, any blanks in text 0.0.4.
        guard i < lineEnd, openMetrics ? p[i] == ASCII.space : isBlank(p[i]) else {
            throw error(at: i, i < lineEnd && i == nameEnd
                ? "invalid character \(describeByte(at: i, lineEnd: lineEnd)) in metric name"
                : "expected a space and a value, found \(describeByte(at: i, lineEnd: lineEnd))")
        }
        if openMetrics { i += 1 } else { skipBlanks(&i, lineEnd) }
        let valueStart = i
        i = tokenEnd(i, lineEnd)
        guard i > valueStart else {
            throw error(at: valueStart, "expected a value, found \(describeByte(at: valueStart, lineEnd: lineEnd))")
        }
        guard let value = FloatParsing.parse(p, valueStart, i) else {
            throw error(at: valueStart, "invalid value \"\(text(valueStart, i))\"")
        }

        var timestampMs: Int64?
        var timestampSeconds = 0.0
        var exemplar: ExemplarParse?
        if openMetrics {
            try openMetricsTail(&i, lineEnd, &timestampMs, &timestampSeconds, &exemplar)
        } else {
            skipBlanks(&i, lineEnd)
            if i < lineEnd {
                let timestampStart = i
                i = tokenEnd(i, lineEnd)
                guard let ms = FloatParsing.parseInt64(p, timestampStart, i) else {
                    throw error(at: timestampStart, "invalid timestamp \"\(text(timestampStart, i))\": text 0.0.4 wants integer milliseconds")
                }
                timestampMs = ms
                timestampSeconds = Double(ms) / 1000
                skipBlanks(&i, lineEnd)
                guard i == lineEnd else {
                    throw error(at: i, "unexpected text after the timestamp")
                }
            }
        }

        let role = try joinFamily(start, nameEnd, &visitor)
        family.sampleCount += 1
        announceFamily(&visitor)
        if openMetrics {
            try rules.checkSample(
                SampleFacts(nameStart: start, role: role, value: value,
                            hasTimestamp: timestampMs != nil, timestampSeconds: timestampSeconds,
                            hasExemplar: exemplar != nil),
                family: family, labels: labelSpans, run: self)
        } else {
            try checkTextLabels(role, start)
        }
        emit(start, nameEnd, role, value, timestampMs, exemplar, &visitor)
    }

    /// The end of a token: the next space (OpenMetrics) or blank (text), or the line end.
    @inline(__always)
    func tokenEnd(_ start: Int, _ lineEnd: Int) -> Int {
        var i = start
        if openMetrics {
            while i < lineEnd, p[i] != ASCII.space { i += 1 }
        } else {
            while i < lineEnd, p[i] != ASCII.space, p[i] != ASCII.tab { i += 1 }
        }
        return i
    }

    /// OpenMetrics after the value: `[ SP timestamp ] [ SP "#" SP exemplar ]`, exactly.
    mutating func openMetricsTail(
        _ i: inout Int, _ lineEnd: Int, _ timestampMs: inout Int64?, _ timestampSeconds: inout Double,
        _ exemplar: inout ExemplarParse?
    ) throws(ExpositionError) {
        guard i < lineEnd else { return }
        i += 1  // the space that ended the value
        if i < lineEnd, p[i] != ASCII.hash {
            let timestampStart = i
            i = tokenEnd(i, lineEnd)
            let seconds = try openMetricsTimestamp(timestampStart, i)
            timestampSeconds = seconds
            timestampMs = Self.milliseconds(seconds)
            guard i < lineEnd else { return }
            i += 1
        }
        guard i < lineEnd, p[i] == ASCII.hash else {
            throw error(at: i, i == lineEnd ? "trailing space after the sample" : "expected a timestamp or '# {' before an exemplar")
        }
        exemplar = try parseExemplar(&i, lineEnd)
    }

    /// An OpenMetrics timestamp: float seconds, finite.
    func openMetricsTimestamp(_ start: Int, _ end: Int) throws(ExpositionError) -> Double {
        guard end > start else { throw error(at: start, "expected a timestamp") }
        guard let seconds = FloatParsing.parse(p, start, end), seconds.isFinite else {
            throw error(at: start, "invalid timestamp \"\(text(start, end))\": expected finite seconds since the epoch")
        }
        return seconds
    }

    /// Seconds to milliseconds, rounded, clamped to what Int64 holds.
    static func milliseconds(_ seconds: Double) -> Int64 {
        let ms = (seconds * 1000).rounded()
        if ms >= 9.2e18 { return Int64.max }
        if ms <= -9.2e18 { return Int64.min }
        return Int64(ms)
    }

    /// `# {labels} value [timestamp]` up to the end of the line.
    mutating func parseExemplar(_ i: inout Int, _ lineEnd: Int) throws(ExpositionError) -> ExemplarParse {
        guard i + 2 < lineEnd, p[i + 1] == ASCII.space, p[i + 2] == ASCII.openBrace else {
            throw error(at: i, "expected '# {' to start an exemplar")
        }
        i += 2
        var spans = [LabelSpan]()
        swap(&spans, &exemplarSpans)
        spans.removeAll(keepingCapacity: true)
        defer { swap(&spans, &exemplarSpans) }
        try parseLabels(&i, lineEnd, into: &spans)
        // OpenMetrics caps an exemplar's label set at 128 UTF-8 characters, names and values together.
        var characters = 0
        for span in spans {
            characters += utf8Characters(Int(span.nameStart), Int(span.nameEnd))
            characters += utf8Characters(Int(span.valueStart), Int(span.valueEnd))
        }
        if characters > 128 {
            throw error(at: i, "exemplar labels are \(characters) characters long; at most 128 are allowed")
        }
        guard i < lineEnd, p[i] == ASCII.space else {
            throw error(at: i, "expected a space and the exemplar's value")
        }
        i += 1
        let valueStart = i
        i = tokenEnd(i, lineEnd)
        guard i > valueStart, let value = FloatParsing.parse(p, valueStart, i) else {
            throw error(at: valueStart, "invalid exemplar value \"\(text(valueStart, i))\"")
        }
        var timestamp: Double?
        if i < lineEnd {
            i += 1
            let timestampStart = i
            i = tokenEnd(i, lineEnd)
            timestamp = try openMetricsTimestamp(timestampStart, i)
            guard i == lineEnd else { throw error(at: i, "unexpected text after the exemplar") }
        }
        return ExemplarParse(value: value, timestampSeconds: timestamp)
    }

    func utf8Characters(_ start: Int, _ end: Int) -> Int {
        var n = 0
        for k in start ..< end where p[k] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// `{name="value",…}`. OpenMetrics forbids blanks and a trailing comma; text 0.0.4 allows both.
    func parseLabels(_ i: inout Int, _ lineEnd: Int, into spans: inout [LabelSpan]) throws(ExpositionError) {
        i += 1  // "{"
        if !openMetrics { skipBlanks(&i, lineEnd) }
        if i < lineEnd, p[i] == ASCII.closeBrace { i += 1; return }
        while true {
            if !openMetrics { skipBlanks(&i, lineEnd) }
            let nameStart = i
            guard i < lineEnd, cls[Int(p[i])] & ByteClass.labelNameStart != 0 else {
                throw error(at: i, "expected a label name, found \(describeByte(at: i, lineEnd: lineEnd))")
            }
            i += 1
            while i < lineEnd, cls[Int(p[i])] & ByteClass.labelNameChar != 0 { i += 1 }
            let nameEnd = i
            if !openMetrics { skipBlanks(&i, lineEnd) }
            guard i < lineEnd, p[i] == ASCII.equals else {
                throw error(at: i, "expected '=' after label name \"\(text(nameStart, nameEnd))\", found \(describeByte(at: i, lineEnd: lineEnd))")
            }
            i += 1
            if !openMetrics { skipBlanks(&i, lineEnd) }
            guard i < lineEnd, p[i] == ASCII.quote else {
                throw error(at: i, "expected '\"' to open the value of label \"\(text(nameStart, nameEnd))\", found \(describeByte(at: i, lineEnd: lineEnd))")
            }
            i += 1
            let valueStart = i
            var escaped = false
            var nonASCII = false
            while true {
                while i < lineEnd, cls[Int(p[i])] & ByteClass.labelValueStop == 0 { i += 1 }
                guard i < lineEnd else {
                    throw error(at: valueStart - 1, "unterminated value of label \"\(text(nameStart, nameEnd))\"")
                }
                let c = p[i]
                if c == ASCII.quote { break }
                if c == ASCII.backslash {
                    guard i + 1 < lineEnd else {
                        throw error(at: valueStart - 1, "unterminated value of label \"\(text(nameStart, nameEnd))\"")
                    }
                    let next = p[i + 1]
                    if !openMetrics, next != ASCII.backslash, next != ASCII.quote, next != ASCII.n {
                        throw error(at: i, "invalid escape sequence in the value of label \"\(text(nameStart, nameEnd))\": only '\\\\', '\\\"' and '\\n' are allowed")
                    }
                    escaped = true
                    i += 2
                } else {
                    nonASCII = true
                    i += 1
                }
            }
            let valueEnd = i
            i += 1  // closing quote
            if nonASCII, !UTF8Validation.isValid(p, valueStart, valueEnd) {
                throw error(at: valueStart, "value of label \"\(text(nameStart, nameEnd))\" is not valid UTF-8")
            }
            for existing in spans where equalBytes(Int(existing.nameStart) ..< Int(existing.nameEnd), nameStart, nameEnd) {
                throw error(at: nameStart, "duplicate label name \"\(text(nameStart, nameEnd))\"")
            }
            spans.append(LabelSpan(nameStart: Int32(nameStart), nameEnd: Int32(nameEnd),
                                   valueStart: Int32(valueStart), valueEnd: Int32(valueEnd),
                                   valueIsEscaped: escaped))
            if !openMetrics { skipBlanks(&i, lineEnd) }
            guard i < lineEnd else { throw error(at: i, "expected ',' or '}' after a label value") }
            if p[i] == ASCII.comma {
                i += 1
                if !openMetrics {
                    skipBlanks(&i, lineEnd)
                    if i < lineEnd, p[i] == ASCII.closeBrace { i += 1; return }
                } else if i < lineEnd, p[i] == ASCII.closeBrace {
                    throw error(at: i, "trailing comma in a label set: OpenMetrics allows none")
                }
                continue
            }
            if p[i] == ASCII.closeBrace { i += 1; return }
            throw error(at: i, "expected ',' or '}' after a label value, found \(describeByte(at: i, lineEnd: lineEnd))")
        }
    }

    /// Finds the family a sample name belongs to (the current one, by the suffixes its type
    /// allows) or starts a new, untyped one named after the sample; returns the sample's role.
    mutating func joinFamily<Visitor: ExpositionVisitor>(
        _ nameStart: Int, _ nameEnd: Int, _ visitor: inout Visitor
    ) throws(ExpositionError) -> SampleRole {
        if family.isOpen, let role = roleInCurrentFamily(nameStart, nameEnd) { return role }
        try closeFamily(&visitor)
        try startFamily(nameStart ..< nameEnd, at: nameStart)
        return family.type == .counter ? .total : .value
    }

    /// The sample's role if its name is the current family's name plus a suffix its type allows.
    func roleInCurrentFamily(_ nameStart: Int, _ nameEnd: Int) -> SampleRole? {
        let f = family.nameRange
        let length = nameEnd - nameStart
        guard length >= f.count, memcmp(p + nameStart, p + f.lowerBound, f.count) == 0 else { return nil }
        let suffixStart = nameStart + f.count
        if length == f.count {
            switch family.type {
            case .counter: return openMetrics ? nil : .total
            case .histogram, .gaugehistogram: return openMetrics ? nil : .value
            case .info: return nil
            default: return .value
            }
        }
        func suffix(_ s: StaticString) -> Bool {
            nameEnd - suffixStart == s.utf8CodeUnitCount && matches(suffixStart, s)
        }
        switch family.type {
        case .counter:
            if openMetrics {
                if suffix("_total") { return .total }
                if suffix("_created") { return .created }
            }
        case .histogram:
            if suffix("_bucket") { return .bucket }
            if suffix("_count") { return .count }
            if suffix("_sum") { return .sum }
            if openMetrics, suffix("_created") { return .created }
        case .gaugehistogram:
            if suffix("_bucket") { return .bucket }
            if suffix("_gcount") { return .gcount }
            if suffix("_gsum") { return .gsum }
        case .summary:
            if suffix("_count") { return .count }
            if suffix("_sum") { return .sum }
            if openMetrics, suffix("_created") { return .created }
        case .info:
            if suffix("_info") { return .info }
        case .gauge, .stateset, .unknown:
            break
        }
        return nil
    }

    /// Text 0.0.4: as `expfmt`, a histogram bucket needs a numeric `le` and a summary quantile a
    /// numeric `quantile`.
    func checkTextLabels(_ role: SampleRole, _ nameStart: Int) throws(ExpositionError) {
        let required: StaticString
        switch (family.type, role) {
        case (.histogram, .bucket): required = "le"
        case (.summary, .value): required = "quantile"
        default: return
        }
        guard let span = labelSpans.first(where: { spanName($0, is: required) }) else {
            throw error(at: nameStart, "\(family.type == .histogram ? "histogram bucket" : "summary quantile") without a \"\(required)\" label")
        }
        guard FloatParsing.parse(p, Int(span.valueStart), Int(span.valueEnd)) != nil else {
            throw error(at: Int(span.valueStart), "expected a number as the value of label \"\(required)\", found \"\(text(Int(span.valueStart), Int(span.valueEnd)))\"")
        }
    }

    @inline(__always)
    func spanName(_ span: LabelSpan, is name: StaticString) -> Bool {
        Int(span.nameEnd - span.nameStart) == name.utf8CodeUnitCount && matches(Int(span.nameStart), name)
    }

    /// Hands the sample to the visitor with views over the input and the span buffers.
    mutating func emit<Visitor: ExpositionVisitor>(
        _ nameStart: Int, _ nameEnd: Int, _ role: SampleRole, _ value: Double, _ timestampMs: Int64?,
        _ exemplar: ExemplarParse?, _ visitor: inout Visitor
    ) {
        let base = p
        let type = family.type
        let lineNumber = line
        labelSpans.withUnsafeBufferPointer { labels in
            exemplarSpans.withUnsafeBufferPointer { exemplarLabels in
                let exemplarView = exemplar.map {
                    ExemplarView(labels: LabelsView(base: base, spans: exemplarLabels),
                                 value: $0.value, timestampSeconds: $0.timestampSeconds)
                }
                visitor.visit(sample: SampleView(
                    base: base, nameStart: nameStart, nameEnd: nameEnd,
                    labels: LabelsView(base: base, spans: labels), value: value, timestampMs: timestampMs,
                    familyType: type, role: role, exemplar: exemplarView, line: lineNumber))
            }
        }
    }
}

/// An exemplar's numbers while the line is parsed (its labels are in `exemplarSpans`).
struct ExemplarParse {
    var value: Double
    var timestampSeconds: Double?
}

/// What the OpenMetrics rules need to know of a sample.
struct SampleFacts {
    var nameStart: Int
    var role: SampleRole
    var value: Double
    var hasTimestamp: Bool
    var timestampSeconds: Double
    var hasExemplar: Bool
}
