import HTTPClient
import Foundation

/// How a hook authenticates to its receiver: HTTP basic auth or a bearer token, each secret read
/// from a file at delivery time.
///
/// Files rather than inline values keep secrets out of the YAML and out of anything that echoes
/// configuration; reading them on every delivery lets a rotated Kubernetes secret take effect
/// without a restart.
public struct HTTPCredentials: Sendable, Hashable {
    /// Basic auth: the user name inline, the password in a file.
    public struct BasicAuth: Sendable, Hashable {
        public var username: String
        public var passwordFile: String

        public init(username: String, passwordFile: String) {
            self.username = username
            self.passwordFile = passwordFile
        }
    }

    public var basicAuth: BasicAuth?
    /// A file holding a bearer token, sent as `Authorization: Bearer <token>`.
    public var bearerTokenFile: String?

    public init(basicAuth: BasicAuth? = nil, bearerTokenFile: String? = nil) {
        self.basicAuth = basicAuth
        self.bearerTokenFile = bearerTokenFile
    }

    /// Applies the credentials to `request`; an unreadable file is a configuration error that
    /// names the file, never its contents.
    func apply(to request: inout HTTPRequest) -> String? {
        if let basic = basicAuth {
            switch SecretFile.read(basic.passwordFile) {
            case .success(let password):
                request.basicAuth = HTTPRequest.BasicAuth(username: basic.username, password: password)
            case .failure(let problem):
                return problem.message
            }
        }
        if let tokenFile = bearerTokenFile {
            switch SecretFile.read(tokenFile) {
            case .success(let token):
                request.headers.append((name: "Authorization", value: "Bearer \(token)"))
            case .failure(let problem):
                return problem.message
            }
        }
        return nil
    }
}
