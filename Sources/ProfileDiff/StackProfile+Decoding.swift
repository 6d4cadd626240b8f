/// Reading one piece of evidence as it was fetched or saved: a heap or goroutine profile
/// (profile.proto, gzipped or not) or a text goroutine dump (debug=1 or debug=2), told apart by
/// their first bytes.
extension StackProfile {
    /// The default limit on a decompressed document: the daemon's fetch limit (32 MiB) twice.
    public static let defaultLimitBytes = 64 << 20

    /// Decodes `bytes`; throws ``EvidenceDecodeError`` for anything that is neither form or is
    /// malformed or truncated.
    public static func decode(_ bytes: [UInt8], limitBytes: Int = defaultLimitBytes) throws(EvidenceDecodeError) -> StackProfile {
        guard !bytes.isEmpty else { throw EvidenceDecodeError(.unknownFormat, "the document is empty") }
        if GoroutineDumpParser.isGoroutineDump(bytes) {
            guard bytes.count <= limitBytes else {
                throw EvidenceDecodeError(.tooLarge, "the document exceeds \(limitBytes) bytes")
            }
            return try GoroutineDumpParser.parse(bytes)
        }
        if Gunzip.isGzip(bytes) || startsLikeProfileProto(bytes) {
            return try PprofProfileDecoder.decode(bytes, limitBytes: limitBytes)
        }
        throw EvidenceDecodeError(.unknownFormat, "neither a gzipped pprof profile nor a goroutine dump (first bytes: \(bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")))")
    }

    /// An uncompressed profile.proto starts with field 1 (`sample_type`, a length-delimited
    /// message: tag 0x0a), as Go and pprof write them.
    private static func startsLikeProfileProto(_ bytes: [UInt8]) -> Bool {
        bytes.first == 0x0a
    }
}
