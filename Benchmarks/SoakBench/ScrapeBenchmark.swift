/// Scrape benchmarks: filled in by the issue that builds the Scrape (see BENCHMARKS.md).
func runScrapeBenchmarks(arguments: [String]) {
    print("Scrape: no benchmarks yet")
}
