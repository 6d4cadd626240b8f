#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A credentials file (bearer token, password) read lazily and re-read when it changes.
///
/// Kubernetes projects service-account tokens into files that the kubelet rewrites before they
/// expire; a weeks-long scraper that read the token once would start failing with 401 after an
/// hour. One `stat` per scrape detects the rewrite (inode, size or nanosecond mtime change);
/// ``invalidate()`` forces a re-read after a 401 in case the change was missed.
/// - warning: ``contents`` is a secret: never log, store or render it.
public final class SecretFile {
    public let path: String
    private var fingerprint: (ino: UInt64, size: Int64, sec: Int, nsec: Int)?
    public private(set) var contents: String = ""

    public init(path: String) { self.path = path }

    /// Forgets the cached contents so the next ``refresh()`` reads the file.
    public func invalidate() { fingerprint = nil }

    /// Re-reads the file if it changed. Returns true when the contents changed.
    /// Throws a message (without the contents) when the file cannot be read.
    public func refresh() throws(SecretFileError) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SecretFileError(message: "cannot read credentials file \(path): \(String(cString: strerror(errno)))")
        }
        let now = (ino: UInt64(info.st_ino), size: Int64(info.st_size), sec: info.st_mtim.tv_sec, nsec: info.st_mtim.tv_nsec)
        if let fingerprint, fingerprint == now { return false }
        guard let text = Self.readText(path) else {
            throw SecretFileError(message: "cannot read credentials file \(path): \(String(cString: strerror(errno)))")
        }
        fingerprint = now
        let trimmed = String(text.reversed().drop(while: { $0 == "\n" || $0 == "\r" || $0 == " " }).reversed())
        let changed = trimmed != contents
        contents = trimmed
        return changed
    }

    private static func readText(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
            if bytes.count > 1 << 20 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A credentials file could not be read; the message names the path, never the contents.
public struct SecretFileError: Error, Sendable {
    public var message: String
}

extension SecretFile {
    /// Reads a secret (password, token, HMAC key) once, as alert hooks do at every delivery.
    ///
    /// One trailing newline is removed (`echo secret > file` is how most people write one) and
    /// nothing else, so a key with meaningful trailing spaces survives. An empty file is an error.
    /// The message names the path, never the contents.
    public static func read(_ path: String) -> Result<String, SecretFileError> {
        guard var text = readText(path) else {
            return .failure(SecretFileError(message: "cannot read secret file \(path)"))
        }
        if text.hasSuffix("\r\n") {
            text.removeLast(1)
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        guard !text.isEmpty else { return .failure(SecretFileError(message: "secret file \(path) is empty")) }
        return .success(text)
    }
}
