import SoakModel
import MetricsScrape

/// Finds a component's version in its own exposition: Kubernetes components, etcd, CoreDNS and
/// any Go program say which build they are through an info metric whose value is 1 and whose
/// label is the version. A change of it between scrapes is a rollout, which the detector must not
/// trend across.
public enum ComponentVersion {
    /// The info metrics and their version label, most specific first: a kube-apiserver also has
    /// `go_info`, whose Go version is not the component's.
    public static let sources: [(metric: String, labels: [String])] = [
        ("kubernetes_build_info", ["git_version", "gitVersion"]),
        ("etcd_server_version", ["server_version"]),
        ("coredns_build_info", ["version"]),
        ("go_info", ["version"]),
    ]

    /// The version the samples of one scrape announce, or nil when none of ``sources`` is present.
    public static func version(in samples: [Sample]) -> String? {
        for source in sources {
            for sample in samples where sample.name == source.metric {
                for label in source.labels {
                    if let value = sample.label(label), !value.isEmpty { return value }
                }
            }
        }
        return nil
    }
}
