/// The property the fuzzer and the corpus replay test check on one input: decoding either
/// succeeds or throws an ``EvidenceDecodeError`` with a message, and a decoded document diffed
/// against itself is flat. Shared so `make fuzz-profile` and `make test` check the same thing.
public enum EvidenceFuzzCheck {
    /// Checks one input; traps (a fuzzer finding) when the property does not hold.
    public static func check(_ bytes: [UInt8]) {
        // A small limit keeps decompression bombs from dominating a fuzzing run.
        let profile: StackProfile
        do {
            profile = try StackProfile.decode(bytes, limitBytes: 4 << 20)
        } catch {
            precondition(!error.message.isEmpty, "an error without a message: \(error.kind)")
            return
        }
        for index in profile.sampleTypes.indices {
            guard let diff = try? StackDiff(before: profile, after: profile, sampleIndex: String(index)) else {
                preconditionFailure("a profile does not diff against itself")
            }
            precondition(diff.entries.allSatisfy { $0.delta == 0 } && diff.totalDelta == 0, "a self-diff is not flat")
            _ = diff.summaryLine
            _ = diff.flatByFunction()
        }
    }
}
