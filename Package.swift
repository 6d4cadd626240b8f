// swift-tools-version: 6.1
// SoakMonitor: long-running leak detection for Kubernetes verification clusters.
import PackageDescription

let package = Package(
    name: "SoakMonitor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "soak", targets: ["SoakMonitor"]),
        .library(name: "MetricsScrape", targets: ["MetricsScrape"]),
        .library(name: "SeriesStore", targets: ["SeriesStore"]),
        .library(name: "LeakDetection", targets: ["LeakDetection"]),
        .library(name: "SoakDaemon", targets: ["SoakDaemon"]),
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
    ],
    targets: [
        // libcurl: the scraper's HTTP(S) client. The shim wraps variadic curl_easy_setopt.
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
        .target(
            name: "MetricsScrape",
            dependencies: [
                "CCurl", .product(name: "Yams", package: "Yams"),
                // Warnings (insecure_skip_verify, discovery failures) go to the caller's logger.
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SeriesStore", dependencies: ["CSQLite"]),
        // The detector alone: what the daemon ships.
        .target(name: "LeakDetection"),
        // What the detector is judged with, kept out of the shipped detector: the labelled
        // synthetic corpus, Prometheus' `deriv()` and the reference alert rules, the seeded
        // generator. Used by SoakEval, SoakBench, the tests and the demo's exporters.
        .target(name: "LeakEvaluation", dependencies: ["LeakDetection"]),
        // The always-on monitor's logic (alert hooks, outbox), kept out of the thin `soak`
        // executable so tests can reach it.
        .target(
            name: "SoakDaemon",
            dependencies: [
                "CCurl", "MetricsScrape", "SeriesStore", "LeakDetection",
                // Only `soak demo`'s exporters: their seeded noise.
                "LeakEvaluation",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // HTTP surface: /metrics, /healthz, /-/ready, /api/v1 (Sources/SoakDaemon/HTTP).
                .product(name: "Hummingbird", package: "hummingbird"),
                // `soak run`'s services (scraping, pipeline, outbox, retention) and graceful shutdown.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Own metrics: recorded through swift-metrics; the Prometheus backend is
                // bootstrapped once by the executable (SelfMetrics/SelfMetricsBootstrap).
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "SoakMonitor",
            dependencies: [
                "MetricsScrape", "SeriesStore", "LeakDetection", "SoakDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `make bench`: release-build throughput figures printed beside the peers' (see BENCHMARKS.md).
        .executableTarget(
            name: "SoakBench",
            dependencies: ["MetricsScrape", "SeriesStore", "LeakDetection", "LeakEvaluation"],
            path: "Benchmarks/SoakBench"
        ),
        // `make eval`: precision, recall and detection delay of the leak detector and of two
        // reference alert rules on the labelled synthetic corpus.
        .executableTarget(
            name: "SoakEval",
            dependencies: ["LeakDetection", "LeakEvaluation"],
            path: "Benchmarks/SoakEval"
        ),
        // `make fuzz`: libFuzzer entry point for the exposition parser (built only with -sanitize=fuzzer).
        .executableTarget(
            name: "ExpositionFuzz",
            dependencies: ["MetricsScrape"],
            path: "Fuzz/ExpositionFuzz"
        ),
        .testTarget(
            name: "MetricsScrapeTests",
            dependencies: ["MetricsScrape", .product(name: "Logging", package: "swift-log")]
        ),
        // The crash test's child: SeriesStoreTests launches it from the build folder and SIGKILLs it.
        .executableTarget(
            name: "StoreCrashChild",
            dependencies: ["SeriesStore"],
            path: "Tests/StoreCrashChild"
        ),
        .testTarget(name: "SeriesStoreTests", dependencies: ["SeriesStore"]),
        .testTarget(name: "LeakDetectionTests", dependencies: ["LeakDetection", "LeakEvaluation"]),
        // `soak analyze` end to end: launches the built `soak` from the build folder. Depending on
        // the executable target makes `swift build --build-tests` build `soak` first.
        .testTarget(name: "SoakMonitorTests", dependencies: ["SoakMonitor", "LeakDetection", "LeakEvaluation"]),
        .testTarget(
            name: "SoakDaemonTests",
            dependencies: [
                "SoakDaemon", "MetricsScrape", "SeriesStore", "LeakDetection", "CCurl",
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
