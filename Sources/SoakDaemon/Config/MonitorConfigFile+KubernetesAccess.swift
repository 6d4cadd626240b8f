import MetricsScrape

extension MonitorConfigFile {
    /// The RBAC rules the whole file needs: discovery and preset scrapes
    /// (``SoakConfig/requiredKubernetesAccess(evidenceJobs:profilePaths:)``) plus evidence
    /// capture's profile fetches when `evidence.pprof` is on. `soak check-config` lists them;
    /// `deploy/kubernetes`'s ClusterRoles grant exactly these for the shipped file.
    public var requiredKubernetesAccess: [KubernetesAccessRule] {
        scrape.requiredKubernetesAccess(evidenceJobs: evidence.pprof ? evidence.jobs : nil,
                                        profilePaths: evidence.profiles.map(\.path))
    }
}
