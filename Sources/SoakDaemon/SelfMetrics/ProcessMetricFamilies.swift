/// The standard `process_*` family, written as Prometheus client libraries name it.
enum ProcessMetricFamilies {
    static let cpuSeconds = "process_cpu_seconds_total"
    static let residentMemory = "process_resident_memory_bytes"
    static let virtualMemory = "process_virtual_memory_bytes"
    static let startTime = "process_start_time_seconds"
    static let openFDs = "process_open_fds"
    static let maxFDs = "process_max_fds"
    static let threads = "process_threads"

    /// Every family name this type writes.
    static let names = [cpuSeconds, residentMemory, virtualMemory, startTime, openFDs, maxFDs, threads]

    /// Writes the families with client_golang's HELP texts. `process_max_fds` is absent when
    /// the limit is unlimited.
    static func write(_ statistics: ProcessStatistics, into writer: inout ExpositionTextWriter) {
        writer.family(cpuSeconds, type: .counter, help: "Total user and system CPU time spent in seconds.")
        writer.sample(cpuSeconds, value: statistics.cpuSecondsTotal)
        writer.family(openFDs, type: .gauge, help: "Number of open file descriptors.")
        writer.sample(openFDs, value: statistics.openFDs)
        if let max = statistics.maxFDs {
            writer.family(maxFDs, type: .gauge, help: "Maximum number of open file descriptors.")
            writer.sample(maxFDs, value: max)
        }
        writer.family(virtualMemory, type: .gauge, help: "Virtual memory size in bytes.")
        writer.sample(virtualMemory, value: statistics.virtualMemoryBytes)
        writer.family(residentMemory, type: .gauge, help: "Resident memory size in bytes.")
        writer.sample(residentMemory, value: statistics.residentMemoryBytes)
        writer.family(startTime, type: .gauge, help: "Start time of the process since unix epoch in seconds.")
        writer.sample(startTime, value: statistics.startTimeSeconds)
        writer.family(threads, type: .gauge, help: "Number of OS threads in the process.")
        writer.sample(threads, value: statistics.threads)
    }
}
