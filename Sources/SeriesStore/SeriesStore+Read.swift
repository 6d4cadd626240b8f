/// Reading samples and rollups back.
extension SeriesStore {
    /// Series whose keys satisfy `selector`, in id order.
    public func series(matching selector: SeriesSelector) -> [SeriesRef] {
        let candidates: [Int]
        if let metric = selector.exactMetricName {
            candidates = slotsByMetric[metric] ?? []
        } else {
            candidates = Array(heads.indices)
        }
        return candidates.compactMap { slot in
            let head = heads[slot]
            return selector.matches(head.key) ? SeriesRef(id: head.id, key: head.key) : nil
        }
    }

    /// Raw samples of one series with `fromMs <= t <= toMs`: stored chunks, then chunks sealed
    /// since the last flush, then the open chunk. The fast path for a long range of one series.
    public func samples(of id: SeriesID, fromMs: Int64 = .min, toMs: Int64 = .max) throws(StoreError) -> SeriesSamples {
        guard let slot = slot(of: id) else {
            throw StoreError(kind: .invalidArgument, message: "no series \(id)", path: path)
        }
        let head = heads[slot]
        var result = SeriesSamples(series: SeriesRef(id: head.id, key: head.key))
        guard fromMs <= toMs else { return result }
        if head.isStored {
            let query = try database.statement(
                "SELECT data FROM chunk WHERE series_id = ?1 AND start_ms <= ?3 AND end_ms >= ?2 ORDER BY start_ms")
            defer { query.reset() }
            try query.bind(id.rawValue, at: 1)
            try query.bind(fromMs, at: 2)
            try query.bind(toMs, at: 3)
            while try query.step() {
                try decode(query.blob(at: 0), into: &result)
            }
        }
        try appendInMemorySamples(of: head, fromMs: fromMs, toMs: toMs, to: &result)
        trim(&result, fromMs: fromMs, toMs: toMs)
        return result
    }

    /// Decodes the chunks only memory holds: sealed since the last flush, and the open one.
    private func appendInMemorySamples(of head: SeriesHead, fromMs: Int64, toMs: Int64,
                                       to result: inout SeriesSamples) throws(StoreError) {
        for sealed in head.sealedUnflushed where sealed.startMs <= toMs && sealed.endMs >= fromMs {
            try decode(sealed.bytes, into: &result)
        }
        if head.encoder.count > 0 && head.encoder.firstTimestampMs <= toMs && head.encoder.lastTimestampMs >= fromMs {
            try decode(head.encoder.bytes(), into: &result)
        }
    }

    /// Raw samples of every series matching `selector` that has samples in the range.
    public func samples(matching selector: SeriesSelector, fromMs: Int64 = .min, toMs: Int64 = .max) throws(StoreError) -> [SeriesSamples] {
        var out: [SeriesSamples] = []
        for ref in series(matching: selector) {
            let samples = try samples(of: ref.id, fromMs: fromMs, toMs: toMs)
            if samples.count > 0 { out.append(samples) }
        }
        return out
    }

    /// Calls `body` with the samples in the range of every series, one series at a time, in id
    /// order: the daemon's restart path to rebuild detector state from recent history.
    public func forEachSeriesSamples(fromMs: Int64, toMs: Int64 = .max,
                                     _ body: (SeriesSamples) throws(StoreError) -> Void) throws(StoreError) {
        for head in heads {
            let samples = try samples(of: head.id, fromMs: fromMs, toMs: toMs)
            if samples.count > 0 { try body(samples) }
        }
    }

    /// Per-step min/max/mean/count of every matching series, for charts.
    ///
    /// Steps are windows `[k·stepMs, (k+1)·stepMs)` aligned to the epoch. When the step is a
    /// multiple of 5 minutes, each step is exactly a set of whole 5-minute buckets, so the stored
    /// rollups of every committed chunk are used (30 days of one series: 360 small rows instead of
    /// 172,800 samples) and only what memory holds is aggregated raw; sums then add per bucket,
    /// which may differ from a sample-by-sample sum in the last bits. Otherwise raw samples are
    /// aggregated where they still exist and, before the oldest raw chunk (dropped by retention),
    /// the 5-minute rollups are folded in by bucket start (5-minute resolution there).
    /// NaN samples are not counted.
    public func rollups(matching selector: SeriesSelector, fromMs: Int64, toMs: Int64,
                        stepMs: Int64) throws(StoreError) -> [SeriesRollups] {
        guard stepMs > 0 else {
            throw StoreError(kind: .invalidArgument, message: "stepMs must be positive, got \(stepMs)", path: path)
        }
        let wholeBuckets = stepMs % StoreConfiguration.rollupBucketMs == 0
        var out: [SeriesRollups] = []
        for ref in series(matching: selector) {
            var steps: [RollupBucket] = []
            let slot = slot(of: ref.id)!
            // Raw from here on; stored rollups before it.
            let rawStart: Int64
            if wholeBuckets, let sealedEnd = heads[slot].committedSealedEndMs {
                rawStart = sealedEnd == .max ? .max : sealedEnd + 1
            } else {
                rawStart = try oldestRawTimestampMs(of: ref.id)
            }
            if rawStart > fromMs {
                let query = try database.statement(
                    "SELECT data FROM rollup_chunk WHERE series_id = ?1 AND start_ms < ?3 AND end_ms >= ?2 ORDER BY start_ms")
                defer { query.reset() }
                try query.bind(ref.id.rawValue, at: 1)
                try query.bind(fromMs, at: 2)
                try query.bind(rawStart, at: 3)
                while try query.step() {
                    let buckets: [RollupBucket]
                    do { buckets = try RollupCodec.decode(query.blob(at: 0)) } catch { throw withPath(error) }
                    for bucket in buckets where bucket.startMs >= fromMs && bucket.startMs <= toMs && bucket.startMs < rawStart {
                        fold(bucket, stepMs: stepMs, into: &steps)
                    }
                }
            }
            if rawStart <= toMs {
                var raw = SeriesSamples(series: ref)
                if wholeBuckets && heads[slot].committedSealedEndMs != nil {
                    try appendInMemorySamples(of: heads[slot], fromMs: max(fromMs, rawStart), toMs: toMs, to: &raw)
                    trim(&raw, fromMs: max(fromMs, rawStart), toMs: toMs)
                } else {
                    raw = try samples(of: ref.id, fromMs: max(fromMs, rawStart), toMs: toMs)
                }
                for index in 0..<raw.count where !raw.values[index].isNaN {
                    let value = raw.values[index]
                    fold(RollupBucket(startMs: raw.timestampsMs[index], min: value, max: value, sum: value, count: 1),
                         stepMs: stepMs, into: &steps)
                }
            }
            if !steps.isEmpty { out.append(SeriesRollups(series: ref, buckets: steps)) }
        }
        return out
    }

    /// The first timestamp still held raw (stored chunk, unflushed chunk or head); `.max` if none.
    func oldestRawTimestampMs(of id: SeriesID) throws(StoreError) -> Int64 {
        guard let slot = slot(of: id) else { return .max }
        if heads[slot].isStored {
            let query = try database.statement("SELECT start_ms FROM chunk WHERE series_id = ?1 ORDER BY start_ms LIMIT 1")
            defer { query.reset() }
            try query.bind(id.rawValue, at: 1)
            if try query.step() { return query.int64(at: 0) }
        }
        if let sealed = heads[slot].sealedUnflushed.first { return sealed.startMs }
        if heads[slot].encoder.count > 0 { return heads[slot].encoder.firstTimestampMs }
        return .max
    }

    private func fold(_ bucket: RollupBucket, stepMs: Int64, into steps: inout [RollupBucket]) {
        let start = floorToMultiple(bucket.startMs, of: stepMs)
        if steps.last?.startMs != start { steps.append(.empty(at: start)) }
        steps[steps.count - 1].merge(bucket)
    }

    private func decode(_ blob: [UInt8], into result: inout SeriesSamples) throws(StoreError) {
        do {
            try ChunkDecoder.decode(blob, appendingTo: &result.timestampsMs, values: &result.values)
        } catch {
            throw withPath(error)
        }
    }

    private func decode(_ blob: UnsafeRawBufferPointer, into result: inout SeriesSamples) throws(StoreError) {
        do {
            try ChunkDecoder.decode(blob, appendingTo: &result.timestampsMs, values: &result.values)
        } catch {
            throw withPath(error)
        }
    }

    func withPath(_ error: StoreError) -> StoreError {
        var error = error
        if error.path.isEmpty { error.path = path }
        return error
    }

    /// Drops samples outside `[fromMs, toMs]` (only the first and last chunk can hold any).
    private func trim(_ result: inout SeriesSamples, fromMs: Int64, toMs: Int64) {
        let times = result.timestampsMs
        guard let first = times.first, let last = times.last, first < fromMs || last > toMs else { return }
        let lower = partitionPoint(times) { $0 >= fromMs }
        let upper = partitionPoint(times) { $0 > toMs }
        result.timestampsMs = Array(times[lower..<max(lower, upper)])
        result.values = Array(result.values[lower..<max(lower, upper)])
    }

    /// The first index whose element satisfies `predicate` (which is monotone over `sorted`).
    private func partitionPoint(_ sorted: [Int64], _ predicate: (Int64) -> Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if predicate(sorted[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
