import Foundation
import XCTest
@_spi(CrashTest) @testable import SeriesStore

/// Kills a writing child process with SIGKILL at random moments and checks that every sample it
/// reported committed reads back exactly, with the file intact and nothing duplicated.
final class CrashTests: XCTestCase {
    /// Collects the child's stdout lines from the pipe's handler thread.
    private final class LineCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var buffer = Data()
        private var lines: [String] = []

        func append(_ data: Data) {
            lock.lock()
            defer { lock.unlock() }
            buffer.append(data)
            while let newline = buffer.firstIndex(of: 10) {
                lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }

        var snapshot: [String] {
            lock.lock()
            defer { lock.unlock() }
            return lines
        }
    }

    func testSigkillAtRandomMomentsLosesNothingCommitted() throws {
        // The child is built next to the test bundle by `swift build --build-tests`.
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: CrashTests.self).bundleURL.deletingLastPathComponent()]
        guard let child = folders.map({ $0.appendingPathComponent("StoreCrashChild") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            return XCTFail("StoreCrashChild not found in \(folders.map(\.path)); build with `swift build --build-tests`")
        }
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("crash.db")
        let seriesCount = 8
        var rng = SeededGenerator(seed: 0xC0FFEE)
        var committed = -1  // highest index every series had committed, as reported so far
        var stored = -1  // highest index found in the file after the last kill (≥ committed: a flush
                         // may commit and the kill land before its line is written)
        var kills = 0
        let started = Date()
        for run in 0..<24 {
            let process = Process()
            process.executableURL = child
            process.arguments = [path, String(seriesCount), String(1 + rng.next() % 4)]
            let pipe = Pipe()
            process.standardOutput = pipe
            let collector = LineCollector()
            pipe.fileHandleForReading.readabilityHandler = { handle in collector.append(handle.availableData) }
            try process.run()
            // Kill anywhere from during startup to well into the append/flush loop.
            usleep(useconds_t(10_000 + rng.next() % 400_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            pipe.fileHandleForReading.readabilityHandler = nil
            collector.append(pipe.fileHandleForReading.readDataToEndOfFile())
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "run \(run): the child died before the kill: \(collector.snapshot.suffix(3))")
            kills += process.terminationReason == .uncaughtSignal ? 1 : 0

            let lines = collector.snapshot
            if let resumed = lines.first(where: { $0.hasPrefix("resumed ") }) {
                XCTAssertEqual(Int(resumed.dropFirst(8)), stored, "run \(run): resumed right after the last stored sample")
            }
            for line in lines where line.hasPrefix("committed ") {
                committed = max(committed, Int(line.dropFirst(10)) ?? -1)
            }
            stored = try verify(path: path, seriesCount: seriesCount, committed: committed, run: run)
            if testRun?.failureCount ?? 0 > 0 { return }
        }
        XCTAssertGreaterThanOrEqual(kills, 20)
        XCTAssertGreaterThan(committed, 100, "the children made progress")
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    /// The file is intact and every series holds exactly stream samples 0...n with the same n
    /// (one flush is one transaction) and n ≥ `committed`; returns n.
    private func verify(path: String, seriesCount: Int, committed: Int, run: Int) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else {
            XCTAssertEqual(committed, -1, "run \(run): file missing after commits")
            return -1
        }
        var lastIndexes: Set<Int> = []
        var config = CrashStream.configuration
        config.readOnly = true  // look without changing anything the next child resumes from
        let store = try SeriesStore(path: path, configuration: config)
        XCTAssertEqual(try store.integrityCheck(), "ok", "run \(run)")
        for series in 0..<seriesCount {
            guard let id = store.existingSeriesID(for: CrashStream.key(series)) else {
                XCTAssertEqual(committed, -1, "run \(run): series \(series) missing")
                lastIndexes.insert(-1)
                continue
            }
            let samples = try store.samples(of: id)
            lastIndexes.insert(samples.count - 1)
            XCTAssertGreaterThanOrEqual(samples.count - 1, committed, "run \(run) series \(series): committed samples lost")
            let expectedTimes = (0..<samples.count).map(CrashStream.timestampMs)
            let expectedValues = (0..<samples.count).map { CrashStream.value(series: series, index: $0) }
            XCTAssertEqual(samples.timestampsMs, expectedTimes, "run \(run) series \(series): gap or duplicate")
            XCTAssertEqual(samples.values.map(\.bitPattern), expectedValues.map(\.bitPattern), "run \(run) series \(series)")
        }
        XCTAssertLessThanOrEqual(lastIndexes.count, 1, "run \(run): series committed unevenly: \(lastIndexes)")
        return lastIndexes.min() ?? -1
    }
}
