/// The text formats a `/metrics` endpoint can answer in.
///
/// Prometheus negotiates the format through `Accept` and reads the answer's `Content-Type`;
/// a scraper does the same, so the format is usually chosen with ``init(contentType:)``.
public enum ExpositionFormat: String, Sendable, Hashable, CaseIterable {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`), the default of most exporters.
    case prometheusText = "prometheus"
    /// OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0`).
    case openMetrics = "openmetrics"

    /// Picks the format from an HTTP `Content-Type` value, as Prometheus' scraper does:
    /// `application/openmetrics-text` means OpenMetrics, anything else (or nothing) means text 0.0.4.
    public init(contentType: String?) {
        guard let contentType else { self = .prometheusText; return }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        if String(mediaType.filter { $0 != " " && $0 != "\t" }).lowercased() == "application/openmetrics-text" {
            self = .openMetrics
        } else {
            self = .prometheusText
        }
    }
}
