/// Removes credentials from text that may be logged: URL userinfo (`https://user:pass@host`)
/// and any literal secret the caller knows about (a bearer token, a password).
///
/// libcurl's error buffer can echo a URL, and a proxy URL may carry a password; everything
/// the scraper reports goes through here first.
public enum CredentialRedactor {
    /// `url` with its `user:password@` part removed; the rest is left as written.
    public static func redactURL(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let rest = url[authorityStart...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + String(authority[authority.index(after: at)...])
            + String(rest[authorityEnd...])
    }

    /// `text` with every URL's userinfo removed and every occurrence of each secret replaced by `<secret>`.
    public static func redact(_ text: String, secrets: [String] = []) -> String {
        var result = text
        for secret in secrets where secret.count >= 1 {
            result = result.replacingAll(secret, with: "<secret>")
        }
        // Userinfo may appear anywhere in free text; redact each URL-looking token.
        guard result.contains("@") else { return result }
        var out = ""
        var token = ""
        for ch in result {
            if ch == " " || ch == "'" || ch == "\"" || ch == "\n" || ch == "(" || ch == ")" {
                out += redactURL(token)
                out.append(ch)
                token = ""
            } else {
                token.append(ch)
            }
        }
        out += redactURL(token)
        return out
    }
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
