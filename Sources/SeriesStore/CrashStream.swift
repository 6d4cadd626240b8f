import SoakModel

/// The deterministic sample stream of the crash test, shared by the killed child process and the
/// test that checks what survived. SPI (`@_spi(CrashTest) import SeriesStore`), not store API.
@_spi(CrashTest)
public enum CrashStream {
    /// Small chunks so kills land during seals and rollup writes too; flush on every call.
    public static var configuration: StoreConfiguration {
        var config = StoreConfiguration()
        config.maxSamplesPerChunk = 40
        config.chunkSpanMs = 600_000
        config.flushIntervalSeconds = 0
        config.synchronous = .normal  // the weaker mode: it is the one claimed to survive SIGKILL
        return config
    }

    public static let startMs: Int64 = 1_700_000_000_000

    public static func key(_ series: Int) -> SeriesKey {
        SeriesKey(metric: "crash_stream", labels: [Label("series", String(series))])
    }

    /// 15-s spacing with a few milliseconds of deterministic jitter (always increasing).
    public static func timestampMs(_ index: Int) -> Int64 {
        startMs + Int64(index) * 15_000 + Int64((index &* 7919) % 11) - 5
    }

    /// Inverse of `timestampMs` (jitter is below half the spacing).
    public static func index(ofTimestampMs time: Int64) -> Int {
        Int(((time - startMs) + 7_500) / 15_000)
    }

    /// Memory-like integers, special floats and arbitrary bit patterns (NaN payloads included).
    public static func value(series: Int, index: Int) -> Double {
        if index % 97 == 0 { return Double(bitPattern: 0x7ff0_0000_0000_0002) }  // stale marker
        if index % 89 == 0 { return -0.0 }
        if index % 83 == 0 { return .infinity }
        if index % 5 == 0 { return Double(bitPattern: mix(UInt64(series) << 32 | UInt64(index))) }
        return Double((series + 1) * 50_000 + index % 300) * 4096
    }

    private static func mix(_ seed: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
