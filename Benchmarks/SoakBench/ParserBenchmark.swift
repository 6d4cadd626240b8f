/// Parser benchmarks: filled in by the issue that builds the Parser (see BENCHMARKS.md).
func runParserBenchmarks(arguments: [String]) {
    print("Parser: no benchmarks yet")
}
