import MonitorState
import Crypto
import Foundation

extension LeakFinding {
    /// The episode identity: the first 16 bytes of SHA-256 over the sorted series labels and the
    /// onset time in whole milliseconds, as 32 lowercase hex digits.
    ///
    /// Sorting makes it independent of dictionary order; the onset makes a later, separate
    /// episode on the same series a new key. Nothing else goes in — not severity, slope or
    /// state — so every notification about one episode, across daemon restarts, shares the key.
    /// Labels are framed with NUL/0x01 separators, which cannot occur in a Prometheus label name
    /// and make `a="b,c"` and `a="b",c=""` hash differently.
    public static func episodeKey(seriesLabels: [String: String], onsetAt: Date) -> String {
        var hasher = SHA256()
        for (name, value) in seriesLabels.sorted(by: { $0.key < $1.key }) {
            hasher.update(data: Array(name.utf8))
            hasher.update(data: [0x00])
            hasher.update(data: Array(value.utf8))
            hasher.update(data: [0x01])
        }
        let onsetMs = onsetAt.unixMilliseconds
        hasher.update(data: Array("onset_ms=\(onsetMs)".utf8))
        return hasher.finalize().prefix(16).map { byteHex($0) }.joined()
    }

    static func byteHex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
