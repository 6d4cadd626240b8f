#if canImport(Glibc)
import Glibc
#endif

/// The one place where blocking libcurl work (a whole request on the easy interface, a fetch
/// driven to completion on its own multi handle) runs off Swift concurrency's cooperative pool.
///
/// That pool has one thread per core (two here): a request blocking on it for its timeout
/// would stall every other task behind a down receiver. Each job gets its own short-lived
/// thread; alert deliveries and evidence fetches are rare, so that is cheap and never queues a
/// fast request behind a slow one.
public enum BlockingWork {
    /// Runs `work` on a dedicated thread and suspends the caller until it returns.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let box = Unmanaged.passRetained(Job { continuation.resume(returning: work()) })
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { pointer in
                let job = Unmanaged<Job>.fromOpaque(pointer!).takeRetainedValue()
                job.body()
                return nil
            }, box.toOpaque())
            if created == 0 {
                pthread_detach(thread)
            } else {
                // No thread to be had: run here rather than never answering.
                box.takeRetainedValue().body()
            }
        }
    }

    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
