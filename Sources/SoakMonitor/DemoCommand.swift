import SoakDemo
import ArgumentParser
import Foundation
import Logging
import SoakDaemon

/// `soak demo`: the real pipeline against in-process leaking and healthy exporters.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Shows SoakMonitor find leaks in two minutes, with no cluster.",
        discussion: """
        Serves three exporters on 127.0.0.1 (a kube-apiserver-like one leaking memory under a GC
        sawtooth, a kubelet-like one leaking file descriptors and goroutines, a healthy etcd-like
        one that warms up) and monitors them with the pipeline `soak run` uses: libcurl scrapes
        every second, a SQLite database it names, the detector's time-compressed preset (a
        minute here stands for an hour of a cluster), the outbox with a terminal alert hook, and
        the HTTP API. A live view shows targets, series and each detector's state; a summary of
        what was found and when closes the run.
        """
    )

    @Option(help: "How long to run, in seconds.")
    var seconds: Double = 110

    @Option(help: "Directory for the demo's database and configuration (default: a new temporary one).")
    var directory: String?

    @Flag(help: "Print a status block every 15 s instead of redrawing the screen.")
    var plain = false

    func run() async throws {
        var logger = Logger(label: "soak.demo")
        logger.logLevel = .warning
        var session = DemoSession(directory: directory.map { URL(fileURLWithPath: $0) },
                                  interactive: !plain && isatty(STDOUT_FILENO) == 1,
                                  write: { text in FileHandle.standardOutput.write(Data(text.utf8)) })
        session.durationSeconds = seconds
        let findings = try await session.run(logger: logger)
        if !findings.contains(where: { $0.firstAlertAt != nil }) {
            FileHandle.standardError.write(Data("soak demo: no leak was found in \(Int(seconds)) s\n".utf8))
            throw ExitCode(1)
        }
    }
}
