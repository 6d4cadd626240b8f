import HTTPClient
import Foundation

/// Delivers findings to a generic HTTP endpoint as an Alertmanager-shaped webhook payload
/// (``WebhookPayload``), optionally signed with HMAC-SHA256 (``WebhookSignature``).
///
/// - warning: The secret is read from its file on every delivery and lives only in this
///   function's locals; it is never logged, stored in the outbox, or put in an error text.
public struct WebhookNotifier: AlertNotifier {
    public let name: String
    public let configuration: WebhookConfiguration
    /// The monitor's external URL, the payload's `externalURL`.
    public let externalURL: String
    private let http = HTTPDelivery()

    public init(name: String, configuration: WebhookConfiguration, externalURL: String) {
        self.name = name
        self.configuration = configuration
        self.externalURL = externalURL
    }

    public func deliver(_ notification: AlertNotification) async -> DeliveryOutcome {
        let target = AlertDeliveryError.redactedURL(configuration.url)
        let body: [UInt8]
        do {
            let payload = WebhookPayload(notification: notification, receiver: name, externalURL: externalURL)
            body = Array(try AlertJSON.encoder().encode(payload))
        } catch {
            return .rejected(AlertDeliveryError(
                kind: .payload, message: "cannot encode webhook payload: \(error)", receiver: name, target: target))
        }
        var request = HTTPRequest(
            url: configuration.url,
            headers: [(name: "Content-Type", value: "application/json")],
            body: body,
            timeoutSeconds: configuration.timeoutSeconds,
            connectTimeoutSeconds: min(5, configuration.timeoutSeconds),
            caFile: configuration.tlsCAFile)
        if let secretFile = configuration.secretFile {
            switch SecretFile.read(secretFile) {
            case .success(let secret):
                request.headers.append((
                    name: configuration.signatureHeader,
                    value: WebhookSignature.headerValue(body: body, secret: Array(secret.utf8))))
            case .failure(let problem):
                return .retryable(AlertDeliveryError(kind: .configuration, message: problem.message, receiver: name, target: target))
            }
        }
        if let problem = configuration.credentials.apply(to: &request) {
            return .retryable(AlertDeliveryError(kind: .configuration, message: problem, receiver: name, target: target))
        }
        return await http.send(request, receiver: name)
    }
}
