/// One lexical token of a PromQL query, with its 0-based character offset.
struct Token: Equatable {
    enum Kind: Equatable {
        case identifier(String)   // metric/label/function names, keywords, Inf/NaN
        case number(Double)
        case duration(Int64)      // milliseconds: `5m`, `1h30m`
        case string(String)
        case op(String)           // + - * / % ^ == != < <= > >= = =~ !~ , ( ) { } [ ] : @
        case end
    }

    let kind: Kind
    let offset: Int
    /// The source text of the token, for error messages.
    let text: String
}

/// Splits a PromQL query into tokens, as Prometheus' lexer does for the supported grammar.
struct Lexer {
    private let chars: [Character]
    private var index = 0
    /// Inside `[...]` a `:` separates a subquery's range and step instead of starting a name.
    private var bracketDepth = 0

    init(_ chars: [Character]) {
        self.chars = chars
    }

    private var current: Character? { index < chars.count ? chars[index] : nil }
    private func peek(_ ahead: Int) -> Character? { index + ahead < chars.count ? chars[index + ahead] : nil }

    static func isNameStart(_ c: Character) -> Bool {
        c == "_" || c == ":" || (c.isASCII && c.isLetter)
    }

    static func isNameContinue(_ c: Character) -> Bool {
        isNameStart(c) || (c.isASCII && c.isNumber)
    }

    /// All tokens, ending with `.end`.
    mutating func tokens() throws(PromQLError) -> [Token] {
        var out: [Token] = []
        while true {
            let token = try next()
            out.append(token)
            if token.kind == .end { return out }
        }
    }

    private func fail(_ message: String, at offset: Int) -> PromQLError {
        PromQLError.parse(message, at: offset, in: chars)
    }

    private mutating func next() throws(PromQLError) -> Token {
        // Whitespace and `#` comments.
        while let c = current {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                index += 1
            } else if c == "#" {
                while let d = current, d != "\n" { index += 1 }
            } else {
                break
            }
        }
        let start = index
        guard let c = current else { return Token(kind: .end, offset: start, text: "") }
        func token(_ kind: Token.Kind) -> Token {
            Token(kind: kind, offset: start, text: String(chars[start..<index]))
        }
        if c.isASCII && c.isNumber || (c == "." && (peek(1)?.isASCII ?? false) && (peek(1)?.isNumber ?? false)) {
            return try number(start)
        }
        if c == ":" && bracketDepth > 0 {
            index += 1
            return token(.op(":"))
        }
        if Self.isNameStart(c) {
            while let d = current, Self.isNameContinue(d) { index += 1 }
            return token(.identifier(String(chars[start..<index])))
        }
        if c == "\"" || c == "'" || c == "`" {
            return token(.string(try string(quote: c)))
        }
        let two = String(chars[index..<min(index + 2, chars.count)])
        if ["==", "!=", "<=", ">=", "=~", "!~"].contains(two) {
            index += 2
            return token(.op(two))
        }
        if "+-*/%^<>=,(){}[]:@".contains(c) {
            index += 1
            if c == "[" { bracketDepth += 1 }
            if c == "]" { bracketDepth = max(0, bracketDepth - 1) }
            return token(.op(String(c)))
        }
        throw fail("unexpected character: '\(c)'", at: start)
    }

    /// A number (`1`, `1.5e3`, `.5`, `0x1f`) or a duration (`5m`, `1h30m`, `100ms`).
    private mutating func number(_ start: Int) throws(PromQLError) -> Token {
        if current == "0", let x = peek(1), x == "x" || x == "X" {
            index += 2
            while let d = current, d.isHexDigit { index += 1 }
            let text = String(chars[start..<index])
            guard let value = UInt64(text.dropFirst(2), radix: 16) else { throw fail("bad number \"\(text)\"", at: start) }
            return Token(kind: .number(Double(value)), offset: start, text: text)
        }
        while let d = current, d.isASCII, d.isNumber { index += 1 }
        // A digit run directly followed by a unit letter is a duration.
        if let u = current, "ywdhms".contains(u), start < index {
            while let d = current, d.isASCII, d.isNumber || d.isLetter { index += 1 }
            let text = String(chars[start..<index])
            guard let ms = PromDuration.milliseconds(text) else { throw fail("bad duration syntax: \"\(text)\"", at: start) }
            return Token(kind: .duration(ms), offset: start, text: text)
        }
        if current == "." {
            index += 1
            while let d = current, d.isASCII, d.isNumber { index += 1 }
        }
        if let e = current, e == "e" || e == "E" {
            var lookahead = index + 1
            if lookahead < chars.count, chars[lookahead] == "+" || chars[lookahead] == "-" { lookahead += 1 }
            if lookahead < chars.count, chars[lookahead].isASCII, chars[lookahead].isNumber {
                index = lookahead
                while let d = current, d.isASCII, d.isNumber { index += 1 }
            }
        }
        let text = String(chars[start..<index])
        if let c = current, Self.isNameStart(c) {
            throw fail("bad number or duration syntax: \"\(text)\(c)\"", at: start)
        }
        guard let value = Double(text) else { throw fail("bad number syntax: \"\(text)\"", at: start) }
        return Token(kind: .number(value), offset: start, text: text)
    }

    /// A quoted string: `"…"` and `'…'` with Go escapes, `` `…` `` raw.
    private mutating func string(quote: Character) throws(PromQLError) -> String {
        let start = index
        index += 1
        var out = ""
        while let c = current {
            index += 1
            if c == quote { return out }
            if quote == "`" {
                out.append(c)
                continue
            }
            if c == "\n" { break }
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard let e = current else { break }
            index += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\\", "\"", "'": out.append(e)
            case "x", "u", "U":
                let count = e == "x" ? 2 : (e == "u" ? 4 : 8)
                let digits = String(chars[index..<min(index + count, chars.count)])
                guard digits.count == count, let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw fail("invalid escape sequence in string", at: index - 2)
                }
                index += count
                out.unicodeScalars.append(scalar)
            default:
                throw fail("unknown escape sequence \"\\\(e)\"", at: index - 2)
            }
        }
        throw fail("unterminated quoted string", at: start)
    }
}
