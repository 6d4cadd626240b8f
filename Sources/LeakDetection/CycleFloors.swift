/// The floor of each 1/24 of a load cycle (an hour, by default) over the last cycle and a bit:
/// enough to compare the level now with the level one full cycle ago, which is what separates a
/// slow leak from the rising half of a daily cycle. 26 doubles per series.
struct CycleFloors: Sendable {
    static let slotsPerCycle = 24
    private var storage: [Double]
    private var head = 0
    private(set) var count = 0
    private var slotFloor = Double.infinity
    private var closesInSlot = 0
    private let closesPerSlot: Int

    init(configuration: DetectorConfiguration) {
        let slotSeconds = configuration.cyclePeriodSeconds / Double(Self.slotsPerCycle)
        closesPerSlot = max(1, Int((slotSeconds / configuration.bucketSeconds).rounded()))
        storage = []
        storage.reserveCapacity(Self.slotsPerCycle + 2)
    }

    /// Takes the floor of one closed bucket.
    mutating func addBucketFloor(_ floor: Double) {
        if floor < slotFloor { slotFloor = floor }
        closesInSlot += 1
        guard closesInSlot == closesPerSlot else { return }
        let capacity = Self.slotsPerCycle + 2
        if storage.count < capacity {
            storage.append(slotFloor)
            count += 1
        } else {
            storage[head] = slotFloor
            head = head + 1 == capacity ? 0 : head + 1
        }
        slotFloor = .infinity
        closesInSlot = 0
    }

    /// The latest complete slot's floor minus the floor one cycle earlier, or nil before a cycle
    /// and a slot have been seen.
    var riseOverOneCycle: Double? {
        guard count > Self.slotsPerCycle else { return nil }
        let capacity = Self.slotsPerCycle + 2
        func slot(_ i: Int) -> Double { storage[(head + i) % capacity] }
        return slot(count - 1) - slot(count - 1 - Self.slotsPerCycle)
    }

    /// True when the latest complete slot's floor is above every slot floor older than the
    /// latest `recentSlots` (true when there are none): a leak makes new highs, a wandering or
    /// cyclic series returns to levels it has already visited.
    func latestIsAboveOlderSlots(recentSlots: Int) -> Bool {
        guard count > recentSlots else { return true }
        let capacity = Self.slotsPerCycle + 2
        func slot(_ i: Int) -> Double { storage[(head + i) % capacity] }
        let latest = slot(count - 1)
        for i in 0..<(count - recentSlots) where slot(i) >= latest { return false }
        return true
    }

    /// The latest slot floor minus the lowest of the latest `recentSlots` slot floors: how far the
    /// floor has risen within the judged window.
    func riseWithinLatest(_ recentSlots: Int) -> Double {
        guard count > 0 else { return 0 }
        let capacity = Self.slotsPerCycle + 2
        func slot(_ i: Int) -> Double { storage[(head + i) % capacity] }
        let latest = slot(count - 1)
        var lowest = latest
        for i in max(0, count - recentSlots)..<count where slot(i) < lowest { lowest = slot(i) }
        return latest - lowest
    }

    /// The largest fall from an earlier slot floor to a later one (0 if the floor never fell):
    /// a series that has already fallen by this much has shown that its rises can revert.
    var largestFall: Double {
        let capacity = Self.slotsPerCycle + 2
        func slot(_ i: Int) -> Double { storage[(head + i) % capacity] }
        var highest = -Double.infinity
        var fall = 0.0
        for i in 0..<count {
            let value = slot(i)
            if value > highest { highest = value }
            fall = max(fall, highest - value)
        }
        return fall
    }

    /// The `i`-th complete slot floor still held, oldest first (`i` < ``count``).
    func slot(_ i: Int) -> Double {
        storage[(head + i) % (Self.slotsPerCycle + 2)]
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        head = 0
        count = 0
        slotFloor = .infinity
        closesInSlot = 0
    }

    var reservedBytes: Int { storage.capacity * MemoryLayout<Double>.stride }
}
