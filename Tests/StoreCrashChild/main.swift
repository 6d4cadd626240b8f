// The crash test's victim: appends a deterministic stream to a SeriesStore and, after each
// committed flush, prints "committed N" (every series holds stream samples 0...N). The test
// SIGKILLs it at random moments and checks that everything reported is in the file, exactly.
//
// Usage: StoreCrashChild DB_PATH SERIES_COUNT ROUNDS_PER_FLUSH
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(CrashTest) import SeriesStore

let arguments = CommandLine.arguments
guard arguments.count == 4, let seriesCount = Int(arguments[2]), let roundsPerFlush = Int(arguments[3]) else {
    print("usage: StoreCrashChild DB_PATH SERIES_COUNT ROUNDS_PER_FLUSH")
    exit(2)
}
/// Writes a line straight to fd 1: no stdio buffer that a SIGKILL would discard unprinted.
func emit(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
}

do {
    let store = try SeriesStore(path: arguments[1], configuration: CrashStream.configuration)
    let ids = try (0..<seriesCount).map { try store.seriesID(for: CrashStream.key($0)) }
    // Resume after what is committed: the index of each series' last stored timestamp, plus one.
    var next = ids.map { id in store.lastTimestampMs(of: id).map { CrashStream.index(ofTimestampMs: $0) + 1 } ?? 0 }
    emit("resumed \(next.min()! - 1)")
    while true {
        for _ in 0..<roundsPerFlush {
            for series in ids.indices {
                let index = next[series]
                let outcome = store.append(ids[series], timestampMs: CrashStream.timestampMs(index),
                                           value: CrashStream.value(series: series, index: index))
                guard outcome == .appended else { emit("unexpected \(outcome) at \(series)/\(index)"); exit(3) }
                next[series] += 1
            }
        }
        try store.flush()
        emit("committed \(next.min()! - 1)")
    }
} catch {
    emit("error \(error)")
    exit(1)
}
