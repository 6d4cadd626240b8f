import Foundation
import XCTest

/// A page as headless Chromium (Debian `chromium`) sees it: the DOM after load, every console
/// message, every network request the page started, and a screenshot.
///
/// Console messages come from `--enable-logging=stderr` (`INFO:CONSOLE:` lines; a CSP violation
/// is one). Requests come from the NetLog (`--log-net-log`): a request the page started carries
/// the page's `file://` origin in its network isolation key, which tells it apart from the
/// browser's own background traffic.
struct ChromiumPage {
    static let executable = "/usr/bin/chromium"

    /// The DOM after scripts (if any) ran, as Chromium serialises it.
    var dom: String
    var consoleMessages: [String]
    /// URLs the page itself asked for.
    var pageRequests: [String]

    /// Skips the calling test when Chromium is not installed.
    static func requireInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw XCTSkip("\(executable) is not installed (apt-get install chromium; `make deps-test` does)")
        }
    }

    /// Loads `file` and reads back its DOM, console and requests.
    static func load(_ file: URL) throws -> ChromiumPage {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("soak-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let netLog = scratch.appendingPathComponent("net.json")
        let (stdout, stderr) = try run([
            "--log-net-log=\(netLog.path)", "--enable-logging=stderr", "--v=0", "--dump-dom", file.absoluteString,
        ], profile: scratch.appendingPathComponent("profile"))
        let console = stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return ChromiumPage(dom: stdout, consoleMessages: console, pageRequests: try pageRequests(netLog))
    }

    /// Writes a PNG of `file` at `width`×`height` to `png`.
    static func screenshot(_ file: URL, to png: URL, width: Int = 1280, height: Int = 2400) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("soak-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        _ = try run(["--hide-scrollbars", "--screenshot=\(png.path)", "--window-size=\(width),\(height)", file.absoluteString],
                    profile: scratch.appendingPathComponent("profile"))
        guard FileManager.default.fileExists(atPath: png.path) else {
            throw TestSetupError("chromium wrote no screenshot at \(png.path)")
        }
    }

    private static func run(_ arguments: [String], profile: URL) throws -> (String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--user-data-dir=\(profile.path)",
        ] + arguments
        // Output goes to files: a full pipe nobody reads would block Chromium.
        let outFile = profile.appendingPathExtension("stdout"), errFile = profile.appendingPathExtension("stderr")
        try FileManager.default.createDirectory(at: profile.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
        defer { try? out.close(); try? err.close() }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TestSetupError("chromium did not finish within 90 s")
        }
        let outData = try Data(contentsOf: outFile), errData = try Data(contentsOf: errFile)
        return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    private static func pageRequests(_ netLog: URL) throws -> [String] {
        let data = try Data(contentsOf: netLog)
        guard let log = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let events = log["events"] as? [[String: Any]] else {
            throw TestSetupError("\(netLog.path): not a NetLog")
        }
        var urls: [String] = []
        for event in events {
            guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
                  let key = params["network_isolation_key"] as? String, key.contains("file://") else { continue }
            if !urls.contains(url) { urls.append(url) }
        }
        return urls
    }
}
