#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What one whole-process run of a command cost: wall time, its own CPU time (`wait4`'s rusage
/// of exactly that child), peak RSS, its exit status and what it printed.
///
/// Peak RSS is the child's `VmHWM` from /proc, read every 2 ms until it exits, not rusage's
/// `ru_maxrss`: Linux carries the high-water mark of the memory a process had before `exec` into
/// it, so a spawned child would report the benchmark's own RSS (hundreds of MB of test input).
struct MeasuredChildRun {
    var wallSeconds: Double
    var cpuSeconds: Double
    var maxRSSBytes: Double
    var exitStatus: Int32
    var output: String

    /// Runs `path` with `arguments` (stdout and stderr into one temporary file, standard input
    /// from `inputPath` or /dev/null) and waits.
    static func run(_ path: String, _ arguments: [String], inputPath: String = "/dev/null") throws -> MeasuredChildRun {
        let outputPath = "/tmp/soakbench-child-\(getpid())-\(Int(monotonicSeconds() * 1e6)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let start = monotonicSeconds()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        var peakKiB = 0.0
        while true {
            if let hwm = residentHighWaterKiB(pid) { peakKiB = max(peakKiB, hwm) }
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            usleep(2_000)
        }
        let wall = monotonicSeconds() - start
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return MeasuredChildRun(wallSeconds: wall, cpuSeconds: cpu, maxRSSBytes: peakKiB * 1024,
                                exitStatus: exited, output: output)
    }
}

/// `VmHWM` (peak resident set of the current program image) of `pid`, in KiB.
private func residentHighWaterKiB(_ pid: pid_t) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    return Double(String(line.dropFirst("VmHWM:".count).filter(\.isNumber)))
}

/// `name` in the folder of the running executable (`.build/release/soak` beside SoakBench).
func siblingExecutable(_ name: String) -> String {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name).path
}

/// The machine the figures come from: CPU model, online cores and the load when measured.
func machineDescription() -> String {
    "\(cpuModel()), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores online, load average \(loadAverageText())"
}
