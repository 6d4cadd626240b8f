import SoakModel

/// Where one label sits in the input: byte offsets of its name and of its value between the quotes.
///
/// `valueIsEscaped` is set when the value contains a backslash, so readers that need the
/// logical value unescape it, and everyone else reads the input bytes as they are.
@usableFromInline
struct LabelSpan {
    @usableFromInline var nameStart: Int32
    @usableFromInline var nameEnd: Int32
    @usableFromInline var valueStart: Int32
    @usableFromInline var valueEnd: Int32
    @usableFromInline var valueIsEscaped: Bool

    @usableFromInline
    init(nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32, valueIsEscaped: Bool) {
        self.nameStart = nameStart
        self.nameEnd = nameEnd
        self.valueStart = valueStart
        self.valueEnd = valueEnd
        self.valueIsEscaped = valueIsEscaped
    }
}

/// What a sample is within its family: OpenMetrics names each by the suffix of its metric name.
public enum SampleRole: UInt8, Sendable, Hashable {
    /// A plain gauge, unknown, stateset or untyped value, or a summary quantile.
    case value
    /// A counter's `_total`.
    case total
    /// `_created`: the time (unix seconds) a counter, histogram or summary was reset.
    case created
    /// A histogram or gauge histogram `_bucket` (carries `le`).
    case bucket
    /// `_count` of a histogram or summary.
    case count
    /// `_sum` of a histogram or summary.
    case sum
    /// `_gcount` of a gauge histogram.
    case gcount
    /// `_gsum` of a gauge histogram.
    case gsum
    /// An info metric's `_info` sample.
    case info
}

/// A borrowed view of one label set: names and values as bytes of the input.
///
/// - warning: Valid only inside the visitor callback that received it; copy out what you keep
///   (``string(name:)``, ``value(at:)``, ``Sample``).
public struct LabelsView {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let spans: UnsafeBufferPointer<LabelSpan>

    @usableFromInline
    init(base: UnsafePointer<UInt8>, spans: UnsafeBufferPointer<LabelSpan>) {
        self.base = base
        self.spans = spans
    }

    /// How many labels the set has.
    @inlinable public var count: Int { spans.count }

    /// The label name at `index`, as input bytes (names never need unescaping).
    @inlinable
    public func nameBytes(at index: Int) -> UnsafeRawBufferPointer {
        let s = spans[index]
        return UnsafeRawBufferPointer(start: base + Int(s.nameStart), count: Int(s.nameEnd - s.nameStart))
    }

    /// The label value at `index` as it stands in the input, escapes included.
    @inlinable
    public func rawValueBytes(at index: Int) -> UnsafeRawBufferPointer {
        let s = spans[index]
        return UnsafeRawBufferPointer(start: base + Int(s.valueStart), count: Int(s.valueEnd - s.valueStart))
    }

    /// Whether the value at `index` contains escapes (`\\`, `\"`, `\n`) that ``value(at:)`` resolves.
    @inlinable public func valueIsEscaped(at index: Int) -> Bool { spans[index].valueIsEscaped }

    /// The label name at `index` as a `String`.
    public func name(at index: Int) -> String { String(decoding: nameBytes(at: index), as: UTF8.self) }

    /// The logical label value at `index` (escapes resolved) as a `String`.
    public func value(at index: Int) -> String {
        let raw = rawValueBytes(at: index)
        guard spans[index].valueIsEscaped else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: EscapeDecoding.unescape(raw), as: UTF8.self)
    }

    /// The logical value of the label called `name`, if the set has one.
    public func value(named name: String) -> String? {
        var name = name
        return name.withUTF8 { wanted in
            for i in 0..<count where nameBytes(at: i).elementsEqual(UnsafeRawBufferPointer(wanted)) {
                return value(at: i)
            }
            return nil
        }
    }

    /// All labels copied out, in exposition order.
    public func materialize() -> [Label] {
        (0..<count).map { Label(name(at: $0), value(at: $0)) }
    }
}

/// An OpenMetrics exemplar attached to a counter or bucket sample.
public struct ExemplarView {
    public let labels: LabelsView
    public let value: Double
    /// The exemplar's own timestamp in unix seconds, when given.
    public let timestampSeconds: Double?
}

/// A borrowed view of one sample while the parser visits it.
///
/// - warning: Valid only inside ``ExpositionVisitor/visit(sample:)``; use ``materialize()``
///   to keep a copy.
public struct SampleView {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let nameStart: Int
    @usableFromInline let nameEnd: Int
    /// The sample's labels (without `__name__`).
    public let labels: LabelsView
    /// The sample value.
    public let value: Double
    /// The exposition's timestamp in milliseconds since the epoch, if the line carried one.
    /// OpenMetrics' float seconds are rounded to the nearest millisecond (and clamped to Int64).
    public let timestampMs: Int64?
    /// The declared type of the family the sample belongs to.
    public let familyType: MetricType
    /// What the sample is within its family (`_bucket`, `_count`, …).
    public let role: SampleRole
    /// The exemplar, for OpenMetrics counter and bucket samples that carry one.
    public let exemplar: ExemplarView?
    /// 1-based line of the sample in the input: for error messages further down the pipeline.
    public let line: Int

    /// The full metric name (with suffix) as input bytes.
    @inlinable
    public var nameBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + nameStart, count: nameEnd - nameStart)
    }

    /// The full metric name as a `String`.
    public var name: String { String(decoding: nameBytes, as: UTF8.self) }

    /// A copy that outlives the callback.
    public func materialize() -> Sample {
        Sample(name: name, labels: labels.materialize(), value: value, timestampMs: timestampMs)
    }
}

/// A borrowed view of a metric family's metadata (`# HELP`, `# TYPE`, `# UNIT`).
///
/// Families are announced before their first sample, or when they end if they have none.
public struct FamilyView {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let nameRange: Range<Int>
    @usableFromInline let helpRange: Range<Int>?
    @usableFromInline let helpIsEscaped: Bool
    @usableFromInline let unitRange: Range<Int>?
    /// The declared type, `.unknown` when no `# TYPE` was given.
    public let type: MetricType
    /// Whether a `# TYPE` line declared the type.
    public let typeDeclared: Bool

    /// The family name as input bytes.
    public var nameBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + nameRange.lowerBound, count: nameRange.count)
    }

    /// The family name.
    public var name: String { String(decoding: nameBytes, as: UTF8.self) }

    /// The help text with escapes resolved, if a `# HELP` line gave one.
    public var help: String? {
        guard let helpRange else { return nil }
        let raw = UnsafeRawBufferPointer(start: base + helpRange.lowerBound, count: helpRange.count)
        guard helpIsEscaped else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: EscapeDecoding.unescape(raw), as: UTF8.self)
    }

    /// The unit from `# UNIT` (OpenMetrics only).
    public var unit: String? {
        guard let unitRange else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: base + unitRange.lowerBound, count: unitRange.count),
                      as: UTF8.self)
    }

    /// A copy that outlives the callback.
    public func materialize() -> MetricFamily {
        MetricFamily(name: name, type: type, help: help, unit: unit)
    }
}

/// Resolves the escapes both formats share: `\\` → `\`, `\"` → `"`, `\n` → LF. Any other
/// backslash pair is kept as written (OpenMetrics' reference parser does the same; the text
/// 0.0.4 parser rejects such pairs before a value ever gets here).
enum EscapeDecoding {
    static func unescape(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let c = raw[i]
            if c == ASCII.backslash, i + 1 < raw.count {
                switch raw[i + 1] {
                case ASCII.backslash: out.append(ASCII.backslash); i += 2; continue
                case ASCII.quote: out.append(ASCII.quote); i += 2; continue
                case ASCII.n: out.append(ASCII.lf); i += 2; continue
                default: break
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}

/// Receives what the parser finds, in input order.
///
/// The views point into the input and the parser's scratch space: they are valid only during
/// the call, so an implementation copies what it keeps. That is what lets a scrape of thousands of
/// series run without an allocation per sample.
public protocol ExpositionVisitor {
    /// A family's metadata, before its first sample.
    mutating func visit(family: FamilyView)
    /// One sample.
    mutating func visit(sample: SampleView)
}

extension ExpositionVisitor {
    public mutating func visit(family: FamilyView) {}
}
