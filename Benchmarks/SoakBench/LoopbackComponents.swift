import CCurl
import Foundation

/// A real component from a Debian package, started on free 127.0.0.1 ports for a benchmark
/// and stopped when the benchmark is done (or the process exits).
final class LoopbackComponent {
    let name: String
    let metricsURL: String
    private let process: Process
    private let dataDirectory: URL?

    private init(name: String, metricsURL: String, process: Process, dataDirectory: URL?) {
        self.name = name
        self.metricsURL = metricsURL
        self.process = process
        self.dataDirectory = dataDirectory
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if let dataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
    }

    /// etcd with its metrics on a listener of their own (`--listen-metrics-urls`).
    static func etcd() throws -> LoopbackComponent {
        let client = try freePort(), peer = try freePort(), metrics = try freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("soak-bench-etcd-\(getpid())")
        let process = try launch("etcd", [
            "--name", "bench", "--data-dir", dir.path,
            "--listen-client-urls", "http://127.0.0.1:\(client)", "--advertise-client-urls", "http://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "bench=http://127.0.0.1:\(peer)",
            "--listen-metrics-urls", "http://127.0.0.1:\(metrics)",
        ])
        return LoopbackComponent(name: "etcd", metricsURL: "http://127.0.0.1:\(metrics)/metrics", process: process, dataDirectory: dir)
    }

    /// prometheus-node-exporter with its default collectors.
    static func nodeExporter() throws -> LoopbackComponent {
        let port = try freePort()
        let process = try launch("prometheus-node-exporter", ["--web.listen-address=127.0.0.1:\(port)"])
        return LoopbackComponent(name: "node-exporter", metricsURL: "http://127.0.0.1:\(port)/metrics", process: process, dataDirectory: nil)
    }

    /// Fetches the component's /metrics, retrying for up to `seconds` while it starts.
    func fetchMetrics(waitingUpTo seconds: Double = 15) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let body = httpGet(metricsURL), !body.isEmpty { return body }
            if Date() > deadline || !process.isRunning {
                throw BenchError("\(name) did not serve \(metricsURL) within \(Int(seconds)) s")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    private static func launch(_ executable: String, _ arguments: [String]) throws -> Process {
        guard let path = ["/usr/bin", "/usr/sbin", "/usr/local/bin"].map({ "\($0)/\(executable)" })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchError("\(executable) is not installed (make bench installs it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A port the kernel just handed out on 127.0.0.1 (bound to 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A GET with libcurl's easy interface; nil on any failure.
func httpGet(_ url: String) -> [UInt8]? {
    guard let handle = curl_easy_init() else { return nil }
    defer { curl_easy_cleanup(handle) }
    final class Sink { var bytes: [UInt8] = [] }
    let sink = Sink()
    let write: soak_curl_write_callback = { pointer, size, count, context in
        let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
        let n = size * count
        pointer!.withMemoryRebound(to: UInt8.self, capacity: n) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
        return n
    }
    _ = soak_curl_easy_setopt_string(handle, CURLOPT_URL, url)
    _ = soak_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT, 5)
    _ = soak_curl_easy_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, write)
    _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
    guard curl_easy_perform(handle) == CURLE_OK else { return nil }
    var status = 0
    _ = soak_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
    return status == 200 ? sink.bytes : nil
}
