import Crypto
import Foundation

/// The page's only styling: one inline style sheet, allowed by the Content-Security-Policy through
/// its SHA-256 (no `unsafe-inline`, so no injected `style` attribute or element takes effect).
enum ReportStyle {
    /// The style sheet. It holds none of `& < > " '` (kept so by a test): the template inserts it
    /// verbatim, and the hash must match the bytes between `<style>` and `</style>`.
    static let css = """
    :root{--ink:#1d2430;--muted:#5b6575;--line:#d9dee6;--bg:#fbfcfd;--leak:#c0392b;--ok:#2e7d4f;--warn:#b9770e;--base:#3b6fb6;--cand:#d35400}
    *{box-sizing:border-box}
    body{margin:0 auto;max-width:1180px;padding:24px 28px 48px;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--ink);background:var(--bg)}
    h1{font-size:24px;margin:0 0 4px}
    h2{font-size:19px;margin:36px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
    h3{font-size:15px;margin:22px 0 6px;overflow-wrap:anywhere}
    .meta,.muted{color:var(--muted)}
    nav a{margin-right:14px}
    a{color:var(--base)}
    code,.series{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;overflow-wrap:anywhere;word-break:break-all}
    table{border-collapse:collapse;margin:8px 0 14px;min-width:40%}
    th,td{text-align:left;padding:4px 12px 4px 0;border-bottom:1px solid var(--line);vertical-align:top}
    th{font-weight:600;color:var(--muted);font-size:12.5px}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:8px 0 14px}
    dl.facts dt{color:var(--muted)}
    dl.facts dd{margin:0}
    .cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
    .card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;background:#fff;min-width:120px}
    .card b{display:block;font-size:22px}
    .state-firing,.verdict-regression{color:var(--leak);font-weight:600}
    .state-resolved,.verdict-improvement{color:var(--ok);font-weight:600}
    .verdict-inconclusive{color:var(--warn)}
    article.finding{border:1px solid var(--line);border-left:4px solid var(--leak);border-radius:6px;background:#fff;padding:6px 16px 10px;margin:14px 0}
    article.finding.resolved{border-left-color:var(--ok)}
    .component{margin:8px 0 18px}
    .panels{display:flex;flex-wrap:wrap;gap:8px}
    .panels svg.chart{width:220px;height:80px;border:1px solid var(--line);border-radius:4px;background:#fff}
    svg.chart{width:100%;max-width:760px;height:auto;background:#fff;border:1px solid var(--line);border-radius:4px}
    svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
    svg .grid{stroke:#edf0f4;stroke-width:1}
    svg .frame{stroke:#aab2bf;stroke-width:1}
    svg .range{fill:#9db6d9;fill-opacity:.45;stroke:none}
    svg .raw{fill:none;stroke:#9db6d9;stroke-width:1}
    svg .level{fill:none;stroke:#1f4e8c;stroke-width:1.6}
    svg .mean{fill:none;stroke:#1f4e8c;stroke-width:1.2}
    svg .mean.leaking{stroke:var(--leak)}
    svg .trend{fill:none;stroke:var(--leak);stroke-width:2.2}
    svg .projection{fill:none;stroke:var(--leak);stroke-width:1.6;stroke-dasharray:6 4}
    svg .limit{stroke:var(--leak);stroke-width:1;stroke-dasharray:2 3}
    svg .onset{stroke:var(--warn);stroke-width:1.4;stroke-dasharray:4 3}
    svg .boundary{stroke:#6c7a89;stroke-width:1;stroke-dasharray:1 3}
    svg .baseline{fill:none;stroke:var(--base);stroke-width:1.4;stroke-opacity:.85}
    svg .candidate{fill:none;stroke:var(--cand);stroke-width:1.4;stroke-opacity:.85}
    svg .baseline-text{fill:var(--base);font-weight:600}
    svg .candidate-text{fill:var(--cand);font-weight:600}
    svg .onset-text{fill:var(--warn)}
    svg .panel-title{fill:var(--ink);font-weight:600}
    svg .panel-value{fill:var(--ink)}
    .legend-key span{display:inline-block;margin-right:16px}
    .key-range{color:#6f8fbd}.key-level{color:#1f4e8c}.key-trend{color:var(--leak)}.key-onset{color:var(--warn)}
    footer{margin-top:40px;color:var(--muted);font-size:12px}
    @media print{body{max-width:none;padding:0}article.finding{break-inside:avoid}}
    """

    /// `sha256-…` of ``css``, for the policy's `style-src`.
    static let hashSource: String = {
        let digest = SHA256.hash(data: Data(css.utf8))
        return "'sha256-" + Data(digest).base64EncodedString() + "'"
    }()

    /// The page's Content-Security-Policy: nothing may load or run; only the one style sheet applies.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src \(hashSource); img-src 'none'; base-uri 'none'; form-action 'none'"
}
