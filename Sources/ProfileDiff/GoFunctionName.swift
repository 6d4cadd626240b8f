/// Reads a Go symbol name such as `go.etcd.io/etcd/mvcc.(*watchableStore).NewWatchStream.func1`
/// or `net/http.(*conn).serve`: its package path and whether that is Go's own code.
public enum GoFunctionName {
    /// The import path of the package a function belongs to: everything before the first `.`
    /// after the last `/` (`go.etcd.io/etcd/mvcc`, `net/http`, `runtime`, `main`).
    public static func packagePath(of function: String) -> Substring {
        let name = Substring(function)
        let lastSlash = name.lastIndex(of: "/")
        let searchFrom = lastSlash.map { name.index(after: $0) } ?? name.startIndex
        guard let dot = name[searchFrom...].firstIndex(of: ".") else { return name }
        return name[..<dot]
    }

    /// Whether a function belongs to the Go runtime or the standard library: its import path's
    /// first element has no dot (`runtime`, `sync`, `net/http`, `internal/poll`,
    /// `vendor/golang.org/x/net/…`) and it is not `main`. Module paths outside the standard
    /// library start with a domain (`go.etcd.io/…`, `github.com/…`, `k8s.io/…`). Unsymbolised
    /// frames (`0x4a2b3c`) count as runtime: they cannot name the culprit.
    public static func isRuntimeOrStandardLibrary(_ function: String) -> Bool {
        if function.hasPrefix("0x") { return true }
        let path = packagePath(of: function)
        if path == "main" || path.hasPrefix("main.") { return false }
        let firstElement = path.split(separator: "/", maxSplits: 1).first ?? path
        return !firstElement.contains(".")
    }
}
