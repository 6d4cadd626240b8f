import CZlib

/// Decompresses gzip (or zlib) framed bytes with a size limit, as `/debug/pprof/heap` serves them.
///
/// pprof accepts profiles both gzipped and raw; ``decompressIfNeeded(_:limitBytes:)`` does the
/// same by looking at the gzip magic number. Concatenated gzip members are decoded one after the
/// other (as `gzip -d` does).
public enum Gunzip {
    /// Whether `bytes` start with the gzip magic number 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Returns `bytes` decompressed when they are gzipped, unchanged otherwise.
    public static func decompressIfNeeded(_ bytes: [UInt8], limitBytes: Int) throws(EvidenceDecodeError) -> [UInt8] {
        guard isGzip(bytes) else {
            guard bytes.count <= limitBytes else { throw tooLarge(limitBytes) }
            return bytes
        }
        return try decompress(bytes, limitBytes: limitBytes)
    }

    /// Inflates a gzip or zlib stream; throws on corrupt or truncated input and when the output
    /// would exceed `limitBytes` (a decompression bomb stops there, not at memory exhaustion).
    public static func decompress(_ bytes: [UInt8], limitBytes: Int) throws(EvidenceDecodeError) -> [UInt8] {
        var output: [UInt8] = []
        var stream = z_stream()
        guard soak_inflate_init_auto(&stream) == Z_OK else {
            throw EvidenceDecodeError(.gzip, "zlib could not initialise an inflater")
        }
        defer { inflateEnd(&stream) }
        let chunkBytes = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        var failure: EvidenceDecodeError?
        bytes.withUnsafeBufferPointer { input in
            var consumed = 0
            while consumed < input.count {
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.avail_in = UInt32(input.count - consumed)
                var status = Z_OK
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        return inflate(&stream, Z_NO_FLUSH)
                    }
                    let produced = chunkBytes - Int(stream.avail_out)
                    if output.count + produced > limitBytes {
                        failure = tooLarge(limitBytes)
                        return
                    }
                    output.append(contentsOf: chunk[0..<produced])
                    if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                        let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                        failure = EvidenceDecodeError(.gzip, "corrupt gzip data: \(reason)")
                        return
                    }
                    if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
                consumed = input.count - Int(stream.avail_in)
                if status == Z_STREAM_END {
                    // Another gzip member may follow; anything else after the end is ignored as gzip does.
                    guard consumed + 1 < input.count, input[consumed] == 0x1f, input[consumed + 1] == 0x8b else { return }
                    inflateReset(&stream)
                } else if stream.avail_in == 0 {
                    failure = EvidenceDecodeError(.gzip, "gzip data ends early (truncated after \(input.count) bytes)")
                    return
                } else if status == Z_BUF_ERROR {
                    failure = EvidenceDecodeError(.gzip, "gzip inflater made no progress at byte \(consumed)")
                    return
                }
            }
        }
        if let failure { throw failure }
        return output
    }

    private static func tooLarge(_ limit: Int) -> EvidenceDecodeError {
        EvidenceDecodeError(.tooLarge, "the decompressed document exceeds \(limit) bytes")
    }
}
