/// Byte classification tables for the exposition grammar.
///
/// One table lookup per byte keeps the scanning loops branch-light; the bits are combined so
/// that a single 256-entry table answers every question the parser asks of a byte.
@usableFromInline
enum ByteClass {
    /// `[a-zA-Z_:]`: may start a metric name.
    static let metricNameStart: UInt8 = 1 << 0
    /// `[a-zA-Z0-9_:]`: may continue a metric name.
    static let metricNameChar: UInt8 = 1 << 1
    /// `[a-zA-Z_]`: may start a label name.
    static let labelNameStart: UInt8 = 1 << 2
    /// `[a-zA-Z0-9_]`: may continue a label name.
    static let labelNameChar: UInt8 = 1 << 3
    /// `"`, `\`, LF or a byte ≥ 0x80: ends the fast scan of a quoted label value.
    static let labelValueStop: UInt8 = 1 << 4

    /// The table as a pointer that lives for the process: the hot loops read it without the
    /// array's bounds and uniqueness checks.
    nonisolated(unsafe) static let tablePointer: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        pointer.initialize(from: table, count: 256)
        return UnsafePointer(pointer)
    }()

    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in 0..<256 {
            let c = UInt8(b)
            let alpha = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A)
            let digit = c >= 0x30 && c <= 0x39
            let underscore = c == 0x5F
            let colon = c == 0x3A
            var bits: UInt8 = 0
            if alpha || underscore || colon { bits |= metricNameStart }
            if alpha || underscore || colon || digit { bits |= metricNameChar }
            if alpha || underscore { bits |= labelNameStart }
            if alpha || underscore || digit { bits |= labelNameChar }
            if c == 0x22 || c == 0x5C || c == 0x0A || c >= 0x80 { bits |= labelValueStop }
            t[b] = bits
        }
        return t
    }()
}

/// ASCII bytes the parser names, so the scanning code reads as the grammar does.
enum ASCII {
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let tab: UInt8 = 0x09
    static let space: UInt8 = 0x20
    static let hash: UInt8 = 0x23
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let comma: UInt8 = 0x2C
    static let equals: UInt8 = 0x3D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let plus: UInt8 = 0x2B
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let n: UInt8 = 0x6E
}
