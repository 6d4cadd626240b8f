/// Detector benchmarks: filled in by the issue that builds the Detector (see BENCHMARKS.md).
func runDetectorBenchmarks(arguments: [String]) {
    print("Detector: no benchmarks yet")
}
