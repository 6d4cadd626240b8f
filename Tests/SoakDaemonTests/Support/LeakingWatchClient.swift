import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A client that leaks watch streams on a real etcd: each ``open()`` connects to etcd's gRPC
/// gateway, starts a watch (`POST /v3/watch`, whose response never ends) and keeps the socket
/// without reading or closing it — one more connection, watch stream and set of goroutines in
/// etcd every time. The etcd tests of compare, report and evidence all leak this way.
final class LeakingWatchClient: @unchecked Sendable {
    private let port: UInt16
    private let lock = NSLock()
    private var sockets: [Int32] = []

    /// A client of the etcd whose client URL (where the gateway listens) is on `port`.
    init(port: UInt16) { self.port = port }

    /// Streams opened and still held.
    var opened: Int { lock.withLock { sockets.count } }

    /// Opens one more watch stream, on a key of its own; false when the connection failed.
    @discardableResult
    func open() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        let key = Data("soak/watch-\(opened)".utf8).base64EncodedString()
        let body = #"{"create_request":{"key":"\#(key)"}}"#
        let request = "POST /v3/watch HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        guard connected, request.withCString({ send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }) > 0 else {
            close(fd)
            return false
        }
        lock.withLock { sockets.append(fd) }
        return true
    }

    /// Closes every stream (the test's cleanup; etcd then releases them).
    func closeAll() {
        lock.withLock {
            for fd in sockets { close(fd) }
            sockets.removeAll()
        }
    }
}
