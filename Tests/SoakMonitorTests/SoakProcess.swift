import Foundation
import XCTest

/// The built `soak` executable, run as a user would: arguments, optional standard input, and
/// what it printed with its exit status.
enum SoakProcess {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `soak` executable, built next to the test bundle by `swift build --build-tests` (this
    /// target depends on the SoakMonitor executable target, so it is built before the tests).
    static func executable() throws -> URL {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: Anchor.self).bundleURL.deletingLastPathComponent()]
        guard let soak = folders.map({ $0.appendingPathComponent("soak") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("soak not found in \(folders.map(\.path)); build with `swift build --build-tests`")
        }
        return soak
    }

    /// Runs `soak` with `arguments`; returns its exit status and what it wrote to stdout and stderr.
    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read stderr on another thread: either pipe filling up would block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: box.data, as: UTF8.self))
    }

    private final class Anchor {}
}
