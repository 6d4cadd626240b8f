import Foundation
import PromQL

/// A request's parameters: the URL query merged with a form-encoded POST body, as Prometheus'
/// `r.ParseForm()` gives them (repeated keys such as `match[]` keep every value).
struct APIParameters: Sendable {
    private var values: [String: [String]] = [:]

    init(query: String?, formBody: String?) {
        for text in [query, formBody].compactMap({ $0 }) {
            for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.decode(parts[0])
                let value = parts.count > 1 ? Self.decode(parts[1]) : ""
                values[key, default: []].append(value)
            }
        }
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    subscript(name: String) -> String? { values[name]?.first }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// A timestamp parameter in milliseconds: Unix seconds (fractions allowed) or RFC 3339.
    func time(_ name: String, default fallback: Int64? = nil) throws(PromQLError) -> Int64 {
        guard let text = self[name], !text.isEmpty else {
            if let fallback { return fallback }
            throw PromQLError(.badData, "invalid parameter \"\(name)\": cannot parse \"\" to a valid timestamp")
        }
        guard let ms = Self.parseTime(text) else {
            throw PromQLError(.badData, "invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid timestamp")
        }
        return ms
    }

    /// A duration parameter in milliseconds: seconds (fractions allowed) or a Prometheus duration (`5m`).
    func duration(_ name: String) throws(PromQLError) -> Int64? {
        guard let text = self[name], !text.isEmpty else { return nil }
        guard let ms = Self.parseDuration(text) else {
            throw PromQLError(.badData, "invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid duration")
        }
        return ms
    }

    /// Times beyond ±9.2e12 s (year ±292,000) are refused, so no time arithmetic can overflow.
    static let maxAbsoluteSeconds = 9.2e12

    /// Prometheus' `parseTime`: a float of Unix seconds (rounded to the millisecond), else RFC 3339.
    static func parseTime(_ text: String) -> Int64? {
        if let seconds = Double(text), seconds.isFinite {
            guard abs(seconds) < maxAbsoluteSeconds else { return nil }
            return Int64((seconds * 1000).rounded())
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }

    /// Prometheus' `parseDuration`: float seconds, else `model.ParseDuration`.
    static func parseDuration(_ text: String) -> Int64? {
        if let seconds = Double(text), seconds.isFinite {
            guard abs(seconds) * 1000 <= Double(PromDuration.maxMilliseconds) else { return nil }
            return Int64((seconds * 1000).rounded())
        }
        return PromDuration.milliseconds(text)
    }
}
