/// The machine-readable form of a ``StackDiff``, the JSON `soak evidence diff --format json`
/// prints and the daemon's `rootCause` carries:
/// `{"kind": "heap"|"goroutine", "stacks": [{"frames": […leaf first…], "before": …, "after": …, "delta": …}]}`,
/// stacks ranked by delta (bytes in use for heap, goroutines for dumps).
public struct StackDiffReport: Codable, Sendable, Hashable {
    /// One stack's change; `frames` are whole stacks, leaf first, inlined frames expanded.
    public struct Stack: Codable, Sendable, Hashable {
        public let frames: [String]
        public let before: Int64
        public let after: Int64
        public let delta: Int64

        public init(frames: [String], before: Int64, after: Int64, delta: Int64) {
            self.frames = frames
            self.before = before
            self.after = after
            self.delta = delta
        }
    }

    public let kind: StackProfile.Kind
    public let stacks: [Stack]

    public init(kind: StackProfile.Kind, stacks: [Stack]) {
        self.kind = kind
        self.stacks = stacks
    }

    /// The diff's stacks in rank order, at most `limit` of them (nil: all).
    public init(_ diff: StackDiff, limit: Int? = nil) {
        let entries = limit.map { diff.entries.prefix($0) } ?? diff.entries[...]
        self.init(kind: diff.kind, stacks: entries.map {
            Stack(frames: $0.stack.frames, before: $0.before, after: $0.after, delta: $0.delta)
        })
    }
}
