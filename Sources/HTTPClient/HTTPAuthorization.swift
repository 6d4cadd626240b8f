/// The credentials a request presents (a scrape, a discovery call, an evidence fetch): a bearer
/// token or basic auth, read from a file, or held in memory from a kubeconfig.
///
/// Secrets are referenced by path, never held in configuration values, so that a printed or
/// logged configuration cannot leak them. The files are re-read when they change because
/// projected service-account tokens rotate (kubelet rewrites them about hourly).
public enum HTTPAuthorization: Sendable, Hashable {
    /// No credentials.
    case none
    /// `Authorization: <type> <contents of file>`; `type` is `Bearer` unless configured.
    case credentialsFile(type: String, path: String)
    /// `Authorization: <type> <secret>` with a secret held in memory (a kubeconfig's `token:`).
    case inlineCredentials(type: String, secret: SecretBytes)
    /// HTTP basic auth; the password is the contents of `passwordFile` (trailing newline trimmed).
    case basic(username: String, passwordFile: String?)
}
