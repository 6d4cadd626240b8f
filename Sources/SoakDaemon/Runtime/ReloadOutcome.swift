/// What a configuration reload did (SIGHUP or `POST /-/reload`): the body of the API's answer
/// and of the log line.
///
/// As JSON (`POST /-/reload`): `{"applied": [...], "errors": [...], "restartRequired": [...], "status": "reloaded"}`.
public struct ReloadOutcome: Sendable, Hashable, Encodable, CustomStringConvertible {
    public enum Status: String, Sendable, Hashable, Encodable {
        /// The new file is in force.
        case reloaded
        /// The file holds nothing new that a reload can apply.
        case unchanged
        /// The file cannot be used (see ``errors``); the running configuration stays.
        case refused
        /// The file was valid but the monitor could not start with it (the database could not be
        /// reopened, say); the previous configuration runs again.
        case failed
    }

    public var status: Status
    /// The sections whose new values now apply: `global`, `scrape_configs`, `storage`,
    /// `detection`, `alerting`, `evidence`.
    public var applied: [String] = []
    /// Settings changed in the file that keep their running value until `soak run` restarts:
    /// `storage.path`, `web.listen_address`, `web.bearer_token_file`, `web.public_paths`.
    public var restartRequired: [String] = []
    /// Why the file was refused (each problem with file:line) or why the swap failed.
    public var errors: [String] = []

    public init(status: Status, applied: [String] = [], restartRequired: [String] = [], errors: [String] = []) {
        self.status = status
        self.applied = applied
        self.restartRequired = restartRequired
        self.errors = errors
    }

    /// `reloaded: scrape_configs, alerting; needs a restart: storage.path`.
    public var description: String {
        var text = status.rawValue
        if !applied.isEmpty { text += ": " + applied.joined(separator: ", ") }
        if !restartRequired.isEmpty {
            text += "; changed but kept until restart: " + restartRequired.joined(separator: ", ")
        }
        if !errors.isEmpty { text += "; " + errors.joined(separator: "; ") }
        return text
    }
}
