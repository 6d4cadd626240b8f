import HTTPClient

/// Sends one hook request and turns the result into a ``DeliveryOutcome``.
///
/// Shared by the Alertmanager and webhook notifiers so both classify alike:
/// 2xx delivered; 408, 429 and 5xx retryable (the receiver is busy or broken, not the request);
/// other 4xx rejected (the same bytes will be refused again); 1xx/3xx rejected too, because
/// redirects are deliberately not followed and need a configuration change.
struct HTTPDelivery: Sendable {
    var client = CurlHTTPClient()

    func send(_ request: HTTPRequest, receiver: String) async -> DeliveryOutcome {
        let target = AlertDeliveryError.redactedURL(request.url)
        switch await client.send(request) {
        case .failure(let failure):
            let kind: AlertDeliveryError.Kind = failure.kind == .timeout ? .timeout : .transport
            return .retryable(AlertDeliveryError(kind: kind, message: failure.message, receiver: receiver, target: target))
        case .success(let response):
            return HTTPDelivery.classify(response, receiver: receiver, target: target)
        }
    }

    static func classify(_ response: HTTPResponse, receiver: String, target: String) -> DeliveryOutcome {
        let status = response.status
        if (200..<300).contains(status) { return .delivered }
        let excerpt = response.bodyExcerpt()
        let message = excerpt.isEmpty ? "receiver answered HTTP \(status)" : "receiver answered HTTP \(status): \(excerpt)"
        let error = AlertDeliveryError(kind: .httpStatus, message: message, receiver: receiver, target: target, httpStatus: status)
        if status >= 500 || status == 408 || status == 429 { return .retryable(error) }
        return .rejected(error)
    }
}
