/// One command to run per notification, as written under `alerting.exec` in the YAML:
///
/// ```yaml
/// exec:
///   - command: ["/usr/local/bin/page-oncall", "--team", "k8s"]
///     timeout_seconds: 30
/// ```
///
/// The command is an argv array and runs without a shell, so label values in the environment
/// can never be interpreted as shell syntax.
public struct ExecConfiguration: Sendable, Hashable {
    /// The receiver's name in logs and the outbox; defaults to `exec-<index>`.
    public var name: String?
    /// `argv`: the program (looked up in `PATH` when it has no slash) and its arguments.
    public var command: [String]
    /// After this, the command's process group is killed and the delivery retried; 30 s by default.
    public var timeoutSeconds: Double

    public init(name: String? = nil, command: [String], timeoutSeconds: Double = 30) {
        self.name = name
        self.command = command
        self.timeoutSeconds = timeoutSeconds
    }
}
