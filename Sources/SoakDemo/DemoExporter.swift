import SoakDaemon
import Foundation
import LeakDetection
import LeakEvaluation

/// One of `soak demo`'s in-process exporters: a make-believe cluster component whose
/// `/metrics` is computed from the demo clock, on the compressed time scale the detector's
/// `timeCompressed` preset expects (a minute of demo is an hour of cluster life).
///
/// The shapes are the ones an operator meets: a Go heap that leaks under its GC sawtooth, a
/// component that leaks file descriptors and goroutines, and a healthy one that warms up
/// (fills its caches) and then only wobbles. Nothing about the verdict is scripted: the values
/// go through libcurl, the parser, the store and the detector like any scrape.
public struct DemoExporter: Sendable {
    /// How the component behaves.
    public enum Behaviour: String, Sendable, CaseIterable {
        /// `kube-apiserver`-like: RSS and heap floors rise under a GC sawtooth.
        case memoryLeakUnderSawtooth = "memory-leak"
        /// `kubelet`-like: open fds and goroutines drift upwards, with churn.
        case descriptorAndGoroutineLeak = "fd-goroutine-leak"
        /// `etcd`-like: warms up (caches fill, then stop), then noise only.
        case healthyWithWarmUp = "healthy"
    }

    public let behaviour: Behaviour
    /// The `job` a scrape config gives this exporter.
    public let job: String
    /// The version the exporter reports in its build-info metric.
    public let version: String
    /// Unix seconds at which the "process" started (`process_start_time_seconds`).
    public let processStartSeconds: Double
    private let seed: UInt64

    public init(behaviour: Behaviour, job: String, version: String, processStartSeconds: Double, seed: UInt64) {
        self.behaviour = behaviour
        self.job = job
        self.version = version
        self.processStartSeconds = processStartSeconds
        self.seed = seed
    }

    /// The three exporters of the demo.
    public static func standardSet(startSeconds: Double) -> [DemoExporter] {
        [
            DemoExporter(behaviour: .memoryLeakUnderSawtooth, job: "kube-apiserver", version: "v1.31.2",
                         processStartSeconds: startSeconds, seed: 11),
            DemoExporter(behaviour: .descriptorAndGoroutineLeak, job: "kubelet", version: "v1.31.2",
                         processStartSeconds: startSeconds, seed: 22),
            DemoExporter(behaviour: .healthyWithWarmUp, job: "etcd", version: "3.5.16",
                         processStartSeconds: startSeconds, seed: 33),
        ]
    }

    /// The exposition (Prometheus text 0.0.4) `elapsedSeconds` after the process started.
    /// Deterministic for a given exporter and time, so tests can check exact values.
    public func exposition(elapsedSeconds t: Double) -> String {
        var rng = SeededGenerator(seed: seed &+ UInt64(max(0, t * 1000)))
        let values = sample(at: max(0, t), rng: &rng)
        var out = ""
        out.reserveCapacity(2048)
        func gauge(_ name: String, _ help: String, _ value: Double) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name) \(format(value))\n"
        }
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", values.residentBytes)
        gauge("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.", values.heapInUseBytes)
        gauge("process_open_fds", "Number of open file descriptors.", values.openFDs)
        gauge("process_max_fds", "Maximum number of open file descriptors.", 1024)
        gauge("go_goroutines", "Number of goroutines that currently exist.", values.goroutines)
        gauge("go_threads", "Number of OS threads created.", values.threads)
        gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", processStartSeconds)
        out += "# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.\n"
        out += "# TYPE go_gc_duration_seconds summary\n"
        out += "go_gc_duration_seconds{quantile=\"0.5\"} 0.000112\ngo_gc_duration_seconds_sum \(format(t / 3 * 0.00012))\n"
        out += "go_gc_duration_seconds_count \(Int(t / 3))\n"
        switch behaviour {
        case .healthyWithWarmUp:
            out += "# HELP etcd_server_version Which version is running. 1 for 'server_version' label with current version.\n"
            out += "# TYPE etcd_server_version gauge\netcd_server_version{server_version=\"\(version)\"} 1\n"
        default:
            out += "# HELP kubernetes_build_info A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.\n"
            out += "# TYPE kubernetes_build_info gauge\n"
            out += "kubernetes_build_info{git_version=\"\(version)\",go_version=\"go1.22.8\",major=\"1\",minor=\"31\",platform=\"linux/amd64\"} 1\n"
        }
        return out
    }

    /// When the leaking exporters' leaks begin, seconds after the process started (20 minutes of
    /// cluster time on the compressed scale).
    static let leakOnsetSeconds = 20.0

    /// The numbers behind one exposition.
    struct Values {
        var residentBytes: Double
        var heapInUseBytes: Double
        var openFDs: Double
        var goroutines: Double
        var threads: Double
    }

    func sample(at t: Double, rng: inout SeededGenerator) -> Values {
        let mebibyte = 1_048_576.0
        // A GC cycle every 3 s: the heap climbs from its floor and drops back. Every 5-s bucket
        // of the compressed detector holds a trough, so its minimum is the post-GC floor.
        let gcPhase = t.truncatingRemainder(dividingBy: 3) / 3
        switch behaviour {
        case .memoryLeakUnderSawtooth:
            // From `leakOnsetSeconds` on, the floor rises 5 % of its start per minute of demo
            // (5 %/h of cluster time × 60), under a 40 MiB sawtooth: the swing dwarfs a minute of
            // leak, the floor does not lie. The leak starts after a steady stretch (a workload
            // that begins later): growth from the very first sample could still be a slow warm-up
            // for the first hours, and the detector rightly waits on it longer than the demo runs.
            let floor = 180 * mebibyte * (1 + 0.05 * max(0, t - Self.leakOnsetSeconds) / 60)
            return Values(residentBytes: pages(floor + 40 * mebibyte * gcPhase + rng.normal() * 0.5 * mebibyte),
                          heapInUseBytes: pages(floor * 0.55 + 30 * mebibyte * gcPhase + rng.normal() * 0.5 * mebibyte),
                          openFDs: 48 + rng.poisson(2), goroutines: 410 + rng.poisson(6), threads: 17)
        case .descriptorAndGoroutineLeak:
            // 7.5 % of the level per minute: fast for a cluster (7.5 %/h), yet below the rate the
            // detector takes for warm-up in a young process.
            let leaking = max(0, t - Self.leakOnsetSeconds)
            let leakedFDs = (leaking * 0.25).rounded(.down)
            let leakedGoroutines = (leaking * 0.5).rounded(.down)
            return Values(residentBytes: pages(95 * mebibyte + 12 * mebibyte * gcPhase + rng.normal() * mebibyte),
                          heapInUseBytes: pages(52 * mebibyte + 10 * mebibyte * gcPhase),
                          openFDs: 200 + leakedFDs + rng.poisson(3), goroutines: 400 + leakedGoroutines + rng.poisson(8),
                          threads: 21)
        case .healthyWithWarmUp:
            // Caches fill within the first half minute and then stop: decelerating growth.
            let warm = 1 - exp(-t / 6)
            let floor = 120 * mebibyte * (1 + 0.35 * warm)
            return Values(residentBytes: pages(floor + 25 * mebibyte * gcPhase + rng.normal() * 2 * mebibyte),
                          heapInUseBytes: pages(floor * 0.5 + 20 * mebibyte * gcPhase),
                          openFDs: 35 + (20 * warm).rounded() + rng.poisson(4), goroutines: 180 + (60 * warm).rounded() + rng.poisson(5),
                          threads: 12)
        }
    }

    /// Memory comes in 4 KiB pages.
    private func pages(_ bytes: Double) -> Double { (bytes / 4096).rounded() * 4096 }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
