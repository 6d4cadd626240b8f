/// When each target is next due: a binary min-heap of (due time, slot), so the loop finds due
/// targets in O(log n) whether it watches ten targets or thousands.
struct ScrapeSchedule {
    struct Entry {
        var dueMonotonic: Double
        var slot: Int
        /// The slot's generation when scheduled; a stale entry (target replaced) is skipped.
        var generation: Int
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }
    var next: Entry? { heap.first }

    mutating func removeAll() { heap.removeAll() }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].dueMonotonic < heap[parent].dueMonotonic else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].dueMonotonic < heap[smallest].dueMonotonic { smallest = left }
            if right < heap.count, heap[right].dueMonotonic < heap[smallest].dueMonotonic { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    /// The first instant at or after now when `target` is due: its offset within the interval,
    /// counted from the wall clock's interval boundary so the phase survives restarts.
    static func firstDue(of target: ScrapeTarget, nowMonotonic: Double, nowWall: Double) -> Double {
        let interval = target.intervalSeconds
        let boundary = (nowWall / interval).rounded(.down) * interval
        var dueWall = boundary + target.offsetSeconds
        if dueWall < nowWall { dueWall += interval }
        return nowMonotonic + (dueWall - nowWall)
    }
}
