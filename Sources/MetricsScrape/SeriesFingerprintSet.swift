/// A set of series identities held as 128-bit fingerprints: 32 bytes per distinct series (its first
/// line and latest timestamp included) in one open-addressing table, whatever the length of the names and label values.
///
/// `soak lint` counts distinct series in expositions of any size; keeping every label set as
/// arrays of bytes took hundreds of bytes and several allocations per series (579 MB for a
/// 100 MB file). Two series collide only when both 64-bit halves agree: for n series the chance of
/// any collision is about n² / 2^129 (1e-25 for ten million), far below a disk's bit-error rate.
struct SeriesFingerprintSet {
    /// Two independent 64-bit hashes of a series' canonical bytes.
    struct Fingerprint: Equatable {
        var high: UInt64
        var low: UInt64
    }

    /// What the set remembers of a series: where it first appeared and its latest timestamp.
    struct Occurrence {
        var firstLine: Int
        var timestampMs: Int64?
    }

    /// A slot: an all-zero fingerprint means empty (fingerprints never are). The timestamp is kept
    /// unboxed, `Int64.min` standing for "none", so a slot stays 32 bytes.
    private struct Slot {
        var fingerprint: Fingerprint
        var firstLine: Int
        var timestampMs: Int64
    }

    private static let noTimestamp = Int64.min
    /// Open addressing, linear probing.
    private var slots: [Slot]
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Self.empty, count: size)
    }

    private static var empty: Slot { Slot(fingerprint: Fingerprint(high: 0, low: 0), firstLine: 0, timestampMs: noTimestamp) }

    /// Adds `fingerprint` first seen at `line`, and returns nil; or, when it was there already,
    /// returns what was recorded before and keeps `timestampMs` as the series' latest.
    @inline(__always)
    mutating func record(_ fingerprint: Fingerprint, line: Int, timestampMs: Int64?) -> Occurrence? {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: fingerprint.high) & mask
        let stamp = timestampMs ?? Self.noTimestamp
        return slots.withUnsafeMutableBufferPointer { table in
            while true {
                let slot = table[index]
                if slot.fingerprint.low == 0 && slot.fingerprint.high == 0 {
                    table[index] = Slot(fingerprint: fingerprint, firstLine: line, timestampMs: stamp)
                    count += 1
                    return nil
                }
                if slot.fingerprint == fingerprint {
                    table[index].timestampMs = stamp
                    return Occurrence(firstLine: slot.firstLine,
                                      timestampMs: slot.timestampMs == Self.noTimestamp ? nil : slot.timestampMs)
                }
                index = (index + 1) & mask
            }
        }
    }

    /// Adds `fingerprint`; true when it was not there yet.
    @inline(__always)
    mutating func insert(_ fingerprint: Fingerprint) -> Bool {
        record(fingerprint, line: 0, timestampMs: nil) == nil
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        count = 0
        let mask = slots.count - 1
        for slot in old where slot.fingerprint.low != 0 || slot.fingerprint.high != 0 {
            var index = Int(truncatingIfNeeded: slot.fingerprint.high) & mask
            while slots[index].fingerprint.low != 0 || slots[index].fingerprint.high != 0 { index = (index + 1) & mask }
            slots[index] = slot
            count += 1
        }
    }
}

/// Hashes byte strings eight bytes at a time into a `SeriesFingerprintSet.Fingerprint`: two
/// multiply–rotate lanes with different odd constants, each finished by MurmurHash3's fmix64.
/// Every field is preceded by its length, so ("ab", "c") and ("a", "bc") differ.
struct SeriesFingerprinter {
    private var high: UInt64 = 0x243F_6A88_85A3_08D3
    private var low: UInt64 = 0x1319_8A2E_0370_7344

    @inline(__always)
    private mutating func mix(_ word: UInt64) {
        high = ((high ^ word) &* 0x9E37_79B9_7F4A_7C15)
        high = (high << 31) | (high >> 33)
        low = ((low ^ word) &* 0xC2B2_AE3D_27D4_EB4F)
        low = (low << 29) | (low >> 35)
    }

    /// Mixes in one field (its length, then its bytes).
    @inline(__always)
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        mix(UInt64(bytes.count) | 0xA5A5_0000_0000_0000)
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            mix(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            mix(tail)
        }
    }

    /// The fingerprint of everything added.
    func finish() -> SeriesFingerprintSet.Fingerprint {
        SeriesFingerprintSet.Fingerprint(high: Self.fmix(high), low: Self.fmix(low) | 1)  // never all zero: 127 bits
    }

    @inline(__always)
    private static func fmix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}
