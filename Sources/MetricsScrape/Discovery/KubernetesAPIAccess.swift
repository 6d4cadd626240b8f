import HTTPClient
/// How to reach the API server for one `kubernetes_sd_configs` entry: explicit `api_server`
/// (with the entry's TLS and credentials), a kubeconfig's current context, or the in-cluster
/// service account, in that order, as Prometheus resolves it.
struct KubernetesAPIAccess {
    var server: String
    var tls: TLSSettings
    var authorization: HTTPAuthorization
    var proxyURL: String?

    /// Where in-cluster credentials live; a parameter so tests can point it at a temp directory.
    struct InClusterEnvironment {
        var host: String?
        var port: String?
        var serviceAccountDirectory: String

        static var process: InClusterEnvironment {
            InClusterEnvironment(host: getenvString("KUBERNETES_SERVICE_HOST"), port: getenvString("KUBERNETES_SERVICE_PORT"),
                                 serviceAccountDirectory: "/var/run/secrets/kubernetes.io/serviceaccount")
        }
    }

    static func resolve(_ config: KubernetesSDConfig, environment: InClusterEnvironment) throws(DiscoveryError) -> KubernetesAPIAccess {
        if let server = config.apiServer {
            return KubernetesAPIAccess(server: server, tls: config.tls, authorization: config.authorization)
        }
        if let path = config.kubeconfigFile {
            let kubeconfig = try Kubeconfig(path: path)
            return KubernetesAPIAccess(server: kubeconfig.server, tls: kubeconfig.tls, authorization: kubeconfig.authorization,
                                       proxyURL: kubeconfig.proxyURL)
        }
        guard let host = environment.host, let port = environment.port else {
            throw DiscoveryError(kind: .configuration,
                                 message: "no api_server or kubeconfig_file, and not in a cluster (KUBERNETES_SERVICE_HOST unset)",
                                 context: "in-cluster")
        }
        let directory = environment.serviceAccountDirectory
        let hostPart = host.contains(":") ? "[\(host)]" : host
        // The token file is re-read when the kubelet rotates it (see SecretFile).
        return KubernetesAPIAccess(server: "https://\(hostPart):\(port)",
                                   tls: TLSSettings(caFile: directory + "/ca.crt"),
                                   authorization: .credentialsFile(type: "Bearer", path: directory + "/token"))
    }
}

#if canImport(Glibc)
import Glibc
#endif

private func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    let text = String(cString: value)
    return text.isEmpty ? nil : text
}
