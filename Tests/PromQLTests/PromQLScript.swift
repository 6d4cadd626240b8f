import Foundation
import PromQL
import SoakModel

/// Runs Prometheus' PromQL test-script format (promql/test.go at v2.42): `load <step>` with
/// series descriptions (`0+10x10`, `_x3`, `stale`), `clear`, and `eval[_fail|_ordered] instant
/// at <time> <expr>` followed by the expected samples. Like Prometheus' runner, every instant
/// evaluation is repeated as a range query over [t-1m, t+1m] at step 1m and compared at t.
struct PromQLScript {
    /// The outcome of one `eval` command.
    enum Outcome: Equatable {
        case passed
        /// The query uses a construct outside the subset (named).
        case skipped(construct: String)
        case failed(String)
    }

    struct Case {
        let file: String
        let line: Int
        let query: String
        let outcome: Outcome
    }

    private struct Expected {
        var scalar: Double?
        var samples: [Labels: (position: Int, value: Double)] = [:]
    }

    /// Runs one script file, returning an outcome per `eval`.
    static func run(file url: URL) throws -> [Case] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("#") ? "" : trimmed
        }
        var storage = MemoryStorage()
        var cases: [Case] = []
        var index = 0
        let name = url.lastPathComponent
        while index < lines.count {
            let line = lines[index]
            defer { index += 1 }
            if line.isEmpty { continue }
            if line == "clear" {
                storage = MemoryStorage()
            } else if line.hasPrefix("load ") {
                let stepText = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                guard let stepMs = PromDuration.milliseconds(stepText) else {
                    throw ScriptError("\(name):\(index + 1): bad load step \"\(stepText)\"")
                }
                while index + 1 < lines.count, !lines[index + 1].isEmpty {
                    index += 1
                    let (labels, values) = try seriesDescription(lines[index], "\(name):\(index + 1)")
                    var points: [Point] = []
                    for (position, value) in values.enumerated() {
                        if let value { points.append(Point(Int64(position) * stepMs, value)) }
                    }
                    storage.append(labels, points)
                }
            } else if line.hasPrefix("eval") {
                let evalLine = index + 1
                let command = try evalCommand(line, "\(name):\(evalLine)")
                var expected = Expected()
                var position = 1
                while index + 1 < lines.count, !lines[index + 1].isEmpty {
                    index += 1
                    let expectedLine = lines[index]
                    if let scalar = goParseNumber(expectedLine) {
                        expected.scalar = scalar
                        break
                    }
                    let (labels, values) = try seriesDescription(expectedLine, "\(name):\(index + 1)")
                    expected.samples[labels] = (position, values.first.flatMap { $0 } ?? .nan)
                    position += 1
                }
                let outcome = evaluate(command, expected, storage)
                cases.append(Case(file: name, line: evalLine, query: command.query, outcome: outcome))
            } else {
                throw ScriptError("\(name):\(index + 1): unknown command \"\(line)\"")
            }
        }
        return cases
    }

    private struct EvalCommand {
        var query: String
        var atMs: Int64
        var fail: Bool
        var ordered: Bool
    }

    private static func evalCommand(_ line: String, _ location: String) throws -> EvalCommand {
        // eval[_fail|_ordered] instant at <duration> <query>
        var words = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true).map(String.init)
        guard words.count == 5, words[1] == "instant", words[2] == "at",
              let atMs = PromDuration.milliseconds(words[3]) else {
            throw ScriptError("\(location): invalid eval command \"\(line)\"")
        }
        let modifier = words.removeFirst()
        return EvalCommand(query: words[3], atMs: atMs, fail: modifier == "eval_fail", ordered: modifier == "eval_ordered")
    }

    private static func evaluate(_ command: EvalCommand, _ expected: Expected, _ storage: MemoryStorage) -> Outcome {
        let engine = Engine(storage: storage)
        let result: Value
        do {
            result = try engine.instantQuery(command.query, atMs: command.atMs)
        } catch {
            if let construct = error.unsupportedConstruct { return .skipped(construct: construct) }
            return command.fail ? .passed : .failed("instant query failed: \(error)")
        }
        if command.fail { return .failed("expected an error, got a result") }
        if let problem = compare(result, expected, ordered: command.ordered) { return .failed(problem) }
        if command.ordered { return .passed }
        // Range mode, as Prometheus' runner checks it: the step at t must equal the instant result.
        do {
            let matrix = try engine.rangeQuery(command.query, startMs: command.atMs - 60_000,
                                               endMs: command.atMs + 60_000, stepMs: 60_000)
            var samples: [InstantSample] = []
            for series in matrix {
                if let point = series.points.first(where: { $0.timestampMs == command.atMs }) {
                    samples.append(InstantSample(series.labels, point.value))
                }
            }
            let rangeValue: Value = if case .scalar = result { .scalar(samples.first?.value ?? .nan) } else { .vector(samples) }
            if let problem = compare(rangeValue, expected, ordered: false) { return .failed("range mode: \(problem)") }
        } catch {
            return .failed("range mode query failed: \(error)")
        }
        return .passed
    }

    private static func compare(_ result: Value, _ expected: Expected, ordered: Bool) -> String? {
        switch result {
        case .scalar(let value):
            guard let scalar = expected.scalar else { return "got scalar \(value), expected a vector" }
            return almostEqual(scalar, value) ? nil : "expected scalar \(scalar), got \(value)"
        case .vector(let samples):
            var seen = Set<Labels>()
            for (position, sample) in samples.enumerated() {
                guard let expectation = expected.samples[sample.labels] else {
                    return "unexpected metric \(sample.labels) in result"
                }
                if ordered && expectation.position != position + 1 {
                    return "expected \(sample.labels) at position \(expectation.position), got \(position + 1)"
                }
                if !almostEqual(expectation.value, sample.value) {
                    return "expected \(expectation.value) for \(sample.labels), got \(sample.value)"
                }
                seen.insert(sample.labels)
            }
            for labels in expected.samples.keys where !seen.contains(labels) {
                return "expected metric \(labels) not found"
            }
            return nil
        case .matrix:
            return "received range result on instant evaluation"
        case .string(let text):
            return "received string \"\(text)\""
        }
    }

    /// Prometheus' `almostEqual`: NaN equals NaN, relative error below 1e-6.
    static func almostEqual(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        let minNormal = Double(bitPattern: 0x0010_0000_0000_0000)
        let diff = abs(a - b)
        if a == 0 || b == 0 || diff < minNormal { return diff < 1e-6 * minNormal }
        return diff / (abs(a) + abs(b)) < 1e-6
    }

    /// `strconv.ParseInt(s, 0, 64)` then `ParseFloat`, as the runner reads a scalar expectation.
    private static func goParseNumber(_ text: String) -> Double? {
        if text.contains(" ") || text.contains("{") { return nil }
        if text.hasPrefix("0x"), let value = Int64(text.dropFirst(2), radix: 16) { return Double(value) }
        switch text.lowercased() {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan": return .nan
        default: return Double(text)
        }
    }

    /// A series description: `metric{a="b"} 1 2+3x4 _ _x2 stale`. nil values are omitted steps.
    private static func seriesDescription(_ line: String, _ location: String) throws -> (Labels, [Double?]) {
        let splitIndex: String.Index
        if let brace = line.firstIndex(of: "}") {
            splitIndex = line.index(after: brace)
        } else {
            splitIndex = line.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? line.endIndex
        }
        let metricText = String(line[..<splitIndex])
        let labels = try labelSet(metricText, location)
        var values: [Double?] = []
        for token in line[splitIndex...].split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            values += try expandValue(String(token), location)
        }
        return (labels, values)
    }

    private static func labelSet(_ text: String, _ location: String) throws -> Labels {
        if text == "{}" { return Labels() }
        do {
            guard case .vectorSelector(let selector) = try Parser.parse(text) else {
                throw ScriptError("\(location): not a series: \(text)")
            }
            return Labels(selector.matchers.map { Label($0.name, $0.value) })
        } catch let error as PromQLError {
            throw ScriptError("\(location): \(error)")
        }
    }

    /// One value item: `_`, `_xN` (N omitted), `v`, `vxN` (N+1 copies), `a+bxN`/`a-bxN` (N+1 values).
    private static func expandValue(_ token: String, _ location: String) throws -> [Double?] {
        func number(_ text: Substring) throws -> Double {
            if text == "stale" { return Point.staleNaN }
            guard let value = goParseNumber(String(text)) else { throw ScriptError("\(location): bad value \"\(token)\"") }
            return value
        }
        if token == "_" { return [nil] }
        // In series descriptions `x` always means "times": `0x10` is eleven zeros, not hex.
        guard let x = token.lastIndex(of: "x"), let count = Int(token[token.index(after: x)...]) else {
            return [try number(Substring(token))]
        }
        let head = token[..<x]
        if head == "_" { return Array(repeating: nil, count: count) }
        // Split `a+b` / `a-b` at a sign that is not the leading one nor an exponent's.
        var split: String.Index?
        var i = head.index(after: head.startIndex)
        while i < head.endIndex {
            let previous = head[head.index(before: i)]
            if (head[i] == "+" || head[i] == "-") && previous != "e" && previous != "E" { split = i }
            i = head.index(after: i)
        }
        guard let split else { return Array(repeating: try number(head), count: count + 1) }
        var value = try number(head[..<split])
        let increment = try number(head[split...])
        var out: [Double?] = []
        for _ in 0...count {
            out.append(value)
            value += increment
        }
        return out
    }
}

struct ScriptError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
