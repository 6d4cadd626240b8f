import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The monitor's own process figures, read from `/proc` the way Prometheus client libraries
/// do (client_golang's `procfs` collector, client_python's `ProcessCollector`), so the
/// `process_*` family means the same here as on every Go component SoakMonitor watches.
public struct ProcessStatistics: Sendable, Hashable {
    /// User plus system CPU time, seconds (`/proc/self/stat` fields 14 and 15 / `CLK_TCK`).
    public var cpuSecondsTotal: Double
    /// Resident set size, bytes (field 24, pages × page size).
    public var residentMemoryBytes: Double
    /// Virtual memory size, bytes (field 23).
    public var virtualMemoryBytes: Double
    /// Process start, seconds since the epoch (field 22 / `CLK_TCK` + `btime` of `/proc/stat`).
    public var startTimeSeconds: Double
    /// Threads (field 20).
    public var threads: Double
    /// Open file descriptors (entries of `/proc/self/fd`).
    public var openFDs: Double
    /// The soft `RLIMIT_NOFILE` (`Max open files` of `/proc/self/limits`); `nil` when unlimited.
    public var maxFDs: Double?

    public init(cpuSecondsTotal: Double, residentMemoryBytes: Double, virtualMemoryBytes: Double,
                startTimeSeconds: Double, threads: Double, openFDs: Double, maxFDs: Double?) {
        self.cpuSecondsTotal = cpuSecondsTotal
        self.residentMemoryBytes = residentMemoryBytes
        self.virtualMemoryBytes = virtualMemoryBytes
        self.startTimeSeconds = startTimeSeconds
        self.threads = threads
        self.openFDs = openFDs
        self.maxFDs = maxFDs
    }

    /// Reads the calling process' figures from `/proc`.
    public static func current() throws(ProcessStatisticsError) -> ProcessStatistics {
        try read(
            processDirectory: "/proc/self", systemStatPath: "/proc/stat",
            clockTicksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))), pageSizeBytes: Double(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// Reads the figures from a `/proc/<pid>`-shaped directory (tests pass a fixture).
    public static func read(processDirectory: String, systemStatPath: String,
                            clockTicksPerSecond: Double, pageSizeBytes: Double) throws(ProcessStatisticsError) -> ProcessStatistics {
        let statPath = processDirectory + "/stat"
        let stat = try readText(statPath)
        // Field 2, the command name, is in parentheses and may itself contain spaces and
        // parentheses (`(a) b)`): the fixed fields start after the *last* ')' (proc(5)).
        guard let close = stat.lastIndex(of: ")") else {
            throw ProcessStatisticsError(path: statPath, message: "no ')' after the command name")
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state): field n is fields[n - 3].
        func field(_ number: Int) throws(ProcessStatisticsError) -> Double {
            guard fields.count > number - 3, let value = Double(fields[number - 3]) else {
                throw ProcessStatisticsError(path: statPath, message: "field \(number) missing or not a number")
            }
            return value
        }
        let utime = try field(14)
        let stime = try field(15)
        let threads = try field(20)
        let startTicks = try field(22)
        let vsize = try field(23)
        let rssPages = try field(24)

        let systemStat = try readText(systemStatPath)
        guard let btimeLine = systemStat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let bootTime = Double(btimeLine.dropFirst(6).trimmingCharacters(in: .whitespaces)) else {
            throw ProcessStatisticsError(path: systemStatPath, message: "no btime line")
        }

        let fdPath = processDirectory + "/fd"
        let openFDs: Int
        do {
            openFDs = try FileManager.default.contentsOfDirectory(atPath: fdPath).count
        } catch {
            throw ProcessStatisticsError(path: fdPath, message: "cannot list: \(error.localizedDescription)")
        }

        return ProcessStatistics(
            cpuSecondsTotal: (utime + stime) / clockTicksPerSecond,
            residentMemoryBytes: rssPages * pageSizeBytes,
            virtualMemoryBytes: vsize,
            startTimeSeconds: bootTime + startTicks / clockTicksPerSecond,
            threads: threads,
            openFDs: Double(openFDs),
            maxFDs: try maxOpenFiles(limitsPath: processDirectory + "/limits"))
    }

    /// The soft limit of the `Max open files` row; `nil` for `unlimited`.
    private static func maxOpenFiles(limitsPath: String) throws(ProcessStatisticsError) -> Double? {
        let limits = try readText(limitsPath)
        guard let row = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) else {
            throw ProcessStatisticsError(path: limitsPath, message: "no 'Max open files' row")
        }
        // `Max open files            1024                 524288               files`
        let columns = row.dropFirst("Max open files".count).split(separator: " ", omittingEmptySubsequences: true)
        guard let soft = columns.first else {
            throw ProcessStatisticsError(path: limitsPath, message: "'Max open files' row has no soft limit")
        }
        if soft == "unlimited" { return nil }
        guard let value = Double(soft) else {
            throw ProcessStatisticsError(path: limitsPath, message: "soft limit '\(soft)' is not a number")
        }
        return value
    }

    private static func readText(_ path: String) throws(ProcessStatisticsError) -> String {
        // /proc files report size 0: read to the end rather than trusting stat(2).
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ProcessStatisticsError(path: path, message: "cannot open")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.readToEnd() ?? Data()
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw ProcessStatisticsError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
    }
}

/// A `/proc` file the process statistics need could not be read or parsed.
public struct ProcessStatisticsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or directory involved.
    public var path: String
    /// What was wrong with it.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
