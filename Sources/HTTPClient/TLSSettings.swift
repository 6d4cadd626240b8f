/// How the scraper verifies a server and presents itself over TLS, as Prometheus' `tls_config`.
///
/// Verification is on by default; `insecureSkipVerify` exists for throw-away clusters and makes
/// the scraper log a warning each time a target using it is (re)configured.
public struct TLSSettings: Sendable, Hashable {
    /// PEM file with the CA certificates that sign the server's certificate; nil uses the system store.
    public var caFile: String?
    /// PEM client certificate for mutual TLS (etcd's client port, kubelets).
    public var certFile: String?
    /// PEM private key matching `certFile`. Its contents are never read by SoakMonitor itself.
    public var keyFile: String?
    /// Name to send in SNI and to verify the certificate against, when it differs from the URL's host.
    public var serverName: String?
    /// Skips certificate and host-name verification. Off by default.
    public var insecureSkipVerify: Bool
    /// In-memory PEM alternatives to the files (a kubeconfig's `certificate-authority-data`,
    /// `client-certificate-data`, `client-key-data`); used when the file is nil.
    public var caPEM: SecretBytes?
    public var certPEM: SecretBytes?
    public var keyPEM: SecretBytes?

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil,
                serverName: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }
}
