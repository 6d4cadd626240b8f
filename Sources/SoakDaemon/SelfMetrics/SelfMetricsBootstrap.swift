import CoreMetrics
import Prometheus

/// Installs swift-prometheus as the process' swift-metrics backend, once.
///
/// Only the executable calls this (libraries never choose a backend); the returned registry is
/// what ``MonitorHTTPServer`` renders on `/metrics`.
public enum SelfMetricsBootstrap {
    /// Histogram buckets per self-metric, seconds. Scrapes of healthy targets take milliseconds,
    /// timeouts up to the scrape timeout (10 s default); a flush of a few thousand samples takes
    /// a few milliseconds, a stalled disk seconds.
    static let durationBuckets: [String: [Duration]] = [
        SelfMetricDescriptor.scrapeDuration.name: [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ],
        SelfMetricDescriptor.storeFlushDuration.name: [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        ],
    ]

    /// A factory recording into `registry` with SoakMonitor's histogram buckets (tests use
    /// this without bootstrapping the process-wide system).
    public static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = durationBuckets
        return factory
    }

    /// Bootstraps `MetricsSystem` with a Prometheus factory on the first call and returns its
    /// registry; later calls return the same registry without bootstrapping again
    /// (`MetricsSystem.bootstrap` traps when called twice).
    public static func bootstrapPrometheus() -> PrometheusCollectorRegistry {
        bootstrapped
    }

    /// Swift initialises a static `let` once, thread-safely, on first use.
    private static let bootstrapped: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(makeFactory(registry: registry))
        return registry
    }()
}
