import Crypto
import Foundation

/// The HMAC-SHA256 signature a webhook request carries: `sha256=<lowercase hex>` over the exact
/// body bytes, keyed with the secret file's contents.
///
/// The same scheme as GitHub's `X-Hub-Signature-256`, so receivers can reuse their verifier:
/// recompute the HMAC over the raw body *before* parsing it and compare in constant time.
public enum WebhookSignature {
    public static let defaultHeader = "X-Soak-Signature"

    /// `sha256=<hex>` for `body` under `secret`.
    public static func headerValue(body: [UInt8], secret: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { LeakFinding.byteHex($0) }.joined()
    }
}
