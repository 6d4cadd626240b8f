import ConfigSupport
import HTTPClient
import Foundation
import Yams

/// The subset of a kubeconfig file discovery needs: the current context's cluster (server, CA)
/// and user (client certificate and key, or token), with file paths resolved relative to the
/// kubeconfig as kubectl resolves them.
struct Kubeconfig {
    var server: String
    var tls: TLSSettings
    var authorization: HTTPAuthorization

    private struct File: Decodable {
        var currentContext: String?
        var clusters: [Named<Cluster>]?
        var contexts: [Named<Context>]?
        var users: [Named<User>]?
        enum CodingKeys: String, CodingKey {
            case currentContext = "current-context", clusters, contexts, users
        }
    }

    private struct Named<T: Decodable>: Decodable {
        var name: String
        var cluster: T?
        var context: T?
        var user: T?
        var value: T? { cluster ?? context ?? user }
    }

    private struct Cluster: Decodable {
        var server: String
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?
        var proxyURL: String?
        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
        }
    }

    private struct Context: Decodable {
        var cluster: String
        var user: String?
    }

    private struct User: Decodable {
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var token: String?
        var tokenFile: String?
        var username: String?
        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token
            case tokenFile = "tokenFile"
            case username
        }
    }

    var proxyURL: String?

    /// Reads `path`; errors name the path and the missing piece, never a credential.
    init(path: String) throws(DiscoveryError) {
        func fail(_ message: String) -> DiscoveryError { DiscoveryError(kind: .kubeconfig, message: message, context: path) }
        guard let text = readTextFile(path) else { throw fail("cannot read file") }
        let file: File
        do { file = try YAMLDecoder().decode(File.self, from: text) } catch {
            throw fail("not a kubeconfig: \(String(describing: error).prefix(200))")
        }
        guard let contextName = file.currentContext ?? file.contexts?.first?.name else { throw fail("no current-context") }
        guard let context = file.contexts?.first(where: { $0.name == contextName })?.context else {
            throw fail("context \"\(contextName)\" not found")
        }
        guard let cluster = file.clusters?.first(where: { $0.name == context.cluster })?.cluster else {
            throw fail("cluster \"\(context.cluster)\" not found")
        }
        let directory = (path as NSString).deletingLastPathComponent
        func resolve(_ file: String?) -> String? {
            guard let file else { return nil }
            return file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        }
        func decodeData(_ base64: String?, _ field: String) throws(DiscoveryError) -> SecretBytes? {
            guard let base64 else { return nil }
            guard let data = Data(base64Encoded: base64.filter { !$0.isWhitespace }) else { throw fail("\(field) is not base64") }
            return SecretBytes(Array(data))
        }
        server = cluster.server
        proxyURL = cluster.proxyURL
        tls = TLSSettings(caFile: resolve(cluster.certificateAuthority), serverName: cluster.tlsServerName,
                          insecureSkipVerify: cluster.insecureSkipTLSVerify ?? false)
        tls.caPEM = try decodeData(cluster.certificateAuthorityData, "certificate-authority-data")
        authorization = .none
        if let userName = context.user, let user = file.users?.first(where: { $0.name == userName })?.user {
            tls.certFile = resolve(user.clientCertificate)
            tls.keyFile = resolve(user.clientKey)
            tls.certPEM = try decodeData(user.clientCertificateData, "client-certificate-data")
            tls.keyPEM = try decodeData(user.clientKeyData, "client-key-data")
            if let tokenFile = resolve(user.tokenFile) {
                authorization = .credentialsFile(type: "Bearer", path: tokenFile)
            } else if let token = user.token {
                authorization = .inlineCredentials(type: "Bearer", secret: SecretBytes(token))
            }
        }
    }
}
