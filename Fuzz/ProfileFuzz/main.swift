// libFuzzer target for the evidence decoders (`make fuzz-profile`).
//
// Every input goes through StackProfile.decode (gzip, profile.proto, goroutine dumps debug=1
// and debug=2) and, when it decodes, is diffed against itself: the diff must be flat. A crash, an
// ASan report, a leak or a timeout is a finding. The corpus in Fuzz/corpus/profile is replayed by
// ProfileDiffTests.FuzzCorpusReplayTests in `make test`. Built only with -sanitize=fuzzer (and
// -DSOAK_FUZZ); a normal build gets a stub main so that `swift build` still links.
#if SOAK_FUZZ
import ProfileDiff
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvidenceDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    EvidenceFuzzCheck.check(bytes)
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
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzEvidenceDecoders($0, $1) }))
#else
print("ProfileFuzz is a libFuzzer target: run `make fuzz-profile` (it builds with -sanitize=fuzzer,address).")
#endif
