#if canImport(Glibc)
import Glibc
#endif
import MetricsScrape

/// An input file mapped read-only into memory, so a command can parse it in place without
/// copying it into the heap (`soak lint` read a 100 MB file into a `Data` and again into a
/// `[UInt8]`: 200 MB before the first byte was checked).
///
/// The pages stay file-backed: `releasePages(before:)` hands the ones a parser has passed back to
/// the kernel (`MADV_DONTNEED` on a private read-only mapping just drops them; touching them again
/// reads them anew), so the resident set stays a few megabytes whatever the file's size.
final class MappedInput {
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?
    private var releasedUpTo = 0
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `path`; throws a message naming the file and the system's reason.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MappedInputError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw MappedInputError("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw MappedInputError("cannot read \(path): not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw MappedInputError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        madvise(mapped, size, MADV_SEQUENTIAL)
        mapping = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        if let mapping { munmap(mapping, bytes.count) }
    }

    /// Drops the resident pages before `address` (minus a megabyte of slack for look-backs), at
    /// most once per 16 MB of progress.
    @inline(__always)
    func releasePages(before address: UnsafeRawPointer) {
        guard let base = bytes.baseAddress else { return }
        let offset = address - base
        guard offset - releasedUpTo >= 16 << 20 else { return }
        let end = (offset - (1 << 20)) / Self.pageSize * Self.pageSize
        guard end > releasedUpTo else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + releasedUpTo), end - releasedUpTo, MADV_DONTNEED)
        releasedUpTo = end
    }
}

/// Why a file could not be mapped.
struct MappedInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Forwards to `inner` and releases the input's pages behind the parser as it goes.
struct PageReleasingVisitor<Inner: ExpositionVisitor>: ExpositionVisitor {
    var inner: Inner
    let input: MappedInput

    mutating func visit(family: FamilyView) { inner.visit(family: family) }

    mutating func visit(sample: SampleView) {
        inner.visit(sample: sample)
        if let address = sample.nameBytes.baseAddress { input.releasePages(before: address) }
    }
}
