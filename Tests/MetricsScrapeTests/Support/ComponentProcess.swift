import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import MetricsScrape

/// A real component (etcd, node-exporter, prometheus) started by a test in its own process
/// group, with output captured to a log file, and stopped with its whole group.
///
/// A missing binary fails the test with the package to install: nothing is skipped silently.
final class ComponentProcess {
    let name: String
    let pid: pid_t
    let logPath: String
    private var stopped = false

    /// Starts `executable` with `arguments`; throws when the binary is missing or cannot start.
    init(name: String, executable: String, arguments: [String], logDirectory: URL,
         debianPackage: String, environment: [String: String] = [:]) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestFailure("\(executable) not found: install the Debian package \(debianPackage) (make deps-test does)")
        }
        self.name = name
        logPath = logDirectory.appendingPathComponent("\(name).log").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group: stop() signals the group, so helpers a component forks die too.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(status)))") }
        pid = child
    }

    deinit { stop() }

    /// The last lines of the component's output, for failure messages.
    var logTail: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// True while the process has not exited.
    var isRunning: Bool {
        guard !stopped else { return false }
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// SIGTERM to the group, up to 5 s grace, then SIGKILL; reaps the child.
    func stop() {
        guard !stopped else { return }
        stopped = true
        kill(-pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) != 0 { kill(-pid, SIGKILL); return }
            usleep(50_000)
        }
        kill(-pid, SIGKILL)
        waitpid(pid, &status, 0)
    }

    /// Waits until `url` answers a scrape with up=1, failing with the component's log otherwise.
    func waitUntilScrapeable(_ target: ScrapeTarget, timeoutSeconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var last: ScrapeResult?
        while Date() < deadline {
            guard isRunning else { throw TestFailure("\(name) exited early:\n\(logTail)") }
            last = Scraper.scrapeOnce([target])[0]
            if last?.up == true { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw TestFailure("\(name) not scrapeable after \(timeoutSeconds)s: \(String(describing: last?.error))\n\(logTail)")
    }
}

/// Runs a command to completion (openssl), failing with its output when it does not exit 0.
@discardableResult
func runCommand(_ executable: String, _ arguments: [String], in directory: URL, debianPackage: String) throws -> String {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw TestFailure("\(executable) not found: install the Debian package \(debianPackage)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed:\n\(text)")
    }
    return text
}
