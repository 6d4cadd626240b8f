import ConfigSupport
import HTTPClient
import ArgumentParser
import MetricsScrape
import SoakDaemon

/// `soak check-config FILE`: validates a configuration and lists every problem, or summarises
/// the jobs and targets it defines.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validates a SoakMonitor configuration file.",
        discussion: """
            Prints every problem with its file, line and YAML path, for example
              soak.yml:12: scrape_configs[0].tls_config.ca_fil: unknown key
            and exits with status 1. Unknown keys are problems: a typo must not be silently ignored.
            When the file is valid, prints each job with its interval, timeout and targets.

            Example:
              soak check-config /etc/soak/soak.yml
            """
    )

    @Argument(help: "The YAML configuration file (Prometheus-style global and scrape_configs).")
    var file: String

    @Flag(help: "Do not require that CA, certificate, key and credentials files exist (for a config written for another machine).")
    var skipFileChecks = false

    func run() throws {
        let config: MonitorConfigFile
        do {
            config = try MonitorConfigFile.load(path: file, checkFiles: !skipFileChecks)
        } catch {
            for problem in error.problems { print(problem.description) }
            print("\(file): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s")")
            throw ExitCode(1)
        }
        do {
            // The alerting section's cross-checks (receiver names, URLs) are the daemon's own.
            _ = try MonitorConfiguration(config)
        } catch {
            print(error.description)
            print("\(file): 1 problem")
            throw ExitCode(1)
        }
        print(Self.summary(of: config))
    }

    static func summary(of config: MonitorConfigFile) -> String {
        var lines = ["\(config.file): valid, \(config.scrape.scrapeConfigs.count) job\(config.scrape.scrapeConfigs.count == 1 ? "" : "s")"]
        for job in config.scrape.scrapeConfigs {
            let staticTargets = job.targets(from: job.staticConfigs.flatMap { group in
                group.targets.map { address -> LabelSet in
                    var set = LabelSet(group.labels)
                    set["__address__"] = address
                    return set
                }
            })
            var line = "  \(job.jobName): every \(PrometheusDuration.format(job.scrapeIntervalSeconds)), timeout \(PrometheusDuration.format(job.scrapeTimeoutSeconds))"
            if let preset = job.preset { line += ", preset \(preset.rawValue)" }
            line += job.keepAllMetrics ? ", all metrics" : ", leak-detection keep-list"
            lines.append(line)
            for target in staticTargets { lines.append("    \(target.redactedURL)") }
            for sd in job.kubernetesSDConfigs {
                let source = sd.apiServer.map { CredentialRedactor.redactURL($0) } ?? sd.kubeconfigFile.map { "kubeconfig \($0)" } ?? "in-cluster service account"
                var text = "    kubernetes \(sd.role.rawValue)s via \(source), every \(PrometheusDuration.format(sd.refreshIntervalSeconds))"
                if let selector = sd.labelSelector { text += ", selector \(selector)" }
                if !sd.namespaces.isEmpty { text += ", namespaces \(sd.namespaces.joined(separator: ","))" }
                lines.append(text)
            }
            if job.tls.insecureSkipVerify { lines.append("    warning: TLS verification disabled (insecure_skip_verify)") }
        }
        lines.append("  storage: \(config.storage.path), flush every \(PrometheusDuration.format(config.storage.flushIntervalSeconds)), raw retention \(PrometheusDuration.format(config.storage.rawRetentionSeconds)), rollups \(PrometheusDuration.format(config.storage.rollupRetentionSeconds))")
        lines.append("  detection: preset \(config.detection.preset.rawValue)" + (config.detection.resources.isEmpty ? "" : ", extra metrics \(config.detection.resources.keys.sorted().joined(separator: ","))"))
        let receivers = config.alerting.alertmanagers.count + config.alerting.webhooks.count + config.alerting.exec.count + (config.alerting.terminal ? 1 : 0)
        lines.append("  alerting: \(receivers) receiver\(receivers == 1 ? "" : "s")")
        lines.append("  web: \(config.web.listenAddress)" + (config.web.bearerTokenFile == nil ? "" : ", bearer token required"))
        if config.web.bearerTokenFile == nil, let http = try? MonitorHTTPConfiguration(listenAddress: config.web.listenAddress),
           !http.isLoopback {
            lines.append("    warning: HTTP surface beyond loopback without web.bearer_token_file: findings, target URLs and scrape errors are readable by anyone who can reach the port")
        }
        let evidence = config.evidence
        lines.append("  evidence: " + (evidence.pprof
            ? "\(evidence.profiles.map(\.name).joined(separator: ", ")) from " + (evidence.jobs.isEmpty ? "every Go target" : "jobs \(evidence.jobs.joined(separator: ","))") + " on a new leak"
            : "off"))
        // What the service account (or kubeconfig identity) must be granted: deploy/kubernetes
        // grants exactly this for its soak.yml (DeployManifestTests checks it).
        let access = config.requiredKubernetesAccess
        if !access.isEmpty { lines.append("  kubernetes RBAC: " + access.map(\.description).joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
