import SoakModel

/// Where the standard components of a kubeadm-style cluster serve `/metrics`, so a job can say
/// `preset: kubelet` instead of repeating scheme, port, path and discovery selectors.
///
/// Ports are the upstream defaults: kube-apiserver 6443, kubelet 10250, etcd 2381 (the plain
/// `--listen-metrics-urls` listener kubeadm configures) or 2379 (client port, mTLS),
/// kube-scheduler 10259, kube-controller-manager 10257, kube-proxy 10249, CoreDNS 9153.
public enum KubernetesPreset: String, Sendable, Hashable, CaseIterable {
    case kubeAPIServer = "kube-apiserver"
    case kubelet
    case kubeletCAdvisor = "kubelet-cadvisor"
    case etcd
    case etcdClientTLS = "etcd-client-tls"
    case kubeScheduler = "kube-scheduler"
    case kubeControllerManager = "kube-controller-manager"
    case kubeProxy = "kube-proxy"
    case coreDNS = "coredns"

    public var scheme: String {
        switch self {
        case .etcd, .kubeProxy, .coreDNS: "http"
        default: "https"
        }
    }

    public var port: Int {
        switch self {
        case .kubeAPIServer: 6443
        case .kubelet, .kubeletCAdvisor: 10250
        case .etcd: 2381
        case .etcdClientTLS: 2379
        case .kubeScheduler: 10259
        case .kubeControllerManager: 10257
        case .kubeProxy: 10249
        case .coreDNS: 9153
        }
    }

    public var metricsPath: String { self == .kubeletCAdvisor ? "/metrics/cadvisor" : "/metrics" }

    /// The discovery role that finds this component: kubelets are nodes, the rest run as pods.
    public var discoveryRole: KubernetesSDConfig.Role {
        switch self {
        case .kubelet, .kubeletCAdvisor: .node
        default: .pod
        }
    }

    /// Label selector for the component's pods (kubeadm's static-pod `component` label,
    /// the `k8s-app` label of the kube-proxy DaemonSet and CoreDNS Deployment).
    public var podLabelSelector: String? {
        switch self {
        case .kubelet, .kubeletCAdvisor: nil
        case .kubeAPIServer: "component=kube-apiserver"
        case .etcd, .etcdClientTLS: "component=etcd"
        case .kubeScheduler: "component=kube-scheduler"
        case .kubeControllerManager: "component=kube-controller-manager"
        case .kubeProxy: "k8s-app=kube-proxy"
        case .coreDNS: "k8s-app=kube-dns"
        }
    }

    /// The namespace the component's pods live in.
    public var namespace: String? { discoveryRole == .pod ? "kube-system" : nil }

    /// True when the endpoint needs a client certificate (etcd's client port).
    public var requiresClientCertificate: Bool { self == .etcdClientTLS }
}
