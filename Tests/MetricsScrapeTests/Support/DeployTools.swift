import Foundation
import XCTest

/// The external tools the deploy tests drive (kubectl, kubernetes-validate, hadolint,
/// systemd-analyze), found on PATH. `make test` installs each when missing, so a tool that is
/// still missing is a failure with the fix in its message, never a silent pass.
enum DeployTools {
    /// The repository root (this file is Tests/MetricsScrapeTests/Support/DeployTools.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What one run printed and how it ended.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable `name` on PATH (or in ~/.local/bin, where `pip install --user` puts it).
    static func locate(_ name: String, installHint: String) throws -> URL {
        var folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        folders.append(NSHomeDirectory() + "/.local/bin")
        for folder in folders {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestFailure("\(name) not found on PATH: `make test` installs it (\(installHint))")
    }

    /// Runs `executable` with `arguments`, feeding `stdin`; waits for it.
    static func run(_ executable: URL, _ arguments: [String], stdin: String? = nil,
                    environment: [String: String]? = nil, in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Write and read on other threads: a large manifest fills a pipe before the tool exits.
        let writer = Thread {
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        final class Box: @unchecked Sendable { var data = Data() }
        let stderrBox = Box()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            stderrBox.data = errors.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        reader.start()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderrBox.data, as: UTF8.self))
    }

    /// The `soak` executable that `swift build --build-tests` put beside this test bundle.
    static func soakExecutable() throws -> URL {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: DeployToolsAnchor.self).bundleURL.deletingLastPathComponent()]
        guard let soak = folders.map({ $0.appendingPathComponent("soak") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestFailure("soak not found in \(folders.map(\.path)): build with `swift build --build-tests`")
        }
        return soak
    }
}

private final class DeployToolsAnchor {}

/// Serves the API server's discovery documents, and nothing else, on 127.0.0.1, so that
/// `kubectl create --dry-run=client` can map each manifest's kind to its resource without a
/// cluster: kubectl asks the server which resources exist before it decodes anything.
final class KubernetesDiscoveryStub {
    /// The kinds the manifests may use: (group/version, resource, kind, namespaced).
    static let kinds: [(groupVersion: String, resource: String, kind: String, namespaced: Bool)] = [
        ("v1", "namespaces", "Namespace", false),
        ("v1", "serviceaccounts", "ServiceAccount", true),
        ("v1", "configmaps", "ConfigMap", true),
        ("v1", "secrets", "Secret", true),
        ("v1", "services", "Service", true),
        ("v1", "persistentvolumeclaims", "PersistentVolumeClaim", true),
        ("apps/v1", "statefulsets", "StatefulSet", true),
        ("apps/v1", "deployments", "Deployment", true),
        ("rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false),
        ("rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false),
        ("rbac.authorization.k8s.io/v1", "roles", "Role", true),
        ("rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true),
        ("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true),
        ("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true),
    ]

    private let server: LoopbackHTTPServer
    var url: String { "http://127.0.0.1:\(server.port)" }

    init() throws {
        var documents: [String: Any] = ["/api": ["kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []]]
        var groups: [[String: Any]] = []
        for groupVersion in Set(Self.kinds.map(\.groupVersion)).sorted() {
            let resources = Self.kinds.filter { $0.groupVersion == groupVersion }.map { kind -> [String: Any] in
                ["name": kind.resource, "singularName": kind.kind.lowercased(), "namespaced": kind.namespaced,
                 "kind": kind.kind, "verbs": ["create", "get", "list"]]
            }
            let path = groupVersion == "v1" ? "/api/v1" : "/apis/\(groupVersion)"
            documents[path] = ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": groupVersion, "resources": resources]
            if groupVersion != "v1" {
                let parts = groupVersion.split(separator: "/").map(String.init)
                let version: [String: Any] = ["groupVersion": groupVersion, "version": parts[1]]
                groups.append(["name": parts[0], "versions": [version], "preferredVersion": version])
            }
        }
        documents["/apis"] = ["kind": "APIGroupList", "apiVersion": "v1", "groups": groups]
        let bodies = try documents.mapValues { try JSONSerialization.data(withJSONObject: $0) }
        server = try LoopbackHTTPServer { request in
            let path = String(request.path.prefix { $0 != "?" })
            guard let body = bodies[path] else { return .text("not found\n", status: 404) }
            return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
        }
    }

    func stop() { server.stop() }
}
