import Foundation
import XCTest

/// Runs the built `soak` executable, found next to the test bundle: `swift build --build-tests`
/// builds it first because SoakMonitorTests depends on the SoakMonitor executable target.
enum SoakProcess {
    static func executable() throws -> URL {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: AnalyzeCommandTests.self).bundleURL.deletingLastPathComponent()]
        guard let soak = folders.map({ $0.appendingPathComponent("soak") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("soak not found in \(folders.map(\.path)); build with `swift build --build-tests`")
        }
        return soak
    }

    /// Runs `soak` with `arguments`; returns its exit status and what it wrote to stdout and stderr.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would block the child (stderr is short).
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
