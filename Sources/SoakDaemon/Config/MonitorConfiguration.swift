import SoakModel
import Foundation
import LeakDetection
import MetricsScrape
import SeriesStore

/// Everything `soak run` needs, derived from one YAML file: what to scrape, where to store it,
/// how to detect, whom to alert, where to listen. Built once at start; a value, so the demo and
/// tests can make one in code and change a field.
public struct MonitorConfiguration: Sendable {
    /// The scrape side (jobs, targets, discovery) exactly as loaded.
    public var scrape: SoakConfig
    public var databasePath: String
    public var store: StoreConfiguration
    public var detector: DetectorConfiguration
    public var classifier: ResourceClassifier
    public var alerting: AlertingConfiguration
    public var web: WebSection
    /// What to fetch from a Go component when one of its series leaks (off unless `pprof: true`).
    public var evidence: EvidenceSection
    /// How often a firing episode is re-sent (the shortest Alertmanager resend interval, 60 s).
    public var resendIntervalSeconds: Double
    /// How far back the detector state is rebuilt from stored samples on start: long enough to
    /// leave warm-up and fill a window, and to see a whole load cycle.
    public var replaySeconds: Double
    /// Finished outbox rows older than this are deleted by the hourly housekeeping.
    public var outboxRetentionSeconds: Double = 3 * 86_400
    /// How often retention runs.
    public var retentionIntervalSeconds: Double = 3_600

    /// Reads, validates and derives from the file at `path`.
    public static func load(path: String, checkFiles: Bool = true) throws -> MonitorConfiguration {
        try MonitorConfiguration(MonitorConfigFile.load(path: path, checkFiles: checkFiles))
    }

    /// Derives the daemon's settings from a loaded file.
    /// - throws: ``MonitorConfigurationError`` when the alerting section cannot work (checked the
    ///   same way `makeNotifiers` will be at start, so `soak check-config` catches it).
    public init(_ config: MonitorConfigFile) throws(MonitorConfigurationError) {
        scrape = config.scrape
        databasePath = config.storage.path
        var store = StoreConfiguration()
        store.flushIntervalSeconds = config.storage.flushIntervalSeconds
        store.rawRetentionMs = Int64(config.storage.rawRetentionSeconds * 1000)
        store.rollupRetentionMs = Int64(config.storage.rollupRetentionSeconds * 1000)
        self.store = store
        detector = Self.detectorConfiguration(config.detection)
        classifier = Self.classifier(config.detection)
        alerting = config.alerting
        web = config.web
        evidence = config.evidence
        do {
            _ = try alerting.makeNotifiers()
        } catch let error as AlertingConfigurationError {
            throw MonitorConfigurationError(file: config.file, section: error.section, message: error.message)
        } catch {
            throw MonitorConfigurationError(file: config.file, section: "alerting", message: "\(error)")
        }
        resendIntervalSeconds = alerting.firingResendIntervalSeconds
        replaySeconds = Self.replaySeconds(for: detector)
    }

    /// The preset with the file's overrides applied.
    public static func detectorConfiguration(_ section: DetectionSection) -> DetectorConfiguration {
        var detector: DetectorConfiguration = section.preset == .compressed ? .timeCompressed : DetectorConfiguration()
        if let value = section.bucketSeconds { detector.bucketSeconds = value }
        if let value = section.windowBuckets {
            detector.windowBuckets = value
            detector.shortWindowBuckets = max(3, value / 4)
        }
        if let value = section.warmUpSeconds { detector.warmUpSeconds = value }
        if let value = section.scrapeGapSeconds { detector.scrapeGapSeconds = value }
        if let value = section.leakZ { detector.leakZ = value }
        if let value = section.suspectZ { detector.suspectZ = value }
        if let value = section.minimumGrowthPercentPerHour { detector.minimumGrowthPercentPerHour = value }
        if let value = section.confirmBuckets { detector.confirmBuckets = value }
        if let value = section.resolveBuckets { detector.resolveBuckets = value }
        return detector
    }

    /// The standard resource names plus the file's `resources` and `limits`.
    public static func classifier(_ section: DetectionSection) -> ResourceClassifier {
        var classifier = ResourceClassifier()
        for (metric, kind) in section.resources {
            classifier.assign(metric, to: ResourceKind(rawValue: kind) ?? .other)
        }
        for (metric, limit) in section.limits { classifier.setLimitMetric(limit, for: metric) }
        return classifier
    }

    /// Warm-up plus one long window plus one cycle period (the detector compares with a day ago),
    /// plus a bucket of slack: 1 h + 4 h + 24 h by default, 28 min compressed.
    public static func replaySeconds(for detector: DetectorConfiguration) -> Double {
        detector.warmUpSeconds + detector.windowSeconds + detector.cyclePeriodSeconds + detector.bucketSeconds
    }
}

/// A configuration that loads but cannot run: which file and section, and why.
public struct MonitorConfigurationError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var section: String
    public var message: String

    public var description: String { "\(file): \(section): \(message)" }
}
