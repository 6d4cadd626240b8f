import MonitorState
import HTTPClient
import Foundation
import Logging
import MetricsScrape
import SeriesStore

/// Fetches the configured profiles (by default a Go heap profile and a goroutine dump) from the
/// server a target is scraped from, with the target's TLS, credentials and proxy settings.
///
/// Each profile becomes one ``EvidenceRecord`` (its `findingID` is left 0 for the caller): the
/// body on success, the reason otherwise (404 when profiling is off, 401/403 when the scrape
/// identity may not read it, a timeout, the size limit). Nothing here throws: a failed fetch is
/// itself evidence and never delays or blocks the alert.
public struct EvidenceCapture: Sendable {
    public let section: EvidenceSection

    public init(section: EvidenceSection) {
        self.section = section
    }

    /// Whether a target qualifies: the section is on and either lists the target's job, or lists
    /// no jobs and the target runs Go (its scrapes showed `go_*` metrics).
    public func applies(toJob job: String, runsGo: Bool) -> Bool {
        guard section.pprof else { return false }
        return section.jobs.isEmpty ? runsGo : section.jobs.contains(job)
    }

    /// Fetches every profile, one after the other, on the HTTP client's thread for blocking
    /// work (``BlockingWork``), not on Swift concurrency's cooperative pool.
    public func fetch(from target: ScrapeTarget, clock: @escaping @Sendable () -> Date) async -> [EvidenceRecord] {
        let section = self.section
        return await BlockingWork.run {
            section.profiles.map { Self.fetch($0, from: target, section: section, clock: clock) }
        }
    }

    private static func fetch(_ profile: EvidenceSection.Profile, from target: ScrapeTarget, section: EvidenceSection,
                              clock: @Sendable () -> Date) -> EvidenceRecord {
        let fetchedMs = clock().unixMilliseconds
        guard let request = target.sibling(path: profile.path, timeoutSeconds: section.timeoutSeconds,
                                           bodyLimitBytes: section.maxBytes) else {
            return EvidenceRecord(findingID: 0, name: profile.name, url: target.redactedURL, fetchedMs: fetchedMs,
                                  httpStatus: 0, error: "the target's URL is not http(s)", data: nil)
        }
        let outcome: HTTPFetch.Outcome = HTTPFetch.get(request.httpTarget)
        let error = outcome.error.map { "\($0.kind.rawValue): \($0.message)" }
        return EvidenceRecord(findingID: 0, name: profile.name, url: request.redactedURL, fetchedMs: fetchedMs,
                              httpStatus: outcome.status, contentType: outcome.contentType, error: error,
                              data: error == nil ? outcome.body : nil)
    }
}
