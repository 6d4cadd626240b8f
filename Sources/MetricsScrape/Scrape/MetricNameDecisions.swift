#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers, per target, whether each metric name passes the job's ``MetricNameFilter``,
/// looked up by the name's bytes so that the scrape path makes no `String` for names it has
/// seen before (the prefix and regex tests run once per name, not once per sample).
struct MetricNameDecisions {
    private struct Entry {
        var name: [UInt8]
        var keep: Bool
    }

    private var entries: [UInt64: Entry] = [:]

    /// The cache never grows past this: a target inventing names every scrape is re-decided instead.
    static let capacity = 100_000

    var count: Int { entries.count }

    /// Whether `name` is kept, deciding with `filter` on first sight.
    mutating func keeps(_ name: UnsafeRawBufferPointer, filter: MetricNameFilter) -> Bool {
        let hash = Self.fnv1a(name)
        if let entry = entries[hash], Self.equal(entry.name, name) { return entry.keep }
        let keep = filter.keeps(String(decoding: name, as: UTF8.self))
        if entries.count >= Self.capacity { entries.removeAll() }
        entries[hash] = Entry(name: Array(name), keep: keep)
        return keep
    }

    @inline(__always)
    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    @inline(__always)
    static func equal(_ stored: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == bytes.count else { return false }
        guard let base = bytes.baseAddress, !stored.isEmpty else { return true }
        return stored.withUnsafeBytes { memcmp($0.baseAddress!, base, stored.count) == 0 }
    }
}
