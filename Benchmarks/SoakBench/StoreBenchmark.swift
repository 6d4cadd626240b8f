/// Store benchmarks: filled in by the issue that builds the Store (see BENCHMARKS.md).
func runStoreBenchmarks(arguments: [String]) {
    print("Store: no benchmarks yet")
}
