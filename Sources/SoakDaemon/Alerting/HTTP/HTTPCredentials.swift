import Foundation

/// How a hook authenticates to its receiver: HTTP basic auth or a bearer token, each secret read
/// from a file at delivery time.
///
/// Files rather than inline values keep secrets out of the YAML and out of anything that echoes
/// configuration; reading them on every delivery lets a rotated Kubernetes secret take effect
/// without a restart.
public struct HTTPCredentials: Codable, Sendable, Hashable {
    /// Basic auth: the user name inline, the password in a file.
    public struct BasicAuth: Codable, Sendable, Hashable {
        public var username: String
        public var passwordFile: String

        public init(username: String, passwordFile: String) {
            self.username = username
            self.passwordFile = passwordFile
        }

        enum CodingKeys: String, CodingKey {
            case username
            case passwordFile = "password_file"
        }
    }

    public var basicAuth: BasicAuth?
    /// A file holding a bearer token, sent as `Authorization: Bearer <token>`.
    public var bearerTokenFile: String?

    public init(basicAuth: BasicAuth? = nil, bearerTokenFile: String? = nil) {
        self.basicAuth = basicAuth
        self.bearerTokenFile = bearerTokenFile
    }

    enum CodingKeys: String, CodingKey {
        case basicAuth = "basic_auth"
        case bearerTokenFile = "bearer_token_file"
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

/// Reads a secret (password, token, HMAC key) from a file.
///
/// One trailing newline is removed — `echo secret > file` is how most people write one — and
/// nothing else, so a key with meaningful trailing spaces survives.
enum SecretFile {
    /// The secret, or a message naming the path (never the contents) when it cannot be read.
    static func read(_ path: String) -> Result<String, Problem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(message: "cannot read secret file \(path)"))
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\r\n") {
            text.removeLast(1)
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        guard !text.isEmpty else { return .failure(Problem(message: "secret file \(path) is empty")) }
        return .success(text)
    }

    /// Why a secret could not be read; names the path, never the contents.
    struct Problem: Error {
        var message: String
    }
}
