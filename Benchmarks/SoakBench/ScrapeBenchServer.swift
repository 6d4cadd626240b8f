#if canImport(Glibc)
import Glibc
#endif
import Dispatch
// Once another file of this target imports CCurl, the socket constants (SOCK_STREAM, …) are
// found only through it (curl.h includes <sys/socket.h> into that module).
import CCurl
import Foundation

/// The scrape benchmark's exporters: `count` listening sockets on 127.0.0.1 (one per target,
/// so each target has its own host:port and connection, as real components do), all served
/// from one serial dispatch queue (epoll underneath) with precomputed HTTP/1.1 keep-alive
/// responses: one body for every listener, or listener `i` serving `bodies[i % bodies.count]`
/// (the footprint bench rotates real etcd, kubelet and kube-proxy dumps).
final class ScrapeBenchServer: @unchecked Sendable {
    let ports: [Int]
    private let queue = DispatchQueue(label: "bench-exporters")
    private let responses: [[UInt8]]
    private var listenSources: [DispatchSourceRead] = []
    private var connections: [Int32: Connection] = [:]

    /// One accepted connection: its read source, unparsed request bytes, and unsent response bytes.
    private final class Connection {
        let fd: Int32
        let response: [UInt8]
        var readSource: DispatchSourceRead?
        var writeSource: DispatchSourceWrite?
        var request: [UInt8] = []
        var unsent: ArraySlice<UInt8> = []
        init(fd: Int32, response: [UInt8]) {
            self.fd = fd
            self.response = response
        }
    }

    convenience init(count: Int, body: [UInt8]) throws {
        try self.init(count: count, bodies: [body])
    }

    /// Listener `i` serves `bodies[i % bodies.count]`.
    init(count: Int, bodies: [[UInt8]]) throws {
        precondition(!bodies.isEmpty)
        responses = bodies.map { body in
            var header = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            header += "Content-Length: \(body.count)\r\n\r\n"
            return Array(header.utf8) + body
        }
        var ports: [Int] = []
        var fds: [Int32] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 128) == 0 else { throw BenchError("bind/listen: \(String(cString: strerror(errno)))") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
            fds.append(fd)
        }
        self.ports = ports
        queue.sync {
            for (index, fd) in fds.enumerated() {
                let response = responses[index % responses.count]
                let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
                source.setEventHandler { [unowned self] in acceptAll(fd, response: response) }
                source.setCancelHandler { close(fd) }
                source.resume()
                listenSources.append(source)
            }
        }
    }

    func stop() {
        queue.sync {
            for source in listenSources { source.cancel() }
            for connection in connections.values { closeConnection(connection) }
            listenSources.removeAll()
        }
    }

    private func acceptAll(_ listenFD: Int32, response: [UInt8]) {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { return }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connection = Connection(fd: fd, response: response)
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [unowned self] in readRequests(connection) }
            connection.readSource = source
            connections[fd] = connection
            source.resume()
        }
    }

    private func closeConnection(_ connection: Connection) {
        connection.writeSource?.cancel()
        connection.readSource?.cancel()
        connection.readSource = nil
        connection.writeSource = nil
        connections[connection.fd] = nil
        close(connection.fd)
    }

    private func readRequests(_ connection: Connection) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = recv(connection.fd, &chunk, chunk.count, 0)
            if got == 0 { closeConnection(connection); return }
            if got < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                closeConnection(connection)
                return
            }
            connection.request.append(contentsOf: chunk[0..<got])
        }
        // Answer each complete request head (scrapes are GETs without a body).
        while let end = Self.headEnd(connection.request) {
            connection.request.removeFirst(end)
            connection.unsent += connection.response[...]
        }
        flush(connection)
    }

    private func flush(_ connection: Connection) {
        while !connection.unsent.isEmpty {
            let sent = connection.unsent.withUnsafeBytes { send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    if connection.writeSource == nil {
                        let source = DispatchSource.makeWriteSource(fileDescriptor: connection.fd, queue: queue)
                        source.setEventHandler { [unowned self] in flush(connection) }
                        connection.writeSource = source
                        source.resume()
                    }
                    return
                }
                closeConnection(connection)
                return
            }
            connection.unsent = connection.unsent.dropFirst(sent)
        }
        connection.unsent = []
        connection.writeSource?.cancel()
        connection.writeSource = nil
    }

    private static func headEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i + 4
        }
        return nil
    }
}
