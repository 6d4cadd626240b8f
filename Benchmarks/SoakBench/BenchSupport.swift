#if canImport(Glibc)
import Glibc
#endif

/// Monotonic wall-clock seconds.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds the calling thread has used: unlike wall time, not inflated when other processes
/// share the cores, so single-core figures stay comparable on a busy 2-core machine.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds (user + system) this process has used so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

/// Runs `body` repeatedly until at least `minSeconds` have passed (after one warm-up call)
/// and returns the best thread-CPU seconds per call: the least disturbed run on a shared machine.
func bestSecondsPerCall(minSeconds: Double = 2, minCalls: Int = 5, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    var calls = 0
    let start = monotonicSeconds()
    while calls < minCalls || monotonicSeconds() - start < minSeconds {
        let t0 = threadCPUSeconds()
        body()
        best = min(best, threadCPUSeconds() - t0)
        calls += 1
    }
    return best
}

/// One printed benchmark line: our figure, its unit, and where known a peer's figure and the ratio.
func report(_ name: String, _ value: Double, _ unit: String, target: Double? = nil,
            peer: (name: String, value: Double)? = nil, higherIsBetter: Bool = true) {
    var line = name + String(repeating: " ", count: max(1, 52 - name.count)) + "\(format(value)) \(unit)"
    if let target {
        let met = higherIsBetter ? value >= target : value <= target
        line += "  [target \(higherIsBetter ? "≥" : "≤") \(format(target)): \(met ? "met" : "NOT met")]"
    }
    if let peer {
        let ratio = higherIsBetter ? value / peer.value : peer.value / value
        line += ratio >= 1 ? "  [\(peer.name) \(format(peer.value)): ×\(format(ratio)) better]"
            : "  [\(peer.name) \(format(peer.value)): ×\(format(1 / ratio)) worse]"
    }
    print(line)
}

func format(_ value: Double) -> String {
    if value.isNaN || value.isInfinite { return "\(value)" }
    let magnitude = abs(value)
    let digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
    var scaled = (value * pow10(digits)).rounded() / pow10(digits)
    if scaled == -0.0 { scaled = 0 }
    let text = digits == 0 ? String(Int64(scaled)) : String(scaled)
    return text
}

private func pow10(_ n: Int) -> Double { var r = 1.0; for _ in 0..<n { r *= 10 }; return r }

/// A benchmark that could not run, and why.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
