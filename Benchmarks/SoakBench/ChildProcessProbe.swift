#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What the footprint bench reads about the monitor process from outside it, in `/proc/<pid>`:
/// the kernel's view, to set beside what the monitor reports about itself on `/metrics`.
struct ChildProcessReading {
    /// `VmRSS` of `/proc/<pid>/status`, bytes.
    var residentBytes: Double
    /// Field 24 of `/proc/<pid>/stat` × page size: exactly how the monitor computes its own
    /// `process_resident_memory_bytes` (ProcessStatistics), read from outside every second.
    var statResidentBytes: Double
    /// Entries of `/proc/<pid>/fd`.
    var openFDs: Int
    /// utime + stime of `/proc/<pid>/stat` (fields 14 and 15), seconds.
    var cpuSeconds: Double
    /// Field 20 of `/proc/<pid>/stat`.
    var threads: Int

    private static let clockTicksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    /// Nil once the process is gone (or `/proc` cannot be read).
    static func read(pid: Int32) -> ChildProcessReading? {
        let directory = "/proc/\(pid)"
        guard let status = try? String(contentsOfFile: directory + "/status", encoding: .utf8),
              let stat = try? String(contentsOfFile: directory + "/stat", encoding: .utf8),
              let fds = try? FileManager.default.contentsOfDirectory(atPath: directory + "/fd") else { return nil }
        guard let rssLine = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(rssLine.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            return nil
        }
        // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
        guard let utime = field(14), let stime = field(15), let threads = field(20), let rssPages = field(24) else { return nil }
        return ChildProcessReading(residentBytes: kilobytes * 1024, statResidentBytes: rssPages * pageSize, openFDs: fds.count,
                                   cpuSeconds: (utime + stime) / clockTicksPerSecond, threads: Int(threads))
    }
}

/// CPU seconds per thread, keyed `comm/tid` (`/proc/<pid>/task/<tid>/stat`): where the monitor's
/// CPU goes. On Linux a Foundation `Thread` inherits its creator's name (the scraper's
/// "soak-scrape" is not applied), so the libcurl scrape thread shows as one of the Dispatch
/// pool's `com.apple.root.default-qos` threads (truncated to 15 characters) — the one that
/// stays busy; Swift's cooperative pool (pipeline, store, detector) runs on the others.
func threadCPUSeconds(pid: Int32) -> [String: Double] {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var result: [String: Double] = [:]
    let directory = "/proc/\(pid)/task"
    for tid in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
        guard let stat = try? String(contentsOfFile: "\(directory)/\(tid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
        let name = String(stat[stat.index(after: open)..<close]) + "/" + tid
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { continue }
        result[name, default: 0] += (utime + stime) / ticks
    }
    return result
}

/// The few values the bench wants from a Prometheus text exposition: each sample's value by
/// metric name and its label text (`job="etcd"`, or "" without labels). No timestamps, escapes
/// in label values are not decoded (the monitor's own metrics have simple labels).
struct ExpositionValues {
    private(set) var values: [String: [String: Double]] = [:]

    init(_ bytes: [UInt8], names: Set<String>) {
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let nameEnd = line.firstIndex(where: { $0 == "{" || $0 == " " }) ?? line.endIndex
            let name = String(line[..<nameEnd])
            guard names.contains(name) else { continue }
            var labels = ""
            var rest = line[nameEnd...]
            if rest.hasPrefix("{"), let close = rest.lastIndex(of: "}") {
                labels = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
            }
            guard let valueText = rest.split(separator: " ", omittingEmptySubsequences: true).first,
                  let value = Double(valueText) else { continue }
            values[name, default: [:]][labels] = value
        }
    }

    /// The sum over every label set of `name`; nil when the exposition has none.
    func sum(_ name: String) -> Double? {
        values[name].map { $0.values.reduce(0, +) }
    }

    /// The value of `name` whose label text contains `label="value"`.
    func value(_ name: String, label: String, _ labelValue: String) -> Double? {
        values[name]?.first(where: { $0.key.contains("\(label)=\"\(labelValue)\"") })?.value
    }
}

/// Least-squares line through (x, y): slope, its standard error, intercept, and the mean of y.
struct LeastSquaresFit {
    var slope: Double
    var slopeStandardError: Double
    var intercept: Double
    var meanY: Double
    var count: Int

    init?(x: [Double], y: [Double]) {
        let n = x.count
        guard n >= 3, y.count == n else { return nil }
        let meanX = x.reduce(0, +) / Double(n)
        let meanY = y.reduce(0, +) / Double(n)
        var sxx = 0.0, sxy = 0.0
        for i in 0..<n {
            sxx += (x[i] - meanX) * (x[i] - meanX)
            sxy += (x[i] - meanX) * (y[i] - meanY)
        }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        intercept = meanY - slope * meanX
        var residualSquares = 0.0
        for i in 0..<n {
            let r = y[i] - (intercept + slope * x[i])
            residualSquares += r * r
        }
        slopeStandardError = (residualSquares / Double(n - 2) / sxx).squareRoot()
        self.meanY = meanY
        self.count = n
    }
}
