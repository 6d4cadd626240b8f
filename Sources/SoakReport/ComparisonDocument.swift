import Foundation

/// The JSON `soak compare --format json` writes (issue 14's shape), as the report reads it.
///
/// The report only displays it, so every number is optional: a row the comparison could not
/// judge carries `null`s and a reason. Times are accepted as RFC 3339 text or Unix seconds.
public struct ComparisonDocument: Decodable, Sendable, Hashable {
    /// One side of the comparison: its time span, the versions it covered, how many series.
    public struct Side: Decodable, Sendable, Hashable {
        public var from: ReportTime?
        public var to: ReportTime?
        public var versions: [String]
        public var series: Int?

        enum CodingKeys: String, CodingKey { case from, to, versions, series }

        public init(from: ReportTime? = nil, to: ReportTime? = nil, versions: [String] = [], series: Int? = nil) {
            self.from = from
            self.to = to
            self.versions = versions
            self.series = series
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            from = try container.decodeIfPresent(ReportTime.self, forKey: .from)
            to = try container.decodeIfPresent(ReportTime.self, forKey: .to)
            versions = try container.decodeIfPresent([String].self, forKey: .versions) ?? []
            if let count = try? container.decodeIfPresent(Int.self, forKey: .series) {
                series = count
            } else if let names = try? container.decodeIfPresent([String].self, forKey: .series) {
                series = names.count
            } else {
                series = nil
            }
        }
    }

    /// Level after warm-up: medians per side and the Hodges–Lehmann shift with its interval.
    public struct Level: Decodable, Sendable, Hashable {
        public var baselineMedian: Double?
        public var candidateMedian: Double?
        public var shift: Double?
        public var shiftCI: [Double]?
        public var ratio: Double?

        enum CodingKeys: String, CodingKey {
            case baselineMedian = "baseline_median", candidateMedian = "candidate_median", shift
            case shiftCI = "shift_ci", ratio
        }
    }

    /// Growth per hour per side and their difference with its interval.
    public struct Growth: Decodable, Sendable, Hashable {
        public var baselinePerHour: Double?
        public var candidatePerHour: Double?
        public var differencePerHour: Double?
        public var differenceCI: [Double]?

        enum CodingKeys: String, CodingKey {
            case baselinePerHour = "baseline_per_hour", candidatePerHour = "candidate_per_hour"
            case differencePerHour = "difference_per_hour", differenceCI = "difference_ci"
        }
    }

    /// Restarts per day on each side.
    public struct RestartsPerDay: Decodable, Sendable, Hashable {
        public var baseline: Double?
        public var candidate: Double?
    }

    /// One compared row: a metric and its matching labels, the group's verdict and numbers.
    public struct Row: Decodable, Sendable, Hashable {
        public var metric: String
        public var labels: [String: String]
        public var resource: String?
        public var verdict: String
        public var reason: String?
        public var level: Level?
        public var growth: Growth?
        public var restartsPerDay: RestartsPerDay?

        enum CodingKeys: String, CodingKey {
            case metric, labels, resource, verdict, reason, level, growth
            case restartsPerDay = "restarts_per_day"
        }
    }

    public var verdict: String
    public var baseline: Side
    public var candidate: Side
    public var rows: [Row]

    /// Decodes a document, with the file name and the decoder's coding path in the error.
    public static func decode(_ data: Data, source: String) throws(ReportError) -> ComparisonDocument {
        do {
            return try JSONDecoder().decode(ComparisonDocument.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ReportError(kind: .badInput, message: "\(source): not JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw ReportError(kind: .badInput, message: "\(source): missing \"\(key.stringValue)\" at \(path(context))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ReportError(kind: .badInput, message: "\(source): wrong type at \(path(context)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ReportError(kind: .badInput, message: "\(source): null at \(path(context))")
        } catch {
            throw ReportError(kind: .badInput, message: "\(source): \(error)")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let parts = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
        return parts.isEmpty ? "the top level" : "$" + parts.joined()
    }
}

/// A point in time as JSON writes it: RFC 3339 text or Unix seconds.
public struct ReportTime: Decodable, Sendable, Hashable {
    /// Milliseconds since the epoch.
    public var ms: Int64

    public init(ms: Int64) { self.ms = ms }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            ms = Int64((seconds * 1000).rounded())
            return
        }
        let text = try container.decode(String.self)
        guard let ms = ReportTime.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not RFC 3339 or Unix seconds: \(text)")
        }
        self.ms = ms
    }

    /// Parses RFC 3339 (with or without fractional seconds) or Unix seconds.
    public static func parse(_ text: String) -> Int64? {
        if let seconds = Double(text), seconds.isFinite { return Int64((seconds * 1000).rounded()) }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
