import Foundation
import MetricsScrape

/// The lightest consumer: counts samples and folds the values, so the parse cannot be optimised away.
struct CountingVisitor: ExpositionVisitor {
    var samples = 0
    var checksum = 0.0
    mutating func visit(sample: SampleView) {
        samples += 1
        checksum += sample.value.isFinite ? sample.value : 0
    }
}

/// Parser throughput in MB/s and samples/s on one core.
///
/// (a) a generated kube-apiserver-like exposition of about 3 MB; (b) real expositions captured
/// at run time from etcd and prometheus-node-exporter (Debian packages) started on loopback;
/// (c) the shared dumps, among them Prometheus' own parser-benchmark input.
func runParserBenchmarks(arguments: [String]) {
    var inputs: [(name: String, bytes: [UInt8], peer: (String, Double)?)] = [
        ("kube-apiserver-like (generated)", SyntheticExposition.kubeAPIServerLike(), ("Prometheus textparse ~200", 200)),
    ]
    let live = !arguments.contains("--no-live")
    for component in [LoopbackComponent.etcd, LoopbackComponent.nodeExporter] where live {
        do {
            let running = try component()
            defer { running.stop() }
            inputs.append(("\(running.name) (live capture)", try running.fetchMetrics(), ("expfmt on node-exporter ~49", 49)))
        } catch {
            print("skipping a live capture: \(error)")
        }
    }
    let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/testdata/k8s-dumps")
    for file in ["prometheus-bench-alltypes.prom", "etcd-3.3.12.prom", "kubelet-1.13.4.prom"] {
        if let data = FileManager.default.contents(atPath: shared.appendingPathComponent(file).path) {
            inputs.append((file, [UInt8](data), file.hasPrefix("prometheus-bench") ? ("Prometheus textparse on it ~170", 170) : nil))
        }
    }
    let parser = ExpositionParser(format: .prometheusText)
    for input in inputs {
        var visitor = CountingVisitor()
        do {
            try parser.parse(input.bytes, into: &visitor)
        } catch {
            print("\(input.name): does not parse: \(error)")
            continue
        }
        let samples = visitor.samples
        let seconds = input.bytes.withUnsafeBytes { raw in
            bestSecondsPerCall {
                var v = CountingVisitor()
                try? parser.parse(raw, into: &v)
                precondition(v.samples == samples)
            }
        }
        let megabytes = Double(input.bytes.count) / 1e6
        print("\(input.name): \(input.bytes.count) bytes, \(samples) samples")
        report("  parse throughput", megabytes / seconds, "MB/s",
               target: input.name.hasPrefix("kube-apiserver") ? 400 : nil,
               peer: input.peer.map { (name: $0.0, value: $0.1) })
        report("  samples per second", Double(samples) / seconds / 1e6, "M samples/s")
    }
}
