import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs one command (argv, no shell) with bytes on its stdin and a deadline, on the calling
/// thread; used by ``ExecNotifier`` from a dedicated thread.
///
/// The child gets its own process group, so a timeout kills everything it started (a shell
/// script's `sleep`, a `curl` it ran), not just the direct child. Its stdout goes to /dev/null;
/// the last bytes of its stderr are kept for the error message.
enum ChildProcess {
    /// How the command ended.
    enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        /// The deadline passed; the process group was killed with SIGKILL.
        case timedOut
        /// `posix_spawnp` failed (command not found, not executable) with this errno.
        case spawnFailed(Int32)
    }

    struct Result: Sendable {
        var termination: Termination
        /// The last ``stderrLimit`` bytes the command wrote to stderr.
        var stderrTail: String
    }

    static let stderrLimit = 2048

    /// Blocks until the command ends or `timeoutSeconds` pass.
    ///
    /// - warning: Blocks its thread; call it from a dedicated thread, never a Swift task.
    static func run(argv: [String], environment: [String: String], stdin input: [UInt8], timeoutSeconds: Double) -> Result {
        precondition(!argv.isEmpty, "argv must name a command")
        // A write to a pipe whose reader exited raises SIGPIPE, which would kill the daemon.
        // SIGPIPE from write(2) is directed at the writing thread, so blocking it here (this
        // thread is ours alone) turns it into EPIPE; a pending one is discarded below.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        defer {
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            while sigtimedwait(&pipeSignal, nil, &zero) == SIGPIPE {}
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }

        var stdinPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0 else { return Result(termination: .spawnFailed(errno), stderrTail: "") }
        guard pipe(&stderrPipe) == 0 else {
            close(stdinPipe[0]); close(stdinPipe[1])
            return Result(termination: .spawnFailed(errno), stderrTail: "")
        }
        // Close-on-exec, so a command started concurrently by another hook does not inherit
        // these ends (pipe2(O_CLOEXEC) would close the window entirely but Glibc's module does
        // not export it). dup2 in the child clears the flag on fds 0 and 2.
        for fd in stdinPipe + stderrPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawnStatus = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        close(stdinPipe[0])
        close(stderrPipe[1])
        let writeFD = stdinPipe[1]
        let readFD = stderrPipe[0]
        guard spawnStatus == 0 else {
            close(writeFD)
            close(readFD)
            return Result(termination: .spawnFailed(spawnStatus), stderrTail: "")
        }
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)

        let deadline = monotonicSeconds() + timeoutSeconds
        var written = 0
        var stdinOpen = true
        var stderrOpen = true
        var stderrBytes: [UInt8] = []
        var exitStatus: Int32?
        var readBuffer = [UInt8](repeating: 0, count: 4096)

        func closeStdin() {
            if stdinOpen { close(writeFD); stdinOpen = false }
        }
        if input.isEmpty { closeStdin() }

        while true {
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
            }
            // Done when the child has exited and its stderr is drained; a grandchild that keeps
            // stderr open must not hold the hook beyond the child's exit.
            if let _ = exitStatus, !stderrOpen || !drainAvailable(readFD, into: &stderrBytes, buffer: &readBuffer) { break }
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 { break }

            var fds: [pollfd] = []
            if stdinOpen { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            if stderrOpen { fds.append(pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)) }
            // Short slices: the child's exit is noticed by waitpid, not by poll.
            let sliceMs = Int32(max(1, min(remaining, exitStatus == nil ? 0.02 : 0.005) * 1000))
            _ = poll(&fds, nfds_t(fds.count), sliceMs)

            if stdinOpen {
                let n = input.withUnsafeBytes { bytes in
                    write(writeFD, bytes.baseAddress! + written, input.count - written)
                }
                if n > 0 {
                    written += n
                    if written == input.count { closeStdin() }
                } else if n < 0, errno != EAGAIN, errno != EINTR {
                    closeStdin() // EPIPE: the command does not read its stdin; that is its choice.
                }
            }
            if stderrOpen {
                let n = read(readFD, &readBuffer, readBuffer.count)
                if n > 0 {
                    append(readBuffer[0..<n], to: &stderrBytes)
                } else if n == 0 {
                    close(readFD)
                    stderrOpen = false
                }
            }
        }
        closeStdin()
        if stderrOpen { close(readFD) }

        let termination: Termination
        if let status = exitStatus {
            termination = decode(status)
        } else {
            // The deadline passed: kill the whole group, then reap the child so it is no zombie.
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            termination = .timedOut
        }
        return Result(termination: termination, stderrTail: String(decoding: stderrBytes, as: UTF8.self))
    }

    /// Reads what is available now without blocking; `true` when it got bytes (call again).
    private static func drainAvailable(_ fd: Int32, into bytes: inout [UInt8], buffer: inout [UInt8]) -> Bool {
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return false }
        append(buffer[0..<n], to: &bytes)
        return true
    }

    private static func append(_ chunk: ArraySlice<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: chunk)
        if bytes.count > stderrLimit { bytes.removeFirst(bytes.count - stderrLimit) }
    }

    private static func decode(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(signal)
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
