/// One closed time bucket of a series: its least-squares moments and its floor (minimum).
///
/// The floor is what a leak moves: under a GC sawtooth the peaks depend on allocation rate and
/// collector timing, while the trough after each collection is the live heap.
struct BucketSummary: Sendable {
    /// Moments of every sample that fell in the bucket (times in seconds since the segment origin).
    var moments: TrendMoments
    /// The smallest value in the bucket.
    var floorValue: Double
    /// Time of the bucket's first sample (seconds since the segment origin): where a window starts.
    var firstTime: Double
    /// Centre time of the bucket's samples (seconds since the segment origin); the floor's x.
    var time: Double { moments.meanTime }

    /// The bucket's mean (`means` true) or its floor.
    func level(means: Bool) -> Double { means ? moments.meanValue : floorValue }
}

/// A fixed-capacity ring of the most recent closed buckets of one segment, oldest first.
///
/// Its storage is allocated once per series (capacity = the longest window) and never grows,
/// which is what bounds per-series memory and the cost of the rank statistics.
struct BucketRing: Sendable {
    private var storage: [BucketSummary]
    private var head = 0
    /// Number of buckets held (≤ capacity).
    private(set) var count = 0
    let capacity: Int
    /// When true the judged level of a bucket is its mean rather than its minimum (memory
    /// without a GC sawtooth; see ``DetectorConfiguration/chooseMemoryLevel``).
    var judgesMeans = false

    init(capacity: Int) {
        self.capacity = capacity
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// The i-th bucket, 0 = oldest.
    subscript(i: Int) -> BucketSummary {
        let slot = head + i
        return storage[slot < capacity ? slot : slot - capacity]
    }

    /// The judged level of the i-th bucket, 0 = oldest: its floor, or its mean when
    /// ``judgesMeans``.
    func floor(_ i: Int) -> Double { self[i].level(means: judgesMeans) }

    /// Appends a bucket; when full, returns the evicted oldest one.
    mutating func append(_ bucket: BucketSummary) -> BucketSummary? {
        if storage.count < capacity {
            storage.append(bucket)
            count += 1
            return nil
        }
        if count < capacity {
            storage[(head + count) % capacity] = bucket
            count += 1
            return nil
        }
        let evicted = storage[head]
        storage[head] = bucket
        head = head + 1 == capacity ? 0 : head + 1
        return evicted
    }

    /// Forgets every bucket but keeps the storage (a new segment starts).
    mutating func removeAll() {
        head = 0
        count = 0
        judgesMeans = false
        storage.removeAll(keepingCapacity: true)
    }

    /// Copies the centre times and floors of the last `count` buckets into `times` and `floors`
    /// (oldest first), so the O(n²) statistics run on contiguous memory.
    func copyTail(_ count: Int, times: UnsafeMutableBufferPointer<Double>, floors: UnsafeMutableBufferPointer<Double>) {
        let start = self.count - count
        for i in 0..<count {
            times[i] = self[start + i].time
            floors[i] = floor(start + i)
        }
    }

    /// Bytes the ring's heap buffer reserves.
    var reservedBytes: Int { storage.capacity * MemoryLayout<BucketSummary>.stride }
}

/// Sums of squared bucket-to-bucket differences of the two candidate levels of memory (floor and
/// mean) over the ring, kept as buckets enter and leave. Differences do not see a linear trend,
/// so they compare the levels' noise whether or not the series leaks.
struct LevelDifferences: Sendable {
    private(set) var floorSquares = 0.0
    private(set) var meanSquares = 0.0

    /// Accounts for the pair (`earlier`, `later`) of neighbouring buckets entering the ring.
    mutating func add(_ earlier: BucketSummary, _ later: BucketSummary) {
        let (floor, mean) = Self.squaredDifferences(earlier, later)
        floorSquares += floor
        meanSquares += mean
    }

    /// Accounts for the pair leaving the ring (the oldest bucket is evicted).
    mutating func remove(_ earlier: BucketSummary, _ later: BucketSummary) {
        let (floor, mean) = Self.squaredDifferences(earlier, later)
        floorSquares = max(0, floorSquares - floor)
        meanSquares = max(0, meanSquares - mean)
    }

    private static func squaredDifferences(_ earlier: BucketSummary, _ later: BucketSummary) -> (floor: Double, mean: Double) {
        let floor = later.floorValue - earlier.floorValue
        let mean = later.moments.meanValue - earlier.moments.meanValue
        return (floor * floor, mean * mean)
    }
}
