import Foundation
import HTTPClient
import XCTest

/// A real `etcd-server` (Debian's `/usr/bin/etcd`) on free loopback ports with its own data
/// directory: a single-member cluster for tests. The test stops it (`stop()`, in a `defer`).
final class EtcdProcess {
    static let executable = "/usr/bin/etcd"

    let clientPort: UInt16
    let peerPort: UInt16
    /// `--listen-metrics-urls`: `/metrics` and `/health` only (no pprof, no API).
    let metricsPort: UInt16
    private let process = Process()

    /// Skips the calling test when etcd is not installed.
    static func requireInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw XCTSkip("\(executable) is not installed (apt-get install etcd-server)")
        }
    }

    /// Starts etcd; `extraArguments` are appended to the loopback listener flags.
    init(dataDirectory: URL, name: String = "soak-etcd", extraArguments: [String] = []) throws {
        clientPort = try LoopbackHTTPServer.unusedPort()
        peerPort = try LoopbackHTTPServer.unusedPort()
        metricsPort = try LoopbackHTTPServer.unusedPort()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "--name", name, "--data-dir", dataDirectory.path,
            "--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
            "--listen-peer-urls", "http://127.0.0.1:\(peerPort)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peerPort)",
            "--initial-cluster", "\(name)=http://127.0.0.1:\(peerPort)",
            "--listen-metrics-urls", "http://127.0.0.1:\(metricsPort)",
        ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// The client URL (`/v3/...` gateway, `/metrics` too, and `/debug/pprof/` with `--enable-pprof`).
    var clientURL: String { "http://127.0.0.1:\(clientPort)" }

    /// Waits until `/metrics` answers 200 (etcd takes a second or two to start); false after 20 s.
    func waitUntilServingMetrics() async -> Bool {
        let http = CurlHTTPClient()
        let url = "http://127.0.0.1:\(metricsPort)/metrics"
        return await eventually(timeoutSeconds: 20) {
            if case .success(let response) = await http.send(HTTPRequest(method: "GET", url: url, timeoutSeconds: 1)) {
                return response.status == 200
            }
            return false
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
