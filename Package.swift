// swift-tools-version: 6.1
// SoakMonitor: long-running leak detection for Kubernetes verification clusters.
import PackageDescription

let package = Package(
    name: "SoakMonitor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "soak", targets: ["SoakMonitor"]),
        .library(name: "SoakModel", targets: ["SoakModel"]),
        .library(name: "HTTPClient", targets: ["HTTPClient"]),
        .library(name: "ConfigSupport", targets: ["ConfigSupport"]),
        .library(name: "MetricsScrape", targets: ["MetricsScrape"]),
        .library(name: "SeriesStore", targets: ["SeriesStore"]),
        .library(name: "LeakDetection", targets: ["LeakDetection"]),
        .library(name: "LeakEvaluation", targets: ["LeakEvaluation"]),
        .library(name: "MonitorState", targets: ["MonitorState"]),
        .library(name: "PromQL", targets: ["PromQL"]),
        .library(name: "SoakDaemon", targets: ["SoakDaemon"]),
        .library(name: "SoakReport", targets: ["SoakReport"]),
        .library(name: "SoakDemo", targets: ["SoakDemo"]),
        .library(name: "ProfileDiff", targets: ["ProfileDiff"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // `soak report`'s page: Mustache templates escape every `{{value}}` by construction.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // pprof's profile.proto (heap profiles): generated code in Sources/ProfileDiff/Generated.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // libcurl: every outgoing HTTP(S) request (scrapes, discovery, alert hooks, evidence) goes
        // through the HTTPClient module over it. The shim wraps variadic curl_easy_setopt.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // SQLite: the series store. The shim exposes SQLITE_TRANSIENT, a macro Swift cannot import.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The shared vocabulary every other module speaks: labels, series identity, samples,
        // resource kinds, finding and alert states, anchored regexes. A leaf: no Foundation, no I/O.
        .target(name: "SoakModel"),
        // One HTTP client over libcurl (one global init, the multi interface, one place that blocks).
        .target(name: "HTTPClient", dependencies: ["CCurl"]),
        // The YAML cursor and line-accurate problem types every configuration section is read with.
        .target(
            name: "ConfigSupport",
            dependencies: ["SoakModel", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "MetricsScrape",
            dependencies: [
                "SoakModel", "HTTPClient", "ConfigSupport", "CCurl", .product(name: "Yams", package: "Yams"),
                // Warnings (insecure_skip_verify, discovery failures) go to the caller's logger.
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SeriesStore", dependencies: ["SoakModel", "CSQLite"]),
        // The detector alone: what the daemon ships.
        .target(name: "LeakDetection", dependencies: ["SoakModel"]),
        // What the detector is judged with, kept out of the shipped detector: the labelled
        // synthetic corpus, Prometheus' `deriv()` and the reference alert rules, the seeded
        // generator. Used by SoakEval, SoakBench, the tests and the demo's exporters.
        .target(name: "LeakEvaluation", dependencies: ["SoakModel", "LeakDetection"]),
        // The read API's query language: parser and evaluator of a PromQL subset over a small
        // storage protocol (no store, no network; see docs/http-api.md).
        .target(name: "PromQL", dependencies: ["SoakModel"]),
        // zlib: gunzip for pprof profiles (`/debug/pprof/heap` is gzipped profile.proto). The shim
        // wraps inflateInit2, a macro.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Evidence diffs: two heap profiles or goroutine dumps of one Go process → the stacks that
        // grew. Pure: no network, no store (docs/evidence.md).
        .target(
            name: "ProfileDiff",
            dependencies: ["CZlib", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Generated/README.md"]
        ),
        // The daemon's persistent state (findings, evidence, alert outbox; samples through the
        // store) with typed rows, readable by the pipeline, the API and reports alike.
        .target(name: "MonitorState", dependencies: ["SoakModel", "SeriesStore", "MetricsScrape", "PromQL", "ProfileDiff"]),
        // `soak report`: one self-contained HTML file (inline CSS and SVG, no script) built from a
        // store, the daemon's findings and evidence and, when given, a `soak compare` result.
        .target(
            name: "SoakReport",
            dependencies: [
                "SoakModel", "SeriesStore", "LeakDetection", "MonitorState",
                // The root-cause table: stack frames named as application or runtime code.
                "ProfileDiff",
                .product(name: "Mustache", package: "swift-mustache"),
                // SHA-256 of the inline style sheet, for the page's Content-Security-Policy.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The always-on monitor's logic (pipeline, alert hooks, outbox, API), kept out of the thin
        // `soak` executable so tests can reach it.
        .target(
            name: "SoakDaemon",
            dependencies: [
                "SoakModel", "HTTPClient", "ConfigSupport", "MetricsScrape", "SeriesStore", "LeakDetection", "MonitorState",
                // The Prometheus-compatible read API's query language (Sources/SoakDaemon/API/PrometheusAPI).
                "PromQL",
                // `GET /report`: the same page `soak report` writes.
                "SoakReport",
                // Root causes: a finding's profiles diffed against the target's baseline.
                "ProfileDiff",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // HTTP surface: /metrics, /healthz, /-/ready, /api/v1 (Sources/SoakDaemon/API).
                .product(name: "Hummingbird", package: "hummingbird"),
                // `soak run`'s services (scraping, pipeline, outbox, retention) and graceful shutdown.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // SIGHUP reloads the configuration (ReloadableMonitor).
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // Own metrics: recorded through swift-metrics; the Prometheus backend is
                // bootstrapped once by the executable (SelfMetrics/SelfMetricsBootstrap).
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // `soak demo`: the leaking exporter's generators, its server and the terminal view; kept
        // out of the daemon so production code ships no demo data.
        .target(
            name: "SoakDemo",
            dependencies: [
                "SoakModel", "MetricsScrape", "LeakDetection", "SoakDaemon",
                // The exporters' seeded noise.
                "LeakEvaluation",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "SoakMonitor",
            dependencies: [
                "SoakModel", "ConfigSupport", "MetricsScrape", "SeriesStore", "LeakDetection", "MonitorState",
                "SoakDaemon", "SoakDemo", "SoakReport", "ProfileDiff",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `make bench`: release-build throughput figures printed beside the peers' (see BENCHMARKS.md).
        .executableTarget(
            name: "SoakBench",
            dependencies: ["SoakModel", "MetricsScrape", "SeriesStore", "LeakDetection", "LeakEvaluation", "SoakReport"],
            path: "Benchmarks/SoakBench"
        ),
        // `make eval`: precision, recall and detection delay of the leak detector and of two
        // reference alert rules on the labelled synthetic corpus: per family, leave-one-family-out,
        // held-out seeds and held-out families.
        .executableTarget(
            name: "SoakEval",
            dependencies: ["SoakModel", "LeakDetection", "LeakEvaluation"],
            path: "Benchmarks/SoakEval"
        ),
        // `make fuzz`: libFuzzer entry point for the exposition parser (built only with -sanitize=fuzzer).
        .executableTarget(
            name: "ExpositionFuzz",
            dependencies: ["MetricsScrape"],
            path: "Fuzz/ExpositionFuzz"
        ),
        // `make fuzz-promql`: libFuzzer entry point for the PromQL parser and evaluator.
        .executableTarget(
            name: "PromQLFuzz",
            dependencies: ["PromQL"],
            path: "Fuzz/PromQLFuzz"
        ),
        // `make fuzz-profile`: libFuzzer entry point for the profile and goroutine-dump decoders.
        .executableTarget(
            name: "ProfileFuzz",
            dependencies: ["ProfileDiff"],
            path: "Fuzz/ProfileFuzz"
        ),
        .testTarget(
            name: "ProfileDiffTests",
            dependencies: ["ProfileDiff", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "MetricsScrapeTests",
            dependencies: [
                "SoakModel", "HTTPClient", "ConfigSupport", "MetricsScrape", .product(name: "Logging", package: "swift-log"),
                // DeployManifestTests reads the rendered Kubernetes manifests (YAML) and the shipped
                // soak.yml's daemon sections (MonitorConfigFile).
                .product(name: "Yams", package: "Yams"), "SoakDaemon",
            ]
        ),
        // The crash test's child: SeriesStoreTests launches it from the build folder and SIGKILLs it.
        .executableTarget(
            name: "StoreCrashChild",
            dependencies: ["SeriesStore"],
            path: "Tests/StoreCrashChild"
        ),
        .testTarget(name: "SeriesStoreTests", dependencies: ["SoakModel", "SeriesStore"]),
        .testTarget(name: "MonitorStateTests", dependencies: ["SoakModel", "SeriesStore", "MonitorState"]),
        .testTarget(name: "LeakDetectionTests", dependencies: ["SoakModel", "LeakDetection", "LeakEvaluation"]),
        // Includes Prometheus 2.42's own PromQL test scripts (../shared/testdata/promql-v2.42).
        .testTarget(name: "PromQLTests", dependencies: ["SoakModel", "PromQL"]),
        .testTarget(name: "SoakReportTests", dependencies: ["SoakReport", "SoakModel", "SeriesStore", "MonitorState", "LeakDetection", "LeakEvaluation"]),
        // `soak analyze` end to end: launches the built `soak` from the build folder. Depending on
        // the executable target makes `swift build --build-tests` build `soak` first.
        // Also the read API's conformance test against a real Prometheus (PrometheusConformanceTests).
        .testTarget(name: "SoakMonitorTests", dependencies: [
            "SoakMonitor", "SoakModel", "LeakDetection", "LeakEvaluation", "SoakDaemon", "MonitorState", "SeriesStore", "PromQL",
        ]),
        .testTarget(
            name: "SoakDemoTests",
            dependencies: [
                "SoakDemo", "SoakDaemon", "SoakModel", "MetricsScrape", "LeakDetection", "LeakEvaluation",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SoakDaemonTests",
            dependencies: [
                "SoakModel", "HTTPClient", "ConfigSupport", "SoakDaemon", "MetricsScrape", "SeriesStore", "LeakDetection", "PromQL",
                "MonitorState", "CCurl",
                // The report opened in headless Chromium, from a real monitored run (Report/).
                "SoakReport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
