/// One permission SoakMonitor's identity needs in a Kubernetes cluster, in the terms of an RBAC
/// `PolicyRule`: a verb on an API group's resource (`list` on `nodes`), or a verb on a
/// non-resource URL (`get` on `/metrics`).
///
/// The catalogue below is the single list of what the code asks for. Discovery builds its
/// request paths from it, presets name the rules their scrapes and evidence fetches need, and
/// the test of `deploy/kubernetes` checks that the shipped ClusterRoles grant exactly these
/// rules, nothing more, so that a new request in code cannot ship without its RBAC and RBAC
/// cannot quietly grow beyond the code.
///
/// Kubelets and the scheduler and controller manager authorise through the API server
/// (`SubjectAccessReview`), which is why scraping them needs rules too: the kubelet maps
/// `/metrics` and `/metrics/cadvisor` to `nodes/metrics` and every other path (such as
/// `/debug/pprof/…`) to `nodes/proxy`; kube-scheduler and kube-controller-manager check their
/// paths as non-resource URLs.
public struct KubernetesAccessRule: Sendable, CustomStringConvertible {
    /// What a rule is about.
    public enum Subject: Sendable, Hashable {
        /// A resource (optionally `resource/subresource`) of an API group; `""` is the core group.
        case resource(apiGroup: String, resource: String)
        /// A path served outside the resource API (`/metrics`, `/debug/pprof/*`).
        case nonResourceURL(String)
    }

    public var subject: Subject
    /// The RBAC verb: `list` for a collection GET, `get` for a single object, subresource or URL.
    public var verb: String
    /// Which code sends the request, in a sentence: the comment beside the rule in the manifests.
    public var neededBy: String

    public init(_ subject: Subject, verb: String, neededBy: String) {
        self.subject = subject
        self.verb = verb
        self.neededBy = neededBy
    }

    /// `list nodes`, `get nodes/metrics`, `get /debug/pprof/*`.
    public var description: String {
        switch subject {
        case .resource(let group, let resource): "\(verb) \(group.isEmpty ? "" : group + "/")\(resource)"
        case .nonResourceURL(let url): "\(verb) \(url)"
        }
    }

    /// The path of the collection this rule lists, for a core-group resource rule:
    /// `/api/v1/pods`, or `/api/v1/namespaces/NS/pods` within one namespace. Nil otherwise.
    public func collectionPath(namespace: String? = nil) -> String? {
        guard case .resource("", let resource) = subject, !resource.contains("/") else { return nil }
        return "/api/v1" + (namespace.map { "/namespaces/\(percentEncode($0))" } ?? "") + "/" + resource
    }
}

extension KubernetesAccessRule: Hashable {
    /// Two rules are the same permission when subject and verb agree; `neededBy` is commentary.
    public static func == (lhs: KubernetesAccessRule, rhs: KubernetesAccessRule) -> Bool {
        lhs.subject == rhs.subject && lhs.verb == rhs.verb
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(subject)
        hasher.combine(verb)
    }
}

extension KubernetesAccessRule {
    /// `kubernetes_sd_configs` with `role: node`: ``KubernetesDiscovery`` lists `/api/v1/nodes`.
    public static let listNodes = KubernetesAccessRule(
        .resource(apiGroup: "", resource: "nodes"), verb: "list",
        neededBy: "kubernetes_sd_configs role node (presets kubelet, kubelet-cadvisor) lists /api/v1/nodes")

    /// `kubernetes_sd_configs` with `role: pod`: lists `/api/v1/pods`, or per namespace.
    public static let listPods = KubernetesAccessRule(
        .resource(apiGroup: "", resource: "pods"), verb: "list",
        neededBy: "kubernetes_sd_configs role pod (control-plane, kube-proxy and CoreDNS presets) lists pods")

    /// Presets `kubelet` and `kubelet-cadvisor`: the kubelet authorises `/metrics` and
    /// `/metrics/cadvisor` as `get nodes/metrics`.
    public static let kubeletMetrics = KubernetesAccessRule(
        .resource(apiGroup: "", resource: "nodes/metrics"), verb: "get",
        neededBy: "presets kubelet, kubelet-cadvisor scrape :10250/metrics and /metrics/cadvisor")

    /// Evidence from a kubelet: any kubelet path outside `/metrics*`, `/stats`, `/logs` and
    /// `/spec` is authorised as `nodes/proxy`, which also opens the kubelet's pod API
    /// (exec, logs): grant it only where kubelet profiles are wanted.
    public static let kubeletProxy = KubernetesAccessRule(
        .resource(apiGroup: "", resource: "nodes/proxy"), verb: "get",
        neededBy: "evidence (pprof) from a kubelet: /debug/pprof/* on :10250 is authorised as nodes/proxy")

    /// Presets `kube-apiserver`, `kube-scheduler`, `kube-controller-manager`: `GET /metrics`.
    public static let metricsURL = KubernetesAccessRule(
        .nonResourceURL("/metrics"), verb: "get",
        neededBy: "presets kube-apiserver, kube-scheduler, kube-controller-manager scrape /metrics")

    /// Evidence from the API server, scheduler or controller manager: `GET /debug/pprof/…`.
    public static let pprofURLs = KubernetesAccessRule(
        .nonResourceURL("/debug/pprof/*"), verb: "get",
        neededBy: "evidence (pprof) from kube-apiserver, kube-scheduler, kube-controller-manager")

    /// Every rule the code can ask for: what `deploy/kubernetes` grants, kubelet profiles
    /// (``kubeletProxy``) in their own optional component.
    public static let all: [KubernetesAccessRule] = [listNodes, listPods, kubeletMetrics, metricsURL, pprofURLs, kubeletProxy]
}

extension KubernetesSDConfig.Role {
    /// The rule this role's discovery needs; ``KubernetesDiscovery`` lists its collection path.
    public var accessRule: KubernetesAccessRule {
        switch self {
        case .node: .listNodes
        case .pod: .listPods
        }
    }
}

extension KubernetesPreset {
    /// What scraping the component needs beyond network access: nil when it authenticates by
    /// client certificate (etcd) or not at all (kube-proxy, CoreDNS).
    public var scrapeAccessRule: KubernetesAccessRule? {
        switch self {
        case .kubelet, .kubeletCAdvisor: .kubeletMetrics
        case .kubeAPIServer, .kubeScheduler, .kubeControllerManager: .metricsURL
        case .etcd, .etcdClientTLS, .kubeProxy, .coreDNS: nil
        }
    }

    /// What fetching a profile under `/debug/pprof/` from the component needs; nil where the
    /// server does not authorise through the API server.
    public var evidenceAccessRule: KubernetesAccessRule? {
        switch self {
        case .kubelet, .kubeletCAdvisor: .kubeletProxy
        case .kubeAPIServer, .kubeScheduler, .kubeControllerManager: .pprofURLs
        case .etcd, .etcdClientTLS, .kubeProxy, .coreDNS: nil
        }
    }
}

extension SoakConfig {
    /// The RBAC rules this configuration's discovery, preset scrapes and evidence fetches need,
    /// in ``KubernetesAccessRule/all``'s order: what its service account must be granted.
    ///
    /// - Parameters:
    ///   - evidenceJobs: the jobs whose components evidence capture may fetch profiles from;
    ///     nil when it is off, empty for every job (any Go target qualifies).
    ///   - profilePaths: the profiles' paths (`/debug/pprof/heap`); a path outside
    ///     `/debug/pprof/` on an API server-authorised component needs its own non-resource URL.
    public func requiredKubernetesAccess(evidenceJobs: [String]? = nil, profilePaths: [String] = []) -> [KubernetesAccessRule] {
        var needed: [KubernetesAccessRule] = []
        func add(_ rule: KubernetesAccessRule?) {
            if let rule, !needed.contains(rule) { needed.append(rule) }
        }
        for job in scrapeConfigs {
            for sd in job.kubernetesSDConfigs { add(sd.role.accessRule) }
            guard let preset = job.preset else { continue }
            add(preset.scrapeAccessRule)
            guard let jobs = evidenceJobs, jobs.isEmpty || jobs.contains(job.jobName),
                  let rule = preset.evidenceAccessRule else { continue }
            for profilePath in profilePaths {
                let path = String(profilePath.prefix { $0 != "?" })
                if path.hasPrefix("/debug/pprof/") || rule == .kubeletProxy {
                    add(rule)
                } else {
                    add(KubernetesAccessRule(.nonResourceURL(path), verb: "get", neededBy: "evidence profile \(path)"))
                }
            }
        }
        let order = KubernetesAccessRule.all
        return needed.sorted { (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count) }
    }
}
