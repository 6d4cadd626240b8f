import SoakModel

/// Opening: series, open chunks and metadata back into memory.
extension SeriesStore {
    /// Reads series, open chunks and metadata back into memory.
    func load() throws(StoreError) {
        let seriesRows = try database.statement(
            "SELECT id, metric, labels, sealed_end_ms, sealed_last_value FROM series ORDER BY id")
        defer { seriesRows.reset() }
        while try seriesRows.step() {
            let id = SeriesID(rawValue: seriesRows.int64(at: 0))
            let labelText = seriesRows.text(at: 2) ?? ""
            guard id.rawValue > 0, id.rawValue < Int64(Int32.max), let labels = LabelText.decode(labelText) else {
                throw StoreError(kind: .corrupt, message: "series row \(id.rawValue) has a bad id or label text", path: path)
            }
            var head = SeriesHead(id: id, key: SeriesKey(metric: seriesRows.text(at: 1) ?? "", labels: labels), isStored: true)
            if !seriesRows.isNull(at: 3) {
                head.lastTimestampMs = seriesRows.int64(at: 3)
                head.committedSealedEndMs = seriesRows.int64(at: 3)
                head.lastValueBits = UInt64(bitPattern: seriesRows.int64(at: 4))
            }
            addSlot(head)
        }
        let headRows = try database.statement("SELECT series_id, data FROM head_chunk")
        defer { headRows.reset() }
        var timestamps: [Int64] = []
        var values: [Double] = []
        while try headRows.step() {
            guard let slot = slot(of: SeriesID(rawValue: headRows.int64(at: 0))) else { continue }
            timestamps.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            do {
                try ChunkDecoder.decode(headRows.blob(at: 1), appendingTo: &timestamps, values: &values)
            } catch {
                throw StoreError(kind: .corrupt, message: "open chunk of series \(heads[slot].key): \(error.message)", path: path)
            }
            // Re-encode so appending continues the same chunk; the checks also drop anything a
            // damaged row might hold out of order.
            for index in timestamps.indices {
                _ = heads[slot].append(timestampMs: timestamps[index], value: values[index],
                                       chunkSpanMs: configuration.chunkSpanMs, maxSamplesPerChunk: Int.max)
            }
            heads[slot].hasStoredHead = true
            // Normally the restored chunk fits one window; if the configured span shrank, the
            // part that no longer fits was sealed and is written by the next flush.
            heads[slot].isDirty = !heads[slot].sealedUnflushed.isEmpty
            if heads[slot].isDirty { dirtySlots.append(slot) }
        }
        for head in heads { if let last = head.lastTimestampMs, last > newestTimestampMs { newestTimestampMs = last } }
        let familyRows = try database.statement("SELECT name, type, help, unit FROM metric_family")
        defer { familyRows.reset() }
        while try familyRows.step() {
            let family = StoredMetricFamily(name: familyRows.text(at: 0) ?? "", type: familyRows.text(at: 1) ?? "unknown",
                                            help: familyRows.text(at: 2), unit: familyRows.text(at: 3))
            families[family.name] = family
        }
    }
}
