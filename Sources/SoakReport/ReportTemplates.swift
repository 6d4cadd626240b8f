/// The report's Mustache templates. Values go in only through `{{name}}` (HTML-escaped); the
/// style sheet is part of the template text itself, never a value.
enum ReportTemplates {
    /// One chart as inline SVG; its context is an ``SVGChart``.
    static let chart = """
    <svg class="chart" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{label}}" xmlns="http://www.w3.org/2000/svg">\
    <title>{{label}}</title>\
    {{#rules}}<line class="{{cls}}" x1="{{x1}}" y1="{{y1}}" x2="{{x2}}" y2="{{y2}}"/>{{/rules}}\
    {{#areas}}<path class="{{cls}}" d="{{geometry}}"/>{{/areas}}\
    {{#lines}}<polyline class="{{cls}}" points="{{geometry}}"/>{{/lines}}\
    {{#labels}}<text class="{{cls}}" x="{{x}}" y="{{y}}" text-anchor="{{anchor}}">{{text}}</text>{{/labels}}\
    </svg>
    """

    static let page = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="{{csp}}">
    <meta name="referrer" content="no-referrer">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="SoakMonitor soak report">
    <title>{{title}}</title>
    <style>\(ReportStyle.css)</style>
    </head>
    <body>
    <header>
    <h1>{{title}}</h1>
    <p class="meta">{{spanText}} · generated {{generated}}</p>
    <nav><a href="#summary">Summary</a><a href="#findings">Findings</a><a href="#components">Components</a>{{#comparison}}<a href="#comparison">Comparison</a>{{/comparison}}</nav>
    </header>

    <section id="summary">
    <h2>Summary</h2>
    <div class="cards">{{#cards}}<div class="card"><b class="{{cls}}">{{value}}</b>{{label}}</div>{{/cards}}</div>
    <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
    <h3>Findings by resource</h3>
    {{#hasByResource}}<table><thead><tr><th>Resource</th><th class="num">Firing</th><th class="num">Resolved</th></tr></thead><tbody>
    {{#byResource}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
    {{/byResource}}</tbody></table>{{/hasByResource}}
    {{^hasByResource}}<p class="muted">No leak found in this range.</p>{{/hasByResource}}
    <h3>Scrape health</h3>
    {{#hasHealth}}<table><thead><tr><th>Job</th><th class="num">Targets</th><th class="num">Scrapes</th><th class="num">Up</th><th>Last error</th></tr></thead><tbody>
    {{#health}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
    {{/health}}</tbody></table>{{/hasHealth}}
    {{^hasHealth}}<p class="muted">No scrape records (a store filled by import has none).</p>{{/hasHealth}}
    <h3>Components</h3>
    <table><thead><tr><th>Component</th><th>Versions</th><th class="num">Restarts</th><th class="num">Series</th><th class="num">Findings</th></tr></thead><tbody>
    {{#componentTable}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
    {{/componentTable}}</tbody></table>
    {{#hasVersions}}<h3>Version changes</h3>
    <table><thead><tr><th>Time</th><th>Component</th><th>Version</th></tr></thead><tbody>
    {{#versions}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
    {{/versions}}</tbody></table>{{/hasVersions}}
    {{#hasRestarts}}<h3>Restarts</h3>
    <table><thead><tr><th>Time</th><th>Component</th><th>Detail</th></tr></thead><tbody>
    {{#restarts}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
    {{/restarts}}</tbody></table>{{/hasRestarts}}
    </section>

    <section id="findings">
    <h2>Findings</h2>
    {{#replayNote}}<p class="muted">{{replayNote}}</p>{{/replayNote}}
    {{#hasFindings}}<p class="legend-key muted"><span class="key-range">■ raw range and mean per step</span><span class="key-level">— level the detector judged (post-GC floor for memory, mean for counts)</span><span class="key-trend">— fitted trend, dashed: projection to the limit</span><span class="key-onset">┆ onset</span><span>┆ segment boundary</span></p>{{/hasFindings}}
    {{^hasFindings}}<p>No leak found in this range.</p>{{/hasFindings}}
    {{#findings}}<article class="finding {{stateClass}}" id="{{anchor}}">
    <h3><span class="state-{{stateClass}}">{{state}}</span> · {{title}}</h3>
    <p class="series">{{series}}</p>
    {{#chart}}{{> chart}}{{/chart}}
    <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
    {{#hasEvidence}}<p>Evidence: {{#evidence}}{{#href}}<a href="{{href}}">{{name}}</a> ({{size}}) {{/href}}{{^href}}{{name}}: {{note}} {{/href}}{{/evidence}}</p>{{/hasEvidence}}
    {{#hasRootCauses}}<div class="root-cause"><h4>What grew since the baseline</h4>{{#rootCauses}}<p><strong>{{name}}</strong>{{#unit}} ({{unit}}){{/unit}}{{#summary}}: {{summary}}{{/summary}}</p>{{#note}}<p class="muted">{{note}}</p>{{/note}}
    {{#hasStacks}}<table><thead><tr><th>first application frame</th><th>leaf</th><th>before</th><th>after</th><th>growth</th></tr></thead><tbody>{{#stacks}}<tr><td class="series">{{frame}}</td><td class="series">{{leaf}}</td><td>{{before}}</td><td>{{after}}</td><td>{{delta}}</td></tr>{{/stacks}}</tbody></table>{{/hasStacks}}{{/rootCauses}}</div>{{/hasRootCauses}}
    </article>
    {{/findings}}
    </section>

    <section id="components">
    <h2>Components</h2>
    <p class="muted">Per component: memory, heap, file descriptors, goroutines, threads over the whole run (band: min–max per step, line: mean; red: a finding names the series).</p>
    {{#components}}<div class="component"><h3 class="series">{{key}}</h3><p class="muted">{{facts}}</p>
    {{#hasPanels}}<div class="panels">{{#panels}}{{> chart}}{{/panels}}</div>{{/hasPanels}}{{^hasPanels}}<p class="muted">No resource series.</p>{{/hasPanels}}
    </div>
    {{/components}}
    </section>

    {{#comparison}}<section id="comparison">
    <h2>Comparison: <span class="{{verdictClass}}">{{verdict}}</span></h2>
    <table><thead><tr><th>Side</th><th>Versions</th><th>From</th><th>To</th><th class="num">Series</th></tr></thead><tbody>
    {{#sides}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
    {{/sides}}</tbody></table>
    <table><thead><tr><th>Row</th><th>Resource</th><th>Verdict</th><th>Reason</th></tr></thead><tbody>
    {{#table}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
    {{/table}}</tbody></table>
    {{#rows}}<h3 class="series">{{title}} · <span class="{{verdictClass}}">{{verdict}}</span></h3>
    <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
    {{#chart}}{{> chart}}{{/chart}}
    {{/rows}}
    </section>{{/comparison}}

    <footer>Written by SoakMonitor's <code>soak report</code> at {{generated}}. Self-contained: no script, nothing loaded from elsewhere.</footer>
    </body>
    </html>
    """
}
