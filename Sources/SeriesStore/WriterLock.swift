#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on `<database>-writer.lock`, held while a store may write.
///
/// SQLite serializes transactions, not writers: two daemons on one file would both append, each
/// with its own idea of the next series id and of every series' last sample. The lock makes the
/// second one fail at open with `.locked` instead. Readers (`soak export`) take no lock. The kernel
/// drops the lock when the process dies, so a SIGKILLed daemon never leaves a stale one.
/// A separate file, not the database itself: closing any descriptor of the database file would
/// drop SQLite's own POSIX locks on it.
final class WriterLock {
    private var descriptor: Int32

    init(databasePath: String) throws(StoreError) {
        let lockPath = databasePath + "-writer.lock"
        descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError(kind: errno == EACCES || errno == EROFS ? .readOnly : .cannotOpen,
                             message: "cannot create the writer lock \(lockPath): \(reason)", path: databasePath)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreError(kind: .locked, message: "another process (or store) is writing this database: it holds \(lockPath)",
                             path: databasePath)
        }
    }

    /// Releases the lock now rather than at deinit.
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit {
        release()
    }
}
