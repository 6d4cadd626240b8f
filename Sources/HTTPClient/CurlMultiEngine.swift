import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// libcurl's multi interface: many transfers in flight on one thread, finished ones handed back
/// with their curl code.
///
/// Not thread-safe: one thread owns an engine (the scraper's loop, ``Scraper/scrapeOnce``, or
/// ``HTTPFetch``). Only ``wakeUp()`` may be called from another thread (`curl_multi_wakeup` is
/// documented as such). `Transfer` is the subclass the owner keeps its own state in.
public final class CurlMultiEngine<Transfer: CurlTransfer> {
    let multi: UnsafeMutableRawPointer
    public private(set) var inFlight = 0
    /// Requests that failed before reaching libcurl (unreadable credentials file); reported by the next ``perform()``.
    private var failedStarts: [Transfer] = []

    public init() {
        CurlGlobal.ensureInitialized()
        multi = curl_multi_init()!
    }

    deinit { curl_multi_cleanup(multi) }

    /// Lets libcurl keep at least this many idle connections. Its default (4 × handles currently
    /// added) is tiny when most handles are idle between scrapes, which would close and
    /// reopen a connection per scrape.
    public func setConnectionCacheSize(_ size: Int) {
        _ = soak_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(16, size))
    }

    /// Starts a request of `transfer`, unless it is still running.
    public func start(_ transfer: Transfer) -> Bool {
        guard !transfer.inFlight else { return false }
        transfer.refreshCredentials()
        transfer.prepareForRequest(monotonic: SystemClock.monotonicSeconds(), wallMs: SystemClock.wallMilliseconds())
        if transfer.credentialsError != nil {
            failedStarts.append(transfer)
            return true
        }
        curl_multi_add_handle(multi, transfer.handle)
        inFlight += 1
        return true
    }

    /// Runs libcurl's state machines and returns the transfers that finished with their curl code.
    public func perform() -> [(Transfer, CURLcode)] {
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
        var finished: [(Transfer, CURLcode)] = failedStarts.map { ($0, CURLE_OK) }
        failedStarts.removeAll()
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var privateData: UnsafeMutableRawPointer? = nil
            _ = soak_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &privateData)
            curl_multi_remove_handle(multi, easy)
            inFlight -= 1
            guard let privateData else { continue }
            finished.append((Unmanaged<Transfer>.fromOpaque(privateData).takeUnretainedValue(), code))
        }
        return finished
    }

    /// Waits for socket activity, a libcurl timer or ``wakeUp()``, at most `maxMilliseconds`.
    public func wait(maxMilliseconds: Int) {
        var curlTimeout = -1
        curl_multi_timeout(multi, &curlTimeout)
        var waitMs = failedStarts.isEmpty ? maxMilliseconds : 0
        if curlTimeout >= 0 { waitMs = min(waitMs, curlTimeout) }
        curl_multi_poll(multi, nil, 0, Int32(max(0, waitMs)), nil)
    }

    /// Interrupts ``wait(maxMilliseconds:)`` from another thread.
    public func wakeUp() { curl_multi_wakeup(multi) }

    /// Aborts a running transfer (target removed or owner stopping).
    public func abort(_ transfer: Transfer) {
        guard transfer.inFlight else { return }
        if transfer.credentialsError == nil {
            curl_multi_remove_handle(multi, transfer.handle)
            inFlight -= 1
        } else {
            failedStarts.removeAll { $0 === transfer }
        }
        transfer.inFlight = false
    }
}

/// The clocks transfers are timed by (monotonic) and stamped with (wall); the scraper schedules
/// by the same ones.
public enum SystemClock {
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func wallMilliseconds() -> Int64 { Int64(wallSeconds() * 1000) }

    /// CPU seconds used by the calling thread (the scrape loop measures itself with this).
    public static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
