import LeakDetection
import LeakEvaluation

/// How one alerting method did on a corpus, scored per series.
///
/// A leak series alerted at or after its onset is a true positive (delay = alert − onset).
/// An alert on a healthy series, or on a leak series *before* its onset or after a stopping
/// leak's end, is a false alarm; a leak series without a valid alert is a miss.
struct DetectionScore {
    var truePositives = 0
    var falseAlarms = 0
    var misses = 0
    var delaysSeconds: [Double] = []
    var falseAlarmShapes: [String: Int] = [:]
    var missedShapes: [String: Int] = [:]

    mutating func record(_ series: CorpusSeries, firstAlertMs: Int64?) {
        if series.isLeak, let onsetMs = series.onsetMs {
            if let alertMs = firstAlertMs, alertMs >= onsetMs, alertMs <= series.leakEndMs ?? .max {
                truePositives += 1
                delaysSeconds.append(Double(alertMs - onsetMs) / 1000)
                return
            }
            if firstAlertMs != nil {
                falseAlarms += 1
                falseAlarmShapes[series.shape.rawValue, default: 0] += 1
            }
            misses += 1
            missedShapes[series.shape.rawValue, default: 0] += 1
        } else if firstAlertMs != nil {
            healthySeries += 1
            falseAlarms += 1
            falseAlarmShapes[series.shape.rawValue, default: 0] += 1
        } else {
            healthySeries += 1
        }
    }

    var precision: Double { truePositives + falseAlarms == 0 ? 1 : Double(truePositives) / Double(truePositives + falseAlarms) }
    var recall: Double { truePositives + misses == 0 ? 1 : Double(truePositives) / Double(truePositives + misses) }
    /// Series scored.
    var series: Int { truePositives + misses + healthySeries }
    /// Healthy series scored (for a family's false-alarm rate).
    var healthySeries = 0

    var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

    /// The q-quantile of the delays (nearest rank), in hours.
    func delayHours(quantile q: Double) -> Double? {
        guard !delaysSeconds.isEmpty else { return nil }
        let sorted = delaysSeconds.sorted()
        let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank] / 3600
    }
}
