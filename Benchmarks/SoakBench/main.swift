// `make bench`: release-build figures for each module, printed beside the peers' where known.
// `SoakBench parser store` runs only the named groups; no argument runs all.
let groups: [(name: String, run: ([String]) -> Void)] = [
    ("parser", runParserBenchmarks),
    ("store", runStoreBenchmarks),
    // `soak lint` as a whole process on ≥ 100 MB of real dumps, beside `promtool check metrics`.
    ("lint", runLintBenchmarks),
    ("detector", runDetectorBenchmarks),
    ("scrape", runScrapeBenchmarks),
    // The monitor's own footprint: the release `soak run` as a child process, 10 minutes by default.
    ("footprint", runFootprintBenchmarks),
]
let requested = Array(CommandLine.arguments.dropFirst())
let selected = requested.isEmpty ? groups.map(\.name) : requested.filter { !$0.hasPrefix("-") }
print("SoakBench — release build, one core unless said otherwise")
for group in groups where selected.contains(group.name) {
    print("\n== \(group.name)")
    group.run(requested)
}
