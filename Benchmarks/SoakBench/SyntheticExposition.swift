/// A kube-apiserver-like exposition for the parser benchmark: request-latency histograms over
/// many resources and verbs with long label sets (as apiserver_request_duration_seconds has),
/// counters with escaped label values, and the Go runtime block every component exposes.
enum SyntheticExposition {
    static func kubeAPIServerLike(targetBytes: Int = 3_000_000) -> [UInt8] {
        var out = ""
        out.reserveCapacity(targetBytes + 100_000)
        let resources = ["pods", "deployments", "replicasets", "services", "endpoints", "configmaps", "secrets",
                         "nodes", "leases", "events", "namespaces", "serviceaccounts", "statefulsets", "daemonsets",
                         "jobs", "cronjobs", "ingresses", "customresourcedefinitions", "validatingwebhookconfigurations"]
        let groups = ["", "apps", "batch", "networking.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io"]
        let verbs = ["GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "DELETE", "APPLY"]
        let buckets = ["0.005", "0.025", "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1", "1.25", "1.5", "2", "3",
                       "4", "5", "6", "8", "10", "15", "20", "30", "45", "60", "+Inf"]
        out += "# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines 1873\n"
        out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.283948544e+09\n"
        out += "# HELP apiserver_admission_webhook_rejection_count [ALPHA] Admission webhook rejection count, identified by name and broken out for each admission type (validating or admit) and operation. Additional labels specify an error type (calling_webhook_error or apiserver_internal_error if an error occurred; no_error otherwise) and optionally a non-zero rejection code if the webhook rejects the request with an HTTP status code (honored by the apiserver when the code is greater or equal to 400). Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.\n"
        out += "# TYPE apiserver_admission_webhook_rejection_count counter\n"
        for k in 0..<200 {
            out += "apiserver_admission_webhook_rejection_count{error_type=\"calling_webhook_error\",name=\"policy-\(k).example.com\\\\rules\",operation=\"CREATE\",reason=\"denied: \\\"image \(k) not signed\\\"\\nsee runbook\",rejection_code=\"400\",type=\"validating\"} \(k * 7)\n"
        }
        out += "# HELP apiserver_request_duration_seconds [STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.\n"
        out += "# TYPE apiserver_request_duration_seconds histogram\n"
        var seed: UInt64 = 0x5EED
        func next() -> UInt64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return seed >> 33
        }
        var round = 0
        while out.utf8.count < targetBytes {
            for group in groups {
                for resource in resources {
                    for verb in verbs {
                        let labels = "component=\"apiserver\",dry_run=\"\",group=\"\(group)\",resource=\"\(resource)\",scope=\"\(round == 0 ? "resource" : "namespace-\(round)")\",subresource=\"\",verb=\"\(verb)\",version=\"v1\""
                        var cumulative: UInt64 = 0
                        for le in buckets {
                            cumulative += next() % 5000
                            out += "apiserver_request_duration_seconds_bucket{\(labels),le=\"\(le)\"} \(cumulative)\n"
                        }
                        out += "apiserver_request_duration_seconds_sum{\(labels)} \(Double(cumulative) * 0.0371)\n"
                        out += "apiserver_request_duration_seconds_count{\(labels)} \(cumulative)\n"
                        if out.utf8.count >= targetBytes { break }
                    }
                    if out.utf8.count >= targetBytes { break }
                }
                if out.utf8.count >= targetBytes { break }
            }
            round += 1
        }
        return Array(out.utf8)
    }
}
