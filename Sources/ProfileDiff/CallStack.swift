/// A call stack as function names, leaf (innermost, the allocating or blocked function) first,
/// inlined calls expanded into frames of their own — the frames `go tool pprof -traces` prints.
///
/// Two stacks with the same function names are the same stack: addresses, offsets, lines and
/// call arguments are left out, so one code path observed at two times (or in two processes of
/// the same build) compares equal.
public struct CallStack: Hashable, Sendable {
    /// Function names, leaf first, e.g. `["runtime.gopark", "runtime.selectgo",
    /// "go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop", …]`.
    public let frames: [String]

    public init(frames: [String]) {
        self.frames = frames
    }

    /// The first frame that is neither the Go runtime nor the standard library — where the
    /// application's own code asked for the memory or started the goroutine — or the leaf
    /// when every frame is runtime/stdlib.
    public var firstApplicationFrame: String? {
        frames.first { !GoFunctionName.isRuntimeOrStandardLibrary($0) } ?? frames.first
    }
}
