/// Scrape health, markers and metric metadata: written with the next flush, readable at once.
extension SeriesStore {
    /// Records one scrape's outcome (durable with the next flush).
    public func record(_ health: ScrapeHealth) {
        unflushedHealth.append(health)
    }

    /// Records a restart, version change or other event (durable with the next flush).
    public func record(_ marker: Marker) {
        unflushedMarkers.append(marker)
    }

    /// Records a family's type/help/unit; the latest call per name wins.
    public func setMetricFamily(_ family: StoredMetricFamily) {
        guard families[family.name] != family else { return }
        families[family.name] = family
        unflushedFamilies.append(family)
    }

    /// Metadata of every family seen, by family name.
    public var metricFamilies: [String: StoredMetricFamily] { families }

    /// Scrape health rows with `fromMs <= time <= toMs`, optionally of one target, in time order.
    public func scrapeHealth(target: String? = nil, fromMs: Int64 = .min, toMs: Int64 = .max) throws(StoreError) -> [ScrapeHealth] {
        let query = try database.statement("""
            SELECT target, time_ms, up, duration_seconds, samples_scraped, error FROM scrape_health
            WHERE time_ms BETWEEN ?1 AND ?2 AND (?3 IS NULL OR target = ?3) ORDER BY time_ms, id
            """)
        defer { query.reset() }
        try query.bind(fromMs, at: 1)
        try query.bind(toMs, at: 2)
        try query.bind(target, at: 3)
        var rows: [ScrapeHealth] = []
        while try query.step() {
            rows.append(ScrapeHealth(target: query.text(at: 0) ?? "", timestampMs: query.int64(at: 1), up: query.int64(at: 2) != 0,
                                     durationSeconds: query.double(at: 3), samplesScraped: Int(query.int64(at: 4)),
                                     error: query.text(at: 5)))
        }
        rows += unflushedHealth.filter {
            $0.timestampMs >= fromMs && $0.timestampMs <= toMs && (target == nil || $0.target == target)
        }
        return rows.sortedStably { $0.timestampMs < $1.timestampMs }
    }

    /// Markers with `fromMs <= time <= toMs`, optionally of one target and kind, in time order:
    /// what a version comparison or a report's timeline needs.
    public func markers(target: String? = nil, kind: Marker.Kind? = nil, fromMs: Int64 = .min,
                        toMs: Int64 = .max) throws(StoreError) -> [Marker] {
        let query = try database.statement("""
            SELECT kind, target, time_ms, detail FROM marker
            WHERE time_ms BETWEEN ?1 AND ?2 AND (?3 IS NULL OR target = ?3) AND (?4 IS NULL OR kind = ?4)
            ORDER BY time_ms, id
            """)
        defer { query.reset() }
        try query.bind(fromMs, at: 1)
        try query.bind(toMs, at: 2)
        try query.bind(target, at: 3)
        try query.bind(kind?.storedName, at: 4)
        var rows: [Marker] = []
        while try query.step() {
            rows.append(Marker(kind: Marker.Kind(storedName: query.text(at: 0) ?? ""), target: query.text(at: 1) ?? "",
                               timestampMs: query.int64(at: 2), detail: query.text(at: 3) ?? ""))
        }
        rows += unflushedMarkers.filter {
            $0.timestampMs >= fromMs && $0.timestampMs <= toMs && (target == nil || $0.target == target)
                && (kind == nil || $0.kind == kind)
        }
        return rows.sortedStably { $0.timestampMs < $1.timestampMs }
    }

    func writeFamilies() throws(StoreError) {
        let upsert = try database.statement("""
            INSERT INTO metric_family (name, type, help, unit) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (name) DO UPDATE SET type = excluded.type, help = excluded.help, unit = excluded.unit
            """)
        for family in unflushedFamilies {
            try upsert.bind(family.name, at: 1)
            try upsert.bind(family.type, at: 2)
            try upsert.bind(family.help, at: 3)
            try upsert.bind(family.unit, at: 4)
            try upsert.run()
        }
    }

    func writeHealthAndMarkers() throws(StoreError) {
        let insertHealth = try database.statement("""
            INSERT INTO scrape_health (target, time_ms, up, duration_seconds, samples_scraped, error)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        for health in unflushedHealth {
            try insertHealth.bind(health.target, at: 1)
            try insertHealth.bind(health.timestampMs, at: 2)
            try insertHealth.bind(Int64(health.up ? 1 : 0), at: 3)
            try insertHealth.bind(health.durationSeconds, at: 4)
            try insertHealth.bind(Int64(health.samplesScraped), at: 5)
            try insertHealth.bind(health.error, at: 6)
            try insertHealth.run()
        }
        let insertMarker = try database.statement(
            "INSERT INTO marker (kind, target, time_ms, detail) VALUES (?1, ?2, ?3, ?4)")
        for marker in unflushedMarkers {
            try insertMarker.bind(marker.kind.storedName, at: 1)
            try insertMarker.bind(marker.target, at: 2)
            try insertMarker.bind(marker.timestampMs, at: 3)
            try insertMarker.bind(marker.detail, at: 4)
            try insertMarker.run()
        }
    }
}

extension Array {
    /// A stable sort (the standard library's `sort` is not guaranteed stable).
    fileprivate func sortedStably(by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
        enumerated().sorted { lhs, rhs in
            areInIncreasingOrder(lhs.element, rhs.element)
                || (!areInIncreasingOrder(rhs.element, lhs.element) && lhs.offset < rhs.offset)
        }.map(\.element)
    }
}
