/// Counters of a running ``Scraper``, for the daemon's self-monitoring and the benchmark.
public struct ScraperStatistics: Sendable, Hashable {
    public var scrapesCompleted = 0
    public var scrapesFailed = 0
    /// Beats skipped because the previous scrape of the same target was still running
    /// (scrapes of one target never overlap, as in Prometheus), or because the scrape thread
    /// reached them more than half an interval late (CPU starvation: load is shed, not queued).
    public var beatsSkipped = 0
    /// TCP connections opened; far below `scrapesCompleted` when connections are reused.
    public var connectionsOpened = 0
    /// CPU seconds the scrape loop thread has used (libcurl, parsing, relabeling, callbacks).
    public var loopCPUSeconds = 0.0
    public var targets = 0

    public init() {}
}
