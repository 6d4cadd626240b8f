import HTTPClient

/// One `kubernetes_sd_configs` entry: which objects to list from the API server, and how to reach it.
///
/// SoakMonitor lists (rather than watches) and re-lists every `refresh_interval`: a soak test
/// cares that a node that joined is scraped within a minute, not within a second, and a poll
/// loop has no stream to lose.
public struct KubernetesSDConfig: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// One target per node, at its kubelet (`InternalIP:<kubelet port>`).
        case node
        /// One target per pod container port (or per pod with a preset port).
        case pod
    }

    public var role: Role
    /// `https://host:port` of the API server; nil means from `kubeconfigFile` or in-cluster.
    public var apiServer: String?
    /// A kubeconfig whose current context names the server and credentials.
    public var kubeconfigFile: String?
    /// Namespaces to list pods in; empty means all namespaces.
    public var namespaces: [String] = []
    /// Kubernetes label selector passed to the API (`component=etcd`).
    public var labelSelector: String?
    /// Kubernetes field selector passed to the API (`spec.nodeName=node-1`).
    public var fieldSelector: String?
    /// TLS towards the API server.
    public var tls = TLSSettings()
    /// Credentials towards the API server.
    public var authorization: HTTPAuthorization = .none
    public var refreshIntervalSeconds: Double = 30

    public init(role: Role, apiServer: String? = nil, kubeconfigFile: String? = nil) {
        self.role = role
        self.apiServer = apiServer
        self.kubeconfigFile = kubeconfigFile
    }
}
