import SoakModel

/// The statements one flush runs inside its transaction.
extension SeriesStore {
    func writeUnstoredSeries() throws(StoreError) {
        let insert = try database.statement("INSERT INTO series (id, metric, labels) VALUES (?1, ?2, ?3)")
        for slot in unstoredSlots {
            let head = heads[slot]
            try insert.bind(head.id.rawValue, at: 1)
            try insert.bind(head.key.metric, at: 2)
            try insert.bind(LabelText.encode(head.key.labels), at: 3)
            try insert.run()
        }
    }

    func writeDirtyHeads() throws(StoreError) {
        let insertChunk = try database.statement(
            "INSERT INTO chunk (series_id, start_ms, end_ms, data) VALUES (?1, ?2, ?3, ?4)")
        let insertRollup = try database.statement(
            "INSERT INTO rollup_chunk (series_id, start_ms, end_ms, data) VALUES (?1, ?2, ?3, ?4)")
        let updateSeries = try database.statement(
            "UPDATE series SET sealed_end_ms = ?2, sealed_last_value = ?3 WHERE id = ?1")
        let upsertHead = try database.statement(
            "INSERT OR REPLACE INTO head_chunk (series_id, start_ms, end_ms, data) VALUES (?1, ?2, ?3, ?4)")
        let deleteHead = try database.statement("DELETE FROM head_chunk WHERE series_id = ?1")
        var timestamps: [Int64] = []
        var values: [Double] = []
        for slot in dirtySlots {
            let head = heads[slot]
            let id = head.id.rawValue
            for sealed in head.sealedUnflushed {
                timestamps.removeAll(keepingCapacity: true)
                values.removeAll(keepingCapacity: true)
                try ChunkDecoder.decode(sealed.bytes, appendingTo: &timestamps, values: &values)
                // Sealed chunks take the smaller of XOR and decimal coding; rollups follow suit.
                let coding = SealedChunkCoding(xorBytes: sealed.bytes, timestampsMs: timestamps, values: values)
                try insertChunk.bind(id, at: 1)
                try insertChunk.bind(sealed.startMs, at: 2)
                try insertChunk.bind(sealed.endMs, at: 3)
                try insertChunk.bind(coding.bytes, at: 4)
                try insertChunk.run()
                let rollup: [UInt8]?
                if let scaling = coding.scaling,
                   let buckets = RollupCodec.decimalBuckets(timestampsMs: timestamps, values: values, scaling: scaling) {
                    rollup = buckets.isEmpty ? nil : RollupCodec.encodeDecimal(buckets, scale: scaling.scale)
                } else {
                    let buckets = RollupCodec.buckets(timestampsMs: timestamps, values: values)
                    rollup = buckets.isEmpty ? nil : RollupCodec.encode(buckets)
                }
                if let rollup {
                    try insertRollup.bind(id, at: 1)
                    try insertRollup.bind(sealed.startMs, at: 2)
                    try insertRollup.bind(sealed.endMs, at: 3)
                    try insertRollup.bind(rollup, at: 4)
                    try insertRollup.run()
                }
            }
            if let last = head.sealedUnflushed.last {
                try updateSeries.bind(id, at: 1)
                try updateSeries.bind(last.endMs, at: 2)
                try updateSeries.bind(Int64(bitPattern: last.lastValueBits), at: 3)
                try updateSeries.run()
            }
            if head.encoder.count > 0 {
                try upsertHead.bind(id, at: 1)
                try upsertHead.bind(head.encoder.firstTimestampMs, at: 2)
                try upsertHead.bind(head.encoder.lastTimestampMs, at: 3)
                try upsertHead.bind(head.encoder.bytes(), at: 4)
                try upsertHead.run()
            } else if head.hasStoredHead {
                try deleteHead.bind(id, at: 1)
                try deleteHead.run()
            }
        }
    }
}
