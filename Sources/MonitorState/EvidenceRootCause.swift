import Foundation
import ProfileDiff
import SeriesStore

/// What grew in one profile between a target's baseline capture and the capture at a leak: the
/// top stacks of ``StackDiff`` (before, after, delta) and the one-line summary an alert carries.
///
/// Shown as an element of a finding's `rootCause` list in `/api/v1/findings/{id}` and as a table
/// under the finding in `soak report`; one per
/// captured profile (heap, goroutine). When no diff can be made — no baseline was captured
/// before the leak's onset, or a document does not decode — ``error`` says why and there are no
/// stacks.
public struct EvidenceRootCause: Sendable, Hashable {
    /// The profile's configured name (`heap`, `goroutine`).
    public let name: String
    /// The evidence fetched at the leak (``EvidenceRecord/id``).
    public let evidenceID: Int64
    /// The baseline it is compared with, nil when there was none.
    public let baselineID: Int64?
    public let baselineFetchedAt: Date?
    /// True when no baseline predated the leak's estimated onset and the oldest one before the
    /// capture was used: the diff then understates the growth.
    public let baselineAfterOnset: Bool
    public let fetchedAt: Date
    /// The compared quantity: `inuse_space` for heap profiles, `goroutine` for dumps.
    public let sampleType: String?
    public let totalBefore: Int64?
    public let totalAfter: Int64?
    /// ``StackDiff/summaryLine``: the top stack's first non-runtime frame and its growth.
    public let summary: String?
    /// The top stacks by growth (at most ``stackLimit``), whole frames, leaf first.
    public let diff: StackDiffReport?
    /// Why there is no diff.
    public let error: String?

    /// Stacks kept per profile.
    public static let stackLimit = 10

    /// Diffs `leak` (a finding's document, with its body) against `baseline`.
    public init(leak: EvidenceRecord, baseline: EvidenceRecord?, baselineAfterOnset: Bool = false) {
        self.baselineAfterOnset = baselineAfterOnset
        name = leak.name
        evidenceID = leak.id
        baselineID = baseline?.id
        baselineFetchedAt = baseline.map { Date(timeIntervalSince1970: Double($0.fetchedMs) / 1000) }
        fetchedAt = Date(timeIntervalSince1970: Double(leak.fetchedMs) / 1000)
        var result: StackDiff?
        var failure: String?
        if let baseline, let before = baseline.data, let after = leak.data {
            do {
                result = try StackDiff(before: try StackProfile.decode(before, limitBytes: Self.limit(before)),
                                       after: try StackProfile.decode(after, limitBytes: Self.limit(after)))
            } catch {
                failure = "cannot diff evidence \(leak.id) against baseline \(baseline.id): \(error)"
            }
        } else if leak.data == nil {
            failure = "the evidence was not captured" + (leak.error.map { ": \($0)" } ?? "")
        } else {
            failure = "no baseline of \(leak.name) from \(leak.url) was captured before the leak's evidence"
        }
        sampleType = result?.sampleType.type
        totalBefore = result?.totalBefore
        totalAfter = result?.totalAfter
        summary = result?.summaryLine
        diff = result.map { StackDiffReport($0, limit: Self.stackLimit) }
        error = failure
    }

    /// Decompressed documents may be larger than the fetch limit; this bounds them generously.
    private static func limit(_ body: [UInt8]) -> Int {
        max(StackProfile.defaultLimitBytes, body.count * 64)
    }
}

extension SeriesStore {
    /// The root causes of finding `findingID`: each of its captured documents diffed against the
    /// newest baseline of the same profile from the same URL fetched before `onsetMs`. The onset
    /// is the detector's conservative estimate (its window's start); when no baseline predates
    /// it — a young target, a long window — the oldest one before the capture still shows the
    /// growth since, understated, and says so (``EvidenceRootCause/baselineAfterOnset``).
    /// Empty when the finding has no evidence.
    public func rootCauses(findingID: Int64, onsetMs: Int64) throws(StoreError) -> [EvidenceRootCause] {
        var causes: [EvidenceRootCause] = []
        for entry in try evidence(findingID: findingID) {
            guard let document = try evidence(id: entry.id) else { continue }
            if let before = try latestBaseline(name: document.name, url: document.url, fetchedBeforeMs: onsetMs) {
                causes.append(EvidenceRootCause(leak: document, baseline: before))
            } else {
                let after = try earliestBaseline(name: document.name, url: document.url, fetchedBeforeMs: document.fetchedMs)
                causes.append(EvidenceRootCause(leak: document, baseline: after, baselineAfterOnset: after != nil))
            }
        }
        return causes
    }
}
