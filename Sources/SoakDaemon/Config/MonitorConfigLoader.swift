import ConfigSupport
import HTTPClient
import MetricsScrape
import SoakModel


/// The whole configuration file of `soak run`: the scrape side (read by MetricsScrape) and the
/// daemon's own sections, read once from one YAML document with every problem of the file
/// reported together, each with its line.
public struct MonitorConfigFile: Sendable {
    /// The top-level sections the daemon owns.
    public static let sections: Set<String> = ["storage", "detection", "alerting", "evidence", "web"]

    /// `global`, `scrape_configs`, `keep_all_metrics`.
    public var scrape: SoakConfig
    /// `storage:` — the daemon's database.
    public var storage = StorageSection()
    /// `detection:` — detector preset, overrides and extra metrics.
    public var detection = DetectionSection()
    /// `alerting:` — the alert hooks; without an `external_url`, links point at the web listener.
    public var alerting = AlertingConfiguration()
    /// `web:` — the monitor's HTTP surface.
    public var web = WebSection()
    /// `evidence:` — profiles fetched from a leaking Go component.
    public var evidence = EvidenceSection()

    /// The file it was loaded from (for messages).
    public var file: String { scrape.file }

    public init(scrape: SoakConfig) { self.scrape = scrape }

    /// Reads and validates `path`. Throws every problem found, each with file, line and YAML path.
    /// - Parameter checkFiles: also require that referenced files exist (off to validate a
    ///   config meant for another machine).
    public static func load(path: String, checkFiles: Bool = true) throws(ConfigError) -> MonitorConfigFile {
        guard let text = readTextFile(path) else {
            throw ConfigError(problems: [ConfigProblem(file: path, line: 0, path: "", message: "cannot read file")])
        }
        return try parse(yaml: text, file: path, checkFiles: checkFiles)
    }

    /// Validates YAML text; `file` names it in messages.
    public static func parse(yaml: String, file: String, checkFiles: Bool = true) throws(ConfigError) -> MonitorConfigFile {
        let log = ProblemLog(file: file)
        let root = try YAMLDocument.root(yaml: yaml, log: log)
        let (scrape, sections) = SoakConfig.read(root, checkFiles: checkFiles, otherSections: Self.sections)
        let reader = MonitorConfigLoader(checkFiles: checkFiles)
        var config = MonitorConfigFile(scrape: scrape)
        if let storage = sections["storage"] { config.storage = reader.readStorage(storage) }
        if let detection = sections["detection"] { config.detection = reader.readDetection(detection) }
        // Sections are read in this order so problems are listed as the file usually has them.
        config.alerting.externalURL = ""
        if let alerting = sections["alerting"] { config.alerting = reader.readAlerting(alerting, defaultExternalURL: "") }
        if let web = sections["web"] { config.web = reader.readWeb(web) }
        // Without an `external_url`, links point at the web listener.
        if config.alerting.externalURL.isEmpty { config.alerting.externalURL = "http://\(config.web.listenAddress)" }
        if let evidence = sections["evidence"] { config.evidence = reader.readEvidence(evidence) }
        reader.keepDetectionMetrics(config.detection, in: &config.scrape)
        if !log.problems.isEmpty { throw ConfigError(problems: log.problems) }
        return config
    }
}

/// Reading of the daemon's top-level sections (`storage`, `detection`, `alerting`, `web`,
/// `evidence`) with the same rules as the scrape configuration: unknown keys and inline secrets
/// are problems reported at their line, every problem of the file is listed in one run.
struct MonitorConfigLoader {
    let checkFiles: Bool

    func readFile(_ cursor: YAMLCursor) -> String? { cursor.file(checkFiles: checkFiles) }

    func readStorage(_ cursor: YAMLCursor) -> StorageSection {
        var storage = StorageSection()
        guard let fields = cursor.mapping(allowed: ["path", "flush_interval", "raw_retention", "rollup_retention"]) else {
            return storage
        }
        if let path = fields["path"]?.nonEmptyString() { storage.path = path }
        if let value = positiveDuration(fields["flush_interval"]) { storage.flushIntervalSeconds = value }
        if let value = positiveDuration(fields["raw_retention"]) { storage.rawRetentionSeconds = value }
        if let value = positiveDuration(fields["rollup_retention"]) { storage.rollupRetentionSeconds = value }
        if storage.rollupRetentionSeconds < storage.rawRetentionSeconds, let rollup = fields["rollup_retention"] {
            rollup.problem("rollup_retention (\(PrometheusDuration.format(storage.rollupRetentionSeconds))) is shorter than raw_retention (\(PrometheusDuration.format(storage.rawRetentionSeconds)))")
        }
        return storage
    }

    func readDetection(_ cursor: YAMLCursor) -> DetectionSection {
        var detection = DetectionSection()
        guard let fields = cursor.mapping(allowed: [
            "preset", "bucket", "window_buckets", "warm_up", "scrape_gap", "leak_z", "suspect_z",
            "minimum_growth_percent_per_hour", "confirm_buckets", "resolve_buckets", "resources", "limits",
        ]) else { return detection }
        if let presetCursor = fields["preset"], let text = presetCursor.string() {
            if let preset = DetectionSection.Preset(rawValue: text) {
                detection.preset = preset
            } else {
                presetCursor.problem("unknown preset \"\(text)\" (one of \(DetectionSection.Preset.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        detection.bucketSeconds = positiveDuration(fields["bucket"])
        detection.warmUpSeconds = nonNegativeDuration(fields["warm_up"])
        detection.scrapeGapSeconds = positiveDuration(fields["scrape_gap"])
        detection.windowBuckets = integer(fields["window_buckets"], atLeast: 6)
        detection.confirmBuckets = integer(fields["confirm_buckets"], atLeast: 1)
        detection.resolveBuckets = integer(fields["resolve_buckets"], atLeast: 1)
        detection.leakZ = number(fields["leak_z"], above: 0)
        detection.suspectZ = number(fields["suspect_z"], above: 0)
        detection.minimumGrowthPercentPerHour = number(fields["minimum_growth_percent_per_hour"], above: 0)
        if let leak = detection.leakZ, let suspect = detection.suspectZ, suspect > leak {
            fields["suspect_z"]?.problem("suspect_z (\(suspect)) is above leak_z (\(leak))")
        }
        if let resources = fields["resources"]?.labels() {
            for label in resources {
                if DetectionSection.resourceKinds.contains(label.value) {
                    detection.resources[label.name] = label.value
                } else {
                    fields["resources"]?.problem(
                        "\(label.name): unknown resource \"\(label.value)\" (one of \(DetectionSection.resourceKinds.joined(separator: ", ")))")
                }
            }
        }
        if let limits = fields["limits"]?.labels() {
            for label in limits {
                guard Label.isValidName(label.value) else {
                    fields["limits"]?.problem("\(label.name): \"\(label.value)\" is not a metric name")
                    continue
                }
                detection.limits[label.name] = label.value
            }
        }
        return detection
    }

    func readAlerting(_ cursor: YAMLCursor, defaultExternalURL: String) -> AlertingConfiguration {
        var alerting = AlertingConfiguration(externalURL: defaultExternalURL)
        guard let fields = cursor.mapping(allowed: [
            "external_url", "critical_horizon_hours", "terminal", "retry", "alertmanagers", "webhooks", "exec",
        ]) else { return alerting }
        if let url = fields["external_url"], let text = url.nonEmptyString() {
            if isHTTPURL(text, url) { alerting.externalURL = text }
        }
        if let hours = number(fields["critical_horizon_hours"], above: 0) { alerting.criticalHorizonHours = hours }
        if let terminal = fields["terminal"]?.bool() { alerting.terminal = terminal }
        if let retry = fields["retry"], let retryFields = retry.mapping(allowed: ["initial_seconds", "max_seconds"]) {
            if let value = number(retryFields["initial_seconds"], above: 0) { alerting.retry.initialSeconds = value }
            if let value = number(retryFields["max_seconds"], above: 0) { alerting.retry.maxSeconds = value }
            if alerting.retry.maxSeconds < alerting.retry.initialSeconds {
                retry.problem("max_seconds is below initial_seconds")
            }
        }
        var names: [String: Int] = [:]
        func claim(_ name: String?, default fallback: String, _ cursor: YAMLCursor) {
            let name = name ?? fallback
            if let line = names[name] {
                cursor.problem("receiver name \"\(name)\" already used at line \(line)")
            }
            names[name] = cursor.line
        }
        for (index, entry) in (fields["alertmanagers"]?.sequence() ?? []).enumerated() {
            guard let entryFields = entry.mapping(
                allowed: ["name", "url", "basic_auth", "bearer_token_file", "tls_ca_file", "timeout_seconds", "resend_interval_seconds"],
                secretKeys: ["bearer_token": "bearer_token_file"]) else { continue }
            var am = AlertmanagerConfiguration(url: "")
            am.name = entryFields["name"]?.nonEmptyString()
            am.url = receiverURL(entryFields["url"], entry) ?? ""
            am.credentials = readCredentials(entryFields, entry)
            am.tlsCAFile = entryFields["tls_ca_file"].flatMap(readFile)
            if let value = number(entryFields["timeout_seconds"], above: 0) { am.timeoutSeconds = value }
            if let value = number(entryFields["resend_interval_seconds"], above: 0) { am.resendIntervalSeconds = value }
            claim(am.name, default: "alertmanager-\(index)", entry)
            alerting.alertmanagers.append(am)
        }
        for (index, entry) in (fields["webhooks"]?.sequence() ?? []).enumerated() {
            guard let entryFields = entry.mapping(
                allowed: ["name", "url", "secret_file", "signature_header", "basic_auth", "bearer_token_file",
                          "tls_ca_file", "timeout_seconds"],
                secretKeys: ["bearer_token": "bearer_token_file", "secret": "secret_file"]) else { continue }
            var hook = WebhookConfiguration(url: "")
            hook.name = entryFields["name"]?.nonEmptyString()
            hook.url = receiverURL(entryFields["url"], entry) ?? ""
            hook.secretFile = entryFields["secret_file"].flatMap(readFile)
            hook.signatureHeader = entryFields["signature_header"]?.nonEmptyString() ?? WebhookSignature.defaultHeader
            hook.credentials = readCredentials(entryFields, entry)
            hook.tlsCAFile = entryFields["tls_ca_file"].flatMap(readFile)
            if let value = number(entryFields["timeout_seconds"], above: 0) { hook.timeoutSeconds = value }
            claim(hook.name, default: "webhook-\(index)", entry)
            alerting.webhooks.append(hook)
        }
        for (index, entry) in (fields["exec"]?.sequence() ?? []).enumerated() {
            guard let entryFields = entry.mapping(allowed: ["name", "command", "timeout_seconds"]) else { continue }
            var exec = ExecConfiguration(command: [])
            exec.name = entryFields["name"]?.nonEmptyString()
            if let command = entryFields["command"] {
                if let argv = command.stringList() {
                    if argv.first?.isEmpty ?? true { command.problem("command must name a program") }
                    exec.command = argv
                }
            } else {
                entry.problem("command: required (an argv list, run without a shell)")
            }
            if let value = number(entryFields["timeout_seconds"], above: 0) { exec.timeoutSeconds = value }
            claim(exec.name, default: "exec-\(index)", entry)
            alerting.exec.append(exec)
        }
        if alerting.terminal { claim(nil, default: "terminal", fields["terminal"]!) }
        return alerting
    }

    func readWeb(_ cursor: YAMLCursor) -> WebSection {
        var web = WebSection()
        guard let fields = cursor.mapping(allowed: ["listen_address", "bearer_token_file", "public_paths"],
                                          secretKeys: ["bearer_token": "bearer_token_file"]) else { return web }
        if let address = fields["listen_address"], let text = address.nonEmptyString() {
            if let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
               colon != text.startIndex {
                web.listenAddress = text
            } else {
                address.problem("expected host:port, e.g. 127.0.0.1:9847")
            }
        }
        web.bearerTokenFile = fields["bearer_token_file"].flatMap(readFile)
        if let paths = fields["public_paths"], let list = paths.stringList() {
            let unknown = list.filter { !WebSection.publicPathChoices.contains($0) }
            if unknown.isEmpty {
                web.publicPaths = list
            } else {
                paths.problem("\(unknown.joined(separator: ", ")) cannot be public (only \(WebSection.publicPathChoices.joined(separator: ", ")); the API stays behind the token)")
            }
        }
        return web
    }

    func readEvidence(_ cursor: YAMLCursor) -> EvidenceSection {
        var evidence = EvidenceSection()
        guard let fields = cursor.mapping(allowed: ["pprof", "jobs", "timeout", "max_bytes", "reuse_within", "profiles"]) else {
            return evidence
        }
        if let pprof = fields["pprof"]?.bool() { evidence.pprof = pprof }
        if let jobs = fields["jobs"]?.stringList() { evidence.jobs = jobs }
        if let value = positiveDuration(fields["timeout"]) { evidence.timeoutSeconds = value }
        if let value = nonNegativeDuration(fields["reuse_within"]) { evidence.reuseWithinSeconds = value }
        if let value = integer(fields["max_bytes"], atLeast: 1024) { evidence.maxBytes = value }
        if let profilesCursor = fields["profiles"], let profiles = profilesCursor.labels() {
            evidence.profiles = []
            for profile in profiles {
                guard profile.value.hasPrefix("/"), !profile.value.contains("://") else {
                    profilesCursor.problem("\(profile.name): \"\(profile.value)\" must be a path on the target's server, starting with /")
                    continue
                }
                evidence.profiles.append(EvidenceSection.Profile(name: profile.name, path: profile.value))
            }
            if profiles.isEmpty { profilesCursor.problem("at least one profile, e.g. heap: /debug/pprof/heap") }
        }
        return evidence
    }

    /// Every job keeps the extra watched metrics and their limits, so `detection.resources`
    /// works without also editing each job's `keep_metrics`.
    func keepDetectionMetrics(_ detection: DetectionSection, in config: inout SoakConfig) {
        let names = Set(detection.resources.keys).union(detection.limits.values).union(detection.limits.keys)
        let patterns = names.sorted().compactMap { try? AnchoredRegex(Self.escapeRegex($0)) }
        for index in config.scrapeConfigs.indices { config.scrapeConfigs[index].keepMetrics += patterns }
    }

    private static func escapeRegex(_ name: String) -> String {
        // Metric names are [a-zA-Z_:][a-zA-Z0-9_:]*: none of these is special in a regex.
        name
    }

    // MARK: Scalars

    private func positiveDuration(_ cursor: YAMLCursor?) -> Double? {
        guard let cursor, let value = cursor.duration() else { return nil }
        guard value > 0 else { cursor.problem("must be greater than 0"); return nil }
        return value
    }

    private func nonNegativeDuration(_ cursor: YAMLCursor?) -> Double? {
        guard let cursor, let value = cursor.duration() else { return nil }
        return value
    }

    private func number(_ cursor: YAMLCursor?, above minimum: Double) -> Double? {
        guard let cursor, let text = cursor.string() else { return nil }
        guard let value = Double(text), value.isFinite else { cursor.problem("expected a number, got \"\(text)\""); return nil }
        guard value > minimum else { cursor.problem("must be greater than \(minimum == 0 ? "0" : "\(minimum)")"); return nil }
        return value
    }

    private func integer(_ cursor: YAMLCursor?, atLeast minimum: Int) -> Int? {
        guard let cursor, let text = cursor.string() else { return nil }
        guard let value = Int(text) else { cursor.problem("expected an integer, got \"\(text)\""); return nil }
        guard value >= minimum else { cursor.problem("must be at least \(minimum)"); return nil }
        return value
    }

    private func isHTTPURL(_ text: String, _ cursor: YAMLCursor) -> Bool {
        guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
            cursor.problem("must start with http:// or https://")
            return false
        }
        if CredentialRedactor.redactURL(text) != text {
            cursor.problem("credentials in the url would be logged; use basic_auth with password_file")
            return false
        }
        return true
    }

    private func receiverURL(_ cursor: YAMLCursor?, _ entry: YAMLCursor) -> String? {
        guard let cursor else { entry.problem("url: required"); return nil }
        guard let text = cursor.nonEmptyString(), isHTTPURL(text, cursor) else { return nil }
        return text
    }

    private func readCredentials(_ fields: [String: YAMLCursor], _ entry: YAMLCursor) -> HTTPCredentials {
        var credentials = HTTPCredentials()
        credentials.bearerTokenFile = fields["bearer_token_file"].flatMap(readFile)
        if let basic = fields["basic_auth"],
           let basicFields = basic.mapping(allowed: ["username", "password_file"], secretKeys: ["password": "password_file"]) {
            let username = basicFields["username"]?.nonEmptyString()
            let passwordFile = basicFields["password_file"].flatMap(readFile)
            if let username, let passwordFile {
                credentials.basicAuth = HTTPCredentials.BasicAuth(username: username, passwordFile: passwordFile)
            } else {
                basic.problem("basic_auth needs username and password_file")
            }
        }
        if credentials.bearerTokenFile != nil && fields["basic_auth"] != nil {
            entry.problem("only one of bearer_token_file and basic_auth may be given")
        }
        return credentials
    }
}
