import Foundation
import SeriesStore

/// Writes a report file and its evidence directory: what `soak report`, `soak demo` and tests call.
public enum ReportFile {
    /// Builds the report of `store` for `request` and writes it to `url`; evidence files go to
    /// `<name>-evidence/` beside it. Returns the model (for a summary line).
    @discardableResult
    public static func write(store: SeriesStore, request: ReportRequest, to url: URL) throws(ReportError) -> ReportModel {
        var request = request
        let base = url.deletingPathExtension().lastPathComponent + "-evidence"
        request.evidenceDirectory = url.deletingLastPathComponent().appendingPathComponent(base)
        request.evidenceLink = base.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", ":", "?", "#"])) ?? "evidence"
        let model = try ReportBuilder(store: store, request: request).build()
        let html = ReportPage().render(model)
        do {
            try Data(html.utf8).write(to: url, options: .atomic)
        } catch {
            throw ReportError(kind: .output, message: "\(url.path): \(error.localizedDescription)")
        }
        return model
    }

    /// The report of `store` as HTML, without evidence files (the daemon's `/report`).
    public static func html(store: SeriesStore, request: ReportRequest) throws(ReportError) -> String {
        var request = request
        request.evidenceDirectory = nil
        return ReportPage().render(try ReportBuilder(store: store, request: request).build())
    }
}
