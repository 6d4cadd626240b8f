import MonitorState
import Foundation

/// The JSON shapes of `/api/v1`: field names are camelCase and stable (documented in
/// `docs/http-api.md`); every time appears twice, as RFC 3339 (`onsetAt`) and as Unix
/// seconds (`onsetAtUnix`); absent values are `null`, never missing keys, so clients can rely
/// on the shape. Non-finite numbers (which JSON cannot carry) become `null`.
enum APIJSON {
    /// Encodes findings, targets and errors with sorted keys, so the output is byte-stable.
    static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The shapes below contain only strings, finite numbers, nulls, booleans and
        // containers, which JSONEncoder always encodes.
        return Array((try? encoder.encode(value)) ?? Data("null".utf8))
    }

    /// `{"error": "..."}`.
    struct ErrorBody: Encodable {
        var error: String
    }
}

/// A finding as `/api/v1/soak/findings` renders it.
struct FindingJSON: Encodable {
    let snapshot: FindingSnapshot

    enum CodingKeys: String, CodingKey {
        case id, metric, labels, resource, state, severity, slopePerHour, growthPercentPerHour
        case hoursToExhaustion, confidence, windowStart, windowStartUnix, windowSeconds
        case judgedAt, judgedAtUnix, onsetAt, onsetAtUnix, firstAlertAt, firstAlertAtUnix
        case resolvedAt, resolvedAtUnix, dedupeKey, evidence, rootCause
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(snapshot.id, forKey: .id)
        try container.encode(snapshot.metricName, forKey: .metric)
        try container.encode(snapshot.seriesLabels, forKey: .labels)
        try container.encode(snapshot.resource.labelValue, forKey: .resource)
        try container.encode(snapshot.state.rawValue, forKey: .state)
        try container.encodeNullable(snapshot.severity?.rawValue, forKey: .severity)
        try container.encodeNullable(finiteOrNil(snapshot.slopePerHour), forKey: .slopePerHour)
        try container.encodeNullable(finiteOrNil(snapshot.growthPercentPerHour), forKey: .growthPercentPerHour)
        try container.encodeNullable(finiteOrNil(snapshot.hoursToExhaustion), forKey: .hoursToExhaustion)
        try container.encodeNullable(finiteOrNil(snapshot.confidence), forKey: .confidence)
        try container.encodeTime(snapshot.windowStart, forKey: .windowStart, unixKey: .windowStartUnix)
        try container.encodeNullable(finiteOrNil(snapshot.windowSeconds), forKey: .windowSeconds)
        try container.encodeTime(snapshot.judgedAt, forKey: .judgedAt, unixKey: .judgedAtUnix)
        try container.encodeTime(snapshot.onsetAt, forKey: .onsetAt, unixKey: .onsetAtUnix)
        try container.encodeTime(snapshot.firstAlertAt, forKey: .firstAlertAt, unixKey: .firstAlertAtUnix)
        try container.encodeTime(snapshot.resolvedAt, forKey: .resolvedAt, unixKey: .resolvedAtUnix)
        try container.encodeNullable(snapshot.dedupeKey, forKey: .dedupeKey)
        try container.encode(snapshot.evidence.map(EvidenceJSON.init(snapshot:)), forKey: .evidence)
        try container.encode(snapshot.rootCause.map(RootCauseJSON.init(cause:)), forKey: .rootCause)
    }
}

/// One profile's diff against the baseline, as a finding's `rootCause` lists it: the top stacks
/// (`kind`, `stacks` as `soak evidence diff --format json` prints them) and the summary line.
struct RootCauseJSON: Encodable {
    let cause: EvidenceRootCause

    enum CodingKeys: String, CodingKey {
        case name, evidenceId, baselineId, fetchedAt, fetchedAtUnix, baselineFetchedAt, baselineFetchedAtUnix, baselineAfterOnset
        case sampleType, totalBefore, totalAfter, summary, kind, stacks, error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cause.name, forKey: .name)
        try container.encode(String(cause.evidenceID), forKey: .evidenceId)
        try container.encodeNullable(cause.baselineID.map(String.init), forKey: .baselineId)
        try container.encodeTime(cause.fetchedAt, forKey: .fetchedAt, unixKey: .fetchedAtUnix)
        try container.encodeTime(cause.baselineFetchedAt, forKey: .baselineFetchedAt, unixKey: .baselineFetchedAtUnix)
        try container.encode(cause.baselineAfterOnset, forKey: .baselineAfterOnset)
        try container.encodeNullable(cause.sampleType, forKey: .sampleType)
        try container.encodeNullable(cause.totalBefore, forKey: .totalBefore)
        try container.encodeNullable(cause.totalAfter, forKey: .totalAfter)
        try container.encodeNullable(cause.summary, forKey: .summary)
        try container.encodeNullable(cause.diff?.kind.rawValue, forKey: .kind)
        try container.encode(cause.diff?.stacks ?? [], forKey: .stacks)
        try container.encodeNullable(cause.error, forKey: .error)
    }
}

/// A piece of evidence as a finding lists it; `href` is where its body is served.
struct EvidenceJSON: Encodable {
    let snapshot: EvidenceSnapshot

    enum CodingKeys: String, CodingKey {
        case id, name, url, fetchedAt, fetchedAtUnix, httpStatus, contentType, bytes, error, href
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(snapshot.id, forKey: .id)
        try container.encode(snapshot.name, forKey: .name)
        try container.encode(snapshot.url, forKey: .url)
        try container.encodeTime(snapshot.fetchedAt, forKey: .fetchedAt, unixKey: .fetchedAtUnix)
        try container.encode(snapshot.httpStatus, forKey: .httpStatus)
        try container.encodeNullable(snapshot.contentType, forKey: .contentType)
        try container.encode(snapshot.byteCount, forKey: .bytes)
        try container.encodeNullable(snapshot.error, forKey: .error)
        try container.encodeNullable(snapshot.error == nil ? snapshot.path : nil, forKey: .href)
    }
}

/// A target as `/api/v1/soak/targets` renders it.
struct TargetJSON: Encodable {
    let snapshot: TargetSnapshot

    enum CodingKeys: String, CodingKey {
        case job, instance, url, labels, health, lastScrapeAt, lastScrapeAtUnix, lastScrapeDurationSeconds
        case lastError, samplesScraped, detectedVersion, lastRestartAt, lastRestartAtUnix
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(snapshot.job, forKey: .job)
        try container.encode(snapshot.instance, forKey: .instance)
        try container.encode(snapshot.url, forKey: .url)
        try container.encode(snapshot.labels, forKey: .labels)
        try container.encode(snapshot.health.rawValue, forKey: .health)
        try container.encodeTime(snapshot.lastScrapeAt, forKey: .lastScrapeAt, unixKey: .lastScrapeAtUnix)
        try container.encodeNullable(finiteOrNil(snapshot.lastScrapeDurationSeconds), forKey: .lastScrapeDurationSeconds)
        try container.encodeNullable(snapshot.lastError, forKey: .lastError)
        try container.encodeNullable(snapshot.samplesScraped, forKey: .samplesScraped)
        try container.encodeNullable(snapshot.detectedVersion, forKey: .detectedVersion)
        try container.encodeTime(snapshot.lastRestartAt, forKey: .lastRestartAt, unixKey: .lastRestartAtUnix)
    }
}

private func finiteOrNil(_ value: Double?) -> Double? {
    guard let value, value.isFinite else { return nil }
    return value
}

extension KeyedEncodingContainer {
    /// Encodes `value`, or an explicit `null` (synthesised conformances omit the key instead).
    fileprivate mutating func encodeNullable<Value: Encodable>(_ value: Value?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    /// Encodes a time as RFC 3339 under `key` and as Unix seconds (milliseconds kept) under `unixKey`.
    fileprivate mutating func encodeTime(_ date: Date?, forKey key: Key, unixKey: Key) throws {
        try encodeNullable(date.map { RFC3339.string(from: $0) }, forKey: key)
        try encodeNullable(date.map { ($0.timeIntervalSince1970 * 1000).rounded() / 1000 }, forKey: unixKey)
    }
}
