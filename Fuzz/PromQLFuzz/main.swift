// libFuzzer target for the PromQL parser and evaluator (`make fuzz-promql`).
//
// Every input is parsed as a query; what parses is evaluated as an instant and as a short range
// query over a small in-memory storage. A crash (an overflow trap, an index out of range), an
// ASan report, a leak or a timeout is a finding; an error must be a PromQLError with a message.
// Built only with -sanitize=fuzzer (and -DSOAK_FUZZ); a normal build gets a stub main.
#if SOAK_FUZZ
import PromQL
#if canImport(Glibc)
import Glibc
#endif

private let storage: MemoryStorage = {
    var storage = MemoryStorage()
    for (index, job) in ["api", "etcd"].enumerated() {
        storage.append(Labels(["__name__": "up", "job": job]), (0..<40).map { Point(Int64($0) * 15_000, 1) })
        storage.append(Labels(["__name__": "requests_total", "job": job, "le": "\(index)"]),
                       (0..<40).map { Point(Int64($0) * 15_000, Double($0 * (index + 1))) })
    }
    storage.append(Labels(["__name__": "requests_total", "job": "api", "le": "+Inf"]),
                   (0..<40).map { Point(Int64($0) * 15_000, Double($0 * 3)) })
    return storage
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromQL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let query = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let engine = Engine(storage: storage)
    do {
        let expr = try Parser.parse(query)
        _ = try? engine.instantQuery(expr, atMs: 300_000)
        _ = try? engine.rangeQuery(expr, startMs: 0, endMs: 600_000, stepMs: 60_000)
    } catch {
        precondition(!error.message.isEmpty, "empty error message")
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
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzPromQL($0, $1) }))
#else
print("PromQLFuzz is a libFuzzer target: run `make fuzz-promql` (it builds with -sanitize=fuzzer,address).")
#endif
