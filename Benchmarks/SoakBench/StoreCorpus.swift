import Foundation
import LeakDetection
import LeakEvaluation

/// The "realistic" store corpus (issue 19): what a cluster's metrics look like once printed,
/// rather than the smooth integers of the `size` part. 252 series, 36 h at exactly 30 s
/// (4,320 scrapes, 1,088,640 samples), written as the OpenMetrics backfill `soak import` and
/// `promtool tsdb create-blocks-from openmetrics` read:
///
/// - 84 gauges with noise, printed at 6 significant digits (`%.6g`, as Go's and Python's clients
///   print many derived gauges): 28 temperatures (daily cycle + N(0, 0.3)), 28 latencies
///   (0.05 s × lognormal σ 0.3), 28 memory sizes (3e8 ± drift ± N(0, 1e6) bytes, "3.01234e+08").
/// - 84 Poisson series: 56 counters whose increments per scrape are Poisson with λ 0.05, 0.5, 3,
///   20 or 150, and 28 gauges that are a Poisson count each scrape (queue length, λ 0.3 … 40).
/// - 84 constants (1, 0, 1024, 3.5, 0.25, 65536, a start time in seconds).
///
/// Seeded (`SeededGenerator`, the detector corpus' generator): every run writes the same bytes.
enum StoreCorpus {
    static let series = 252
    static let scrapes = 36 * 120
    static let intervalSeconds = 30
    static let startSeconds = 1_700_006_400  // a multiple of 2 h
    static var samples: Int { series * scrapes }

    /// Writes the corpus to `path`; returns its size in bytes.
    @discardableResult
    static func write(to path: String) throws -> Int {
        var random = SeededGenerator(seed: 19)
        var text = ""
        text.reserveCapacity(48 * samples)
        var written = 0
        guard let file = fopen(path, "w") else { throw BenchError("cannot write \(path)") }
        defer { fclose(file) }
        func flushText() {
            written += text.utf8.count
            fputs(text, file)
            text.removeAll(keepingCapacity: true)
        }
        func time(_ scrape: Int) -> String { String(startSeconds + scrape * intervalSeconds) }

        family(&text, "corpus_temperature_celsius", "gauge", "Sensor temperature.")
        for index in 0..<28 {
            let base = 45 + Double(index)
            for scrape in 0..<scrapes {
                let daily = 6 * sin(2 * Double.pi * Double(scrape) / 2_880)
                sample(&text, "corpus_temperature_celsius", index, sixDigits(base + daily + 0.3 * random.normal()), time(scrape))
            }
            flushText()
        }
        family(&text, "corpus_request_latency_seconds", "gauge", "Mean request latency over the last scrape.")
        for index in 0..<28 {
            let base = 0.01 * Double(1 + index % 7)
            for scrape in 0..<scrapes {
                sample(&text, "corpus_request_latency_seconds", index, sixDigits(base * exp(0.3 * random.normal())), time(scrape))
            }
            flushText()
        }
        family(&text, "corpus_cache_size_bytes", "gauge", "Bytes held by a cache.")
        for index in 0..<28 {
            var level = 3e8 + 1e7 * Double(index)
            for scrape in 0..<scrapes {
                level += 2e4 * random.normal()
                sample(&text, "corpus_cache_size_bytes", index, sixDigits(level + 1e6 * random.normal()), time(scrape))
            }
            flushText()
        }
        family(&text, "corpus_events", "counter", "Events handled.")
        let rates = [0.05, 0.5, 3, 20, 150]
        for index in 0..<56 {
            var total = 0.0
            for scrape in 0..<scrapes {
                total += random.poisson(rates[index % rates.count])
                sample(&text, "corpus_events_total", index, String(Int(total)), time(scrape))
            }
            flushText()
        }
        family(&text, "corpus_queue_length", "gauge", "Items waiting in a queue.")
        let means = [0.3, 2, 8, 40]
        for index in 0..<28 {
            for scrape in 0..<scrapes {
                sample(&text, "corpus_queue_length", index, String(Int(random.poisson(means[index % means.count]))), time(scrape))
            }
            flushText()
        }
        family(&text, "corpus_config_value", "gauge", "A configured value.")
        let constants = ["1", "0", "1024", "3.5", "0.25", "65536", "1.700006e+09"]
        for index in 0..<84 {
            for scrape in 0..<scrapes {
                sample(&text, "corpus_config_value", index, constants[index % constants.count], time(scrape))
            }
            flushText()
        }
        text += "# EOF\n"
        flushText()
        return written
    }

    private static func family(_ text: inout String, _ name: String, _ type: String, _ help: String) {
        text += "# TYPE \(name) \(type)\n# HELP \(name) \(help)\n"
    }

    private static func sample(_ text: inout String, _ name: String, _ index: Int, _ value: String, _ time: String) {
        text += name
        text += "{series=\""
        text += String(index)
        text += "\"} "
        text += value
        text += " "
        text += time
        text += "\n"
    }

    /// `%.6g`, as C and Go's `strconv.FormatFloat(v, 'g', 6, 64)` print it.
    private static func sixDigits(_ value: Double) -> String { String(format: "%.6g", value) }
}
