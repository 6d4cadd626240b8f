import ConfigSupport
import HTTPClient
import SoakModel
import Yams

/// Reads a YAML configuration into a ``SoakConfig``, collecting every problem with its line
/// and YAML path instead of stopping at the first.
struct ConfigLoader {
    let file: String
    let checkFiles: Bool
    let log: ProblemLog

    init(file: String, checkFiles: Bool, log: ProblemLog? = nil) {
        self.file = file
        self.checkFiles = checkFiles
        self.log = log ?? ProblemLog(file: file)
    }

    func load(yaml: String) throws(ConfigError) -> SoakConfig {
        let root = try YAMLDocument.root(yaml: yaml, log: log)
        let config = readRoot(root, otherSections: []).config
        if !log.problems.isEmpty { throw ConfigError(problems: log.problems) }
        return config
    }

    /// The top-level keys the scrape side owns.
    static let scrapeKeys: Set<String> = ["global", "scrape_configs", "keep_all_metrics"]

    /// Reads the scrape side of the file and hands back the cursors of `otherSections` (the
    /// daemon's), so each section is read once by the module that uses it.
    func readRoot(_ root: YAMLCursor, otherSections: Set<String>) -> (config: SoakConfig, sections: [String: YAMLCursor]) {
        var config = SoakConfig(file: file)
        guard let fields = root.mapping(allowed: Self.scrapeKeys.union(otherSections)) else { return (config, [:]) }
        let sections = fields.filter { otherSections.contains($0.key) }
        if let global = fields["global"] { config.global = readGlobal(global) }
        if let keepAll = fields["keep_all_metrics"]?.bool() { config.keepAllMetrics = keepAll }
        guard let jobs = fields["scrape_configs"]?.sequence() else {
            if fields["scrape_configs"] == nil { root.problem("scrape_configs: required (at least one job)") }
            return (config, sections)
        }
        var names: [String: Int] = [:]
        for jobCursor in jobs {
            guard let job = readJob(jobCursor, global: config.global, keepAll: config.keepAllMetrics) else { continue }
            if let firstLine = names[job.jobName] {
                jobCursor.problem("job_name \"\(job.jobName)\" already used at line \(firstLine)")
            }
            names[job.jobName] = jobCursor.line
            config.scrapeConfigs.append(job)
        }
        if jobs.isEmpty { fields["scrape_configs"]?.problem("at least one job is required") }
        return (config, sections)
    }

    private func readGlobal(_ cursor: YAMLCursor) -> GlobalConfig {
        var global = GlobalConfig()
        guard let fields = cursor.mapping(allowed: ["scrape_interval", "scrape_timeout", "external_labels",
                                                    "body_size_limit", "evaluation_interval"]) else { return global }
        if let value = fields["scrape_interval"]?.duration() { global.scrapeIntervalSeconds = value }
        if let value = fields["scrape_timeout"]?.duration() {
            if value > 0 { global.scrapeTimeoutSeconds = value } else { fields["scrape_timeout"]?.problem("must be greater than 0") }
        }
        if let value = fields["external_labels"]?.labels() { global.externalLabels = value }
        if let cursor = fields["body_size_limit"], let limit = byteSize(cursor) { global.bodyLimitBytes = limit }
        if global.scrapeIntervalSeconds <= 0 { fields["scrape_interval"]?.problem("must be greater than 0") }
        if let timeout = fields["scrape_timeout"], global.scrapeTimeoutSeconds > global.scrapeIntervalSeconds {
            timeout.problem("scrape_timeout (\(PrometheusDuration.format(global.scrapeTimeoutSeconds))) is longer than scrape_interval (\(PrometheusDuration.format(global.scrapeIntervalSeconds)))")
        }
        return global
    }

    private func byteSize(_ cursor: YAMLCursor) -> Int? {
        guard let text = cursor.string() else { return nil }
        guard let bytes = ByteSize.bytes(text) else {
            cursor.problem("invalid size \"\(text)\" (expected e.g. 50MB, 512KiB)")
            return nil
        }
        return bytes == 0 ? Int.max : bytes
    }

    private static let jobKeys: Set<String> = [
        "job_name", "preset", "scheme", "metrics_path", "params", "scrape_interval", "scrape_timeout",
        "body_size_limit", "tls_config", "authorization", "bearer_token_file", "basic_auth", "proxy_url",
        "follow_redirects", "static_configs", "kubernetes_sd_configs", "relabel_configs",
        "metric_relabel_configs", "keep_all_metrics", "keep_metrics", "honor_labels", "honor_timestamps",
    ]

    private func readJob(_ cursor: YAMLCursor, global: GlobalConfig, keepAll: Bool) -> ScrapeJobConfig? {
        guard let fields = cursor.mapping(allowed: Self.jobKeys, secretKeys: ["bearer_token": "bearer_token_file"]) else {
            return nil
        }
        guard let nameCursor = fields["job_name"] else { cursor.problem("job_name: required"); return nil }
        guard let name = nameCursor.nonEmptyString() else { return nil }
        var job = ScrapeJobConfig(jobName: name, global: global, keepAllMetrics: keepAll)

        if let presetCursor = fields["preset"], let text = presetCursor.string() {
            if let preset = KubernetesPreset(rawValue: text) {
                job.preset = preset
                job.scheme = preset.scheme
                job.metricsPath = preset.metricsPath
            } else {
                presetCursor.problem("unknown preset \"\(text)\" (one of \(KubernetesPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if let scheme = fields["scheme"], let text = scheme.string() {
            if text == "http" || text == "https" { job.scheme = text } else { scheme.problem("must be http or https") }
        }
        if let path = fields["metrics_path"], let text = path.string() {
            if text.hasPrefix("/") { job.metricsPath = text } else { path.problem("must start with /") }
        }
        if let params = fields["params"] { job.params = readParams(params) }
        if let value = fields["scrape_interval"]?.duration() {
            if value > 0 { job.scrapeIntervalSeconds = value } else { fields["scrape_interval"]?.problem("must be greater than 0") }
            if fields["scrape_timeout"] == nil { job.scrapeTimeoutSeconds = min(global.scrapeTimeoutSeconds, job.scrapeIntervalSeconds) }
        }
        if let timeoutCursor = fields["scrape_timeout"], let value = timeoutCursor.duration() {
            job.scrapeTimeoutSeconds = value
            if value <= 0 {
                timeoutCursor.problem("must be greater than 0")
            } else if value > job.scrapeIntervalSeconds {
                timeoutCursor.problem("scrape_timeout (\(PrometheusDuration.format(value))) is longer than scrape_interval (\(PrometheusDuration.format(job.scrapeIntervalSeconds)))")
            }
        }
        if let cursor = fields["body_size_limit"], let limit = byteSize(cursor) { job.bodyLimitBytes = limit }
        if let tls = fields["tls_config"] { job.tls = readTLS(tls) }
        job.authorization = readAuthorization(fields)
        if let proxy = fields["proxy_url"], let text = proxy.string() {
            if URLParts(text) == nil { proxy.problem("invalid proxy URL") } else { job.proxyURL = text }
        }
        if let value = fields["follow_redirects"]?.bool() { job.followRedirects = value }
        if let honor = fields["honor_labels"], honor.bool() == true { honor.problem("honor_labels: true is not supported") }
        if let honor = fields["honor_timestamps"], honor.bool() == false {
            // Prometheus would stamp every sample with the scrape time instead; SoakMonitor
            // always keeps exposition timestamps (bounded: see ScrapeResult.futureToleranceMs).
            honor.problem("honor_timestamps: false is not supported (exposition timestamps are kept)")
        }
        if let value = fields["keep_all_metrics"]?.bool() { job.keepAllMetrics = value }
        if let patterns = fields["keep_metrics"]?.sequence() { job.keepMetrics = patterns.compactMap(readRegex) }
        if let groups = fields["static_configs"]?.sequence() { job.staticConfigs = groups.compactMap(readStaticConfig) }
        if let sds = fields["kubernetes_sd_configs"]?.sequence() {
            job.kubernetesSDConfigs = sds.compactMap { readKubernetesSD($0, preset: job.preset) }
        }
        if let rules = fields["relabel_configs"]?.sequence() { job.relabelConfigs = rules.compactMap(readRelabelRule) }
        if let rules = fields["metric_relabel_configs"]?.sequence() { job.metricRelabelConfigs = rules.compactMap(readRelabelRule) }

        if job.staticConfigs.isEmpty && job.kubernetesSDConfigs.isEmpty && fields["static_configs"] == nil
            && fields["kubernetes_sd_configs"] == nil {
            cursor.problem("job \"\(name)\" has no targets: add static_configs or kubernetes_sd_configs")
        }
        if job.preset?.requiresClientCertificate == true && job.tls.certFile == nil {
            (fields["preset"] ?? cursor).problem("preset \(job.preset!.rawValue) needs tls_config.cert_file and key_file (etcd's client port requires a client certificate)")
        }
        return job
    }

    private func readParams(_ cursor: YAMLCursor) -> [String: [String]] {
        guard case .mapping(let mapping) = cursor.node else { cursor.problem("expected a mapping of names to lists"); return [:] }
        var params: [String: [String]] = [:]
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            if let values = cursor.child(name, value).stringList() { params[name] = values }
        }
        return params
    }

    private func readTLS(_ cursor: YAMLCursor) -> TLSSettings {
        var tls = TLSSettings()
        guard let fields = cursor.mapping(allowed: ["ca_file", "cert_file", "key_file", "server_name",
                                                    "insecure_skip_verify", "min_version"],
                                          secretKeys: ["ca": "ca_file", "cert": "cert_file", "key": "key_file"]) else {
            return tls
        }
        tls.caFile = fields["ca_file"].flatMap(readFile)
        tls.certFile = fields["cert_file"].flatMap(readFile)
        tls.keyFile = fields["key_file"].flatMap(readFile)
        tls.serverName = fields["server_name"]?.nonEmptyString()
        tls.insecureSkipVerify = fields["insecure_skip_verify"]?.bool() ?? false
        _ = fields["min_version"]?.string()
        if (fields["cert_file"] == nil) != (fields["key_file"] == nil) {
            cursor.problem("cert_file and key_file must be given together")
        }
        return tls
    }

    /// A path to a file that must exist when files are checked; relative paths are kept as written.
    func readFile(_ cursor: YAMLCursor) -> String? { cursor.file(checkFiles: checkFiles) }

    private func readAuthorization(_ fields: [String: YAMLCursor]) -> HTTPAuthorization {
        var result: HTTPAuthorization = .none
        var sources: [YAMLCursor] = []
        if let cursor = fields["authorization"], let auth = cursor.mapping(allowed: ["type", "credentials_file"],
                                                                         secretKeys: ["credentials": "credentials_file"]) {
            sources.append(cursor)
            let type = auth["type"]?.nonEmptyString() ?? "Bearer"
            if type.lowercased() == "basic" { auth["type"]?.problem("use basic_auth for Basic authorization") }
            if let fileCursor = auth["credentials_file"], let path = readFile(fileCursor) {
                result = .credentialsFile(type: type, path: path)
            } else if auth["credentials_file"] == nil {
                cursor.problem("credentials_file: required")
            }
        }
        if let cursor = fields["bearer_token_file"] {
            sources.append(cursor)
            if let path = readFile(cursor) { result = .credentialsFile(type: "Bearer", path: path) }
        }
        if let cursor = fields["basic_auth"], let auth = cursor.mapping(allowed: ["username", "password_file"],
                                                                       secretKeys: ["password": "password_file"]) {
            sources.append(cursor)
            if let username = auth["username"]?.nonEmptyString() {
                result = .basic(username: username, passwordFile: auth["password_file"].flatMap(readFile))
            } else if auth["username"] == nil {
                cursor.problem("username: required")
            }
        }
        if sources.count > 1 {
            sources[1].problem("only one of authorization, bearer_token_file and basic_auth may be given")
        }
        return result
    }

    private func readStaticConfig(_ cursor: YAMLCursor) -> StaticConfig? {
        guard let fields = cursor.mapping(allowed: ["targets", "labels"]) else { return nil }
        var group = StaticConfig(targets: [])
        if let targets = fields["targets"]?.sequence() {
            for target in targets {
                guard let address = target.nonEmptyString() else { continue }
                if address.contains("/") {
                    target.problem("\"\(address)\" is not host:port (scheme and path belong in scheme and metrics_path)")
                } else if let problem = Self.portProblem(address) {
                    target.problem("\"\(address)\": \(problem)")
                } else {
                    group.targets.append(address)
                }
            }
        } else if fields["targets"] == nil {
            cursor.problem("targets: required")
        }
        group.labels = fields["labels"]?.labels() ?? []
        return group
    }

    /// Why the port of `host:port` (or `[v6]:port`) cannot be dialled; nil when it can or when
    /// there is no port (the scheme's default applies).
    static func portProblem(_ address: String) -> String? {
        let portText: Substring
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]") else { return "unclosed [ in an IPv6 address" }
            let rest = address[address.index(after: close)...]
            guard !rest.isEmpty else { return nil }
            guard rest.hasPrefix(":") else { return "expected [address]:port" }
            portText = rest.dropFirst()
        } else {
            guard let colon = address.lastIndex(of: ":") else { return nil }
            if address[..<colon].contains(":") { return "IPv6 addresses go in brackets: [address]:port" }
            portText = address[address.index(after: colon)...]
        }
        guard let port = Int(portText), (1...65535).contains(port) else { return "port must be 1...65535" }
        return nil
    }

    private func readRegex(_ cursor: YAMLCursor) -> AnchoredRegex? {
        guard let pattern = cursor.string() else { return nil }
        do { return try AnchoredRegex(pattern) } catch {
            cursor.problem("invalid regular expression \"\(pattern)\"")
            return nil
        }
    }

    private func readRelabelRule(_ cursor: YAMLCursor) -> RelabelRule? {
        guard let fields = cursor.mapping(allowed: ["source_labels", "separator", "target_label", "regex",
                                                    "replacement", "action"]) else { return nil }
        var rule = RelabelRule()
        if let actionCursor = fields["action"], let text = actionCursor.string() {
            guard let action = RelabelRule.Action(rawValue: text.lowercased()) else {
                actionCursor.problem("unknown action \"\(text)\" (one of \(RelabelRule.Action.allCases.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            rule.action = action
        }
        if let labels = fields["source_labels"]?.stringList() {
            rule.sourceLabels = labels
            for (index, label) in labels.enumerated() where !LabelSet.isValidName(label) {
                fields["source_labels"]?.element(index, .scalar(.init(label))).problem("invalid label name \"\(label)\"")
            }
        }
        if let separator = fields["separator"]?.string() { rule.separator = separator }
        if let target = fields["target_label"]?.string() { rule.targetLabel = target }
        if let regexCursor = fields["regex"] {
            guard let regex = readRegex(regexCursor) else { return nil }
            rule.regex = regex
        }
        if let replacement = fields["replacement"]?.string() { rule.replacement = replacement }
        switch rule.action {
        case .replace, .lowercase:
            if rule.targetLabel == nil { cursor.problem("action \(rule.action.rawValue) requires target_label") }
            if rule.sourceLabels.isEmpty && rule.action == .lowercase { cursor.problem("action lowercase requires source_labels") }
        case .keep, .drop:
            if rule.sourceLabels.isEmpty { cursor.problem("action \(rule.action.rawValue) requires source_labels") }
        case .labeldrop, .labelkeep, .labelmap:
            if !rule.sourceLabels.isEmpty || rule.targetLabel != nil {
                cursor.problem("action \(rule.action.rawValue) takes only regex (and replacement for labelmap)")
            }
        }
        return rule
    }

    private func readKubernetesSD(_ cursor: YAMLCursor, preset: KubernetesPreset?) -> KubernetesSDConfig? {
        guard let fields = cursor.mapping(allowed: ["role", "api_server", "kubeconfig_file", "namespaces", "selectors",
                                                    "tls_config", "authorization", "bearer_token_file",
                                                    "refresh_interval"],
                                          secretKeys: ["bearer_token": "bearer_token_file"]) else { return nil }
        var role = preset?.discoveryRole
        if let roleCursor = fields["role"], let text = roleCursor.string() {
            if let parsed = KubernetesSDConfig.Role(rawValue: text) { role = parsed } else {
                roleCursor.problem("unsupported role \"\(text)\" (node or pod)")
                return nil
            }
        }
        guard let role else { cursor.problem("role: required (node or pod)"); return nil }
        var sd = KubernetesSDConfig(role: role)
        if let api = fields["api_server"], let text = api.string() {
            if URLParts(text) == nil { api.problem("invalid URL \"\(CredentialRedactor.redactURL(text))\"") } else { sd.apiServer = text }
        }
        sd.kubeconfigFile = fields["kubeconfig_file"].flatMap(readFile)
        if sd.apiServer != nil && sd.kubeconfigFile != nil {
            cursor.problem("api_server and kubeconfig_file are mutually exclusive")
        }
        if let namespaces = fields["namespaces"], let ns = namespaces.mapping(allowed: ["names", "own_namespace"]) {
            sd.namespaces = ns["names"]?.stringList() ?? []
            if let own = ns["own_namespace"], own.bool() == true {
                own.problem("own_namespace is not supported: list the namespace under names")
            }
        } else if let namespace = preset?.namespace {
            sd.namespaces = [namespace]
        }
        sd.labelSelector = preset?.podLabelSelector
        if let selectors = fields["selectors"]?.sequence() {
            for selector in selectors {
                guard let s = selector.mapping(allowed: ["role", "label", "field"]) else { continue }
                if let selectorRole = s["role"]?.string(), selectorRole != role.rawValue {
                    s["role"]?.problem("selector role \(selectorRole) does not match role \(role.rawValue)")
                }
                if let label = s["label"]?.string() { sd.labelSelector = label }
                if let field = s["field"]?.string() { sd.fieldSelector = field }
            }
        }
        if let tls = fields["tls_config"] { sd.tls = readTLS(tls) }
        sd.authorization = readAuthorization(fields)
        if let interval = fields["refresh_interval"]?.duration() {
            if interval >= 1 { sd.refreshIntervalSeconds = interval } else { fields["refresh_interval"]?.problem("must be at least 1s") }
        }
        return sd
    }
}
