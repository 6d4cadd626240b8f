import Foundation
import MetricsScrape

/// Where the monitor's HTTP surface listens and whether it asks for a bearer token.
///
/// The default, `127.0.0.1:9847`, keeps findings on the machine. Any other address is allowed
/// (a Prometheus in the cluster may need to reach `/metrics`), but everything the API shows —
/// series labels, target URLs, scrape errors — then goes to whoever can reach the port: pair a
/// non-loopback address with ``bearerTokenFile``. The server logs a warning when it does not.
public struct MonitorHTTPConfiguration: Sendable, Hashable {
    /// The port SoakMonitor listens on by default (unassigned in IANA's registry, near
    /// Prometheus' exporter range).
    public static let defaultPort = 9847

    /// Host name or address to bind (`127.0.0.1`, `::1`, `0.0.0.0`, `::`).
    public var host: String
    /// TCP port; 0 asks the kernel for a free one (tests), reported by
    /// ``MonitorHTTPServer/init(configuration:provider:registry:logger:onListening:)``'s callback.
    public var port: Int
    /// A file holding the bearer token every request except the ``publicPaths`` must
    /// present (`Authorization: Bearer <token>`); `nil` serves without authentication.
    /// Surrounding whitespace (the trailing newline of `echo token > file`) is ignored.
    public var bearerTokenFile: String?
    /// Paths served without the token (`web.public_paths`): the probes by default, `/metrics`
    /// too when a Prometheus without the token scrapes the monitor.
    public var publicPaths: Set<String>

    /// Makes a configuration; the defaults are loopback, port 9847, no token, open probes.
    public init(host: String = "127.0.0.1", port: Int = MonitorHTTPConfiguration.defaultPort, bearerTokenFile: String? = nil,
                publicPaths: Set<String> = Set(WebSection.defaultPublicPaths)) {
        self.host = host
        self.port = port
        self.bearerTokenFile = bearerTokenFile
        self.publicPaths = publicPaths
    }

    /// Reads a `host:port` listen address: `127.0.0.1:9847`, `localhost:9847`, `[::1]:9847`,
    /// `:9847` (all IPv4 interfaces, as Go's `net.Listen` reads it).
    public init(listenAddress: String, bearerTokenFile: String? = nil,
                publicPaths: Set<String> = Set(WebSection.defaultPublicPaths)) throws(MonitorHTTPError) {
        let text = listenAddress.trimmingCharacters(in: .whitespaces)
        let hostPart: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"),
                  text[text.index(after: close)...].hasPrefix(":") else {
                throw MonitorHTTPError(kind: .invalidListenAddress, message: "expected [address]:port", context: listenAddress)
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw MonitorHTTPError(
                    kind: .invalidListenAddress,
                    message: "expected host:port (IPv6 addresses in brackets: [::1]:9847)", context: listenAddress)
            }
            hostPart = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw MonitorHTTPError(kind: .invalidListenAddress, message: "port must be 0...65535", context: listenAddress)
        }
        self.init(host: hostPart.isEmpty ? "0.0.0.0" : String(hostPart), port: port, bearerTokenFile: bearerTokenFile,
                  publicPaths: publicPaths)
    }

    /// Whether ``host`` only accepts connections from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `host:port`, IPv6 addresses in brackets.
    public var listenAddress: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

