#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers, per target, each metric name seen: whether the job's ``MetricNameFilter`` keeps
/// it, and the name as a `String`. Looked up by the name's bytes, so the scrape path neither
/// re-runs the prefix and regex tests nor allocates a new `String` for a name it has seen
/// before (names repeat every scrape; most are longer than Swift's 15-byte inline strings).
struct MetricNameDecisions {
    struct Entry {
        var bytes: [UInt8]
        var name: String
        var keep: Bool
    }

    private var entries: [UInt64: Entry] = [:]

    /// The cache never grows past this: a target inventing names every scrape is re-decided instead.
    static let capacity = 100_000

    var count: Int { entries.count }

    /// The entry for `name`, deciding with `filter` (nil keeps everything) on first sight.
    mutating func entry(for name: UnsafeRawBufferPointer, filter: MetricNameFilter?) -> Entry {
        let hash = Self.fnv1a(name)
        if let entry = entries[hash], Self.equal(entry.bytes, name) { return entry }
        let text = String(decoding: name, as: UTF8.self)
        let entry = Entry(bytes: Array(name), name: text, keep: filter?.keeps(text) ?? true)
        if entries.count >= Self.capacity { entries.removeAll() }
        entries[hash] = entry
        return entry
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
