// libFuzzer target for the exposition parser (`make fuzz`).
//
// Every input is parsed as text 0.0.4 and as OpenMetrics; each sample and family that parses is
// copied out, which walks the escape decoding and the views. A crash, an ASan report, a leak or a
// timeout is a finding. Built only with -sanitize=fuzzer (and -DSOAK_FUZZ); a normal build gets a
// stub main so that `swift build` of the whole package still links.
#if SOAK_FUZZ
import MetricsScrape
#if canImport(Glibc)
import Glibc
#endif

private struct CopyingVisitor: ExpositionVisitor {
    var count = 0
    mutating func visit(family: FamilyView) { count &+= family.materialize().name.utf8.count }
    mutating func visit(sample: SampleView) {
        let copy = sample.materialize()
        count &+= copy.labels.count
        if let exemplar = sample.exemplar { count &+= exemplar.labels.materialize().count }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpositionParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    for format in ExpositionFormat.allCases {
        var visitor = CopyingVisitor()
        do {
            try ExpositionParser(format: format).parse(input, into: &visitor)
        } catch {
            // An error must point inside the input (line ≥ 1, column ≥ 1) and say something.
            precondition(error.line >= 1 && error.column >= 1 && !error.reason.isEmpty, "bad error: \(error)")
        }
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzExpositionParser($0, $1) }))
#else
print("ExpositionFuzz is a libFuzzer target: run `make fuzz` (it builds with -sanitize=fuzzer,address).")
#endif
