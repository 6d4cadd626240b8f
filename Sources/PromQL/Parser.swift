import SoakModel

/// Parses PromQL text into an `Expr`, type-checking it as Prometheus' parser does.
///
/// Errors carry `line:column` of the offending token (`1:14: parse error: …`). Constructs
/// outside SoakMonitor's subset (subqueries, `@`, unsupported functions and aggregations,
/// `atan2`) are rejected with `PromQLError.unsupportedConstruct` set.
public struct Parser {
    private let chars: [Character]
    private var tokens: [Token] = []
    private var index = 0

    private static let aggregationKeywords: Set<String> = Set(AggregationOperator.allCases.map(\.rawValue))
        .union(["group", "stddev", "stdvar", "count_values"])

    /// Parses `query`.
    /// - throws: `PromQLError` of kind `.badData`.
    public static func parse(_ query: String) throws(PromQLError) -> Expr {
        var parser = Parser(chars: Array(query))
        return try parser.parseQuery()
    }

    private init(chars: [Character]) {
        self.chars = chars
    }

    private mutating func parseQuery() throws(PromQLError) -> Expr {
        var lexer = Lexer(chars)
        tokens = try lexer.tokens()
        if tokens.first?.kind == .end { throw fail("no expression found in input", at: 0) }
        let expr = try parseExpr(minPrecedence: 0)
        if current.kind != .end { throw unexpected(current, "") }
        return expr
    }

    // MARK: - Tokens

    private var current: Token { tokens[index] }
    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func fail(_ message: String, at offset: Int, unsupported: String? = nil) -> PromQLError {
        PromQLError.parse(message, at: offset, in: chars, unsupported: unsupported)
    }

    private func unexpected(_ token: Token, _ context: String) -> PromQLError {
        let what = token.kind == .end ? "end of input" : "\"\(token.text)\""
        return fail("unexpected \(what)\(context.isEmpty ? "" : " \(context)")", at: token.offset)
    }

    private func isOp(_ text: String) -> Bool {
        if case .op(let op) = current.kind { return op == text }
        return false
    }

    private func isKeyword(_ word: String) -> Bool {
        if case .identifier(let name) = current.kind { return name.lowercased() == word }
        return false
    }

    private mutating func expectOp(_ text: String, _ context: String) throws(PromQLError) {
        guard isOp(text) else { throw unexpected(current, "\(context), expected \"\(text)\"") }
        _ = advance()
    }

    // MARK: - Binary expressions

    private func binaryOperator(_ token: Token) -> BinaryOperator? {
        switch token.kind {
        case .op(let op): BinaryOperator(rawValue: op)
        case .identifier(let word):
            switch word.lowercased() {
            case "and": .and
            case "or": .or
            case "unless": .unless
            default: nil
            }
        default: nil
        }
    }

    private mutating func parseExpr(minPrecedence: Int) throws(PromQLError) -> Expr {
        var lhs = try parseUnary()
        while true {
            if isKeyword("atan2") {
                throw fail("the atan2 operator is not supported by SoakMonitor's PromQL subset",
                           at: current.offset, unsupported: "operator atan2")
            }
            guard let op = binaryOperator(current), op.precedence >= minPrecedence else { return lhs }
            let opToken = advance()
            let (matching, returnBool) = try parseBinaryModifiers(op)
            // `^` is right-associative, the others left-associative.
            let rhs = try parseExpr(minPrecedence: op == .pow ? op.precedence : op.precedence + 1)
            lhs = try checkedBinary(op, lhs, rhs, matching: matching, returnBool: returnBool, at: opToken.offset)
        }
    }

    private mutating func parseBinaryModifiers(_ op: BinaryOperator) throws(PromQLError) -> (VectorMatching?, Bool) {
        var returnBool = false
        if isKeyword("bool") {
            _ = advance()
            returnBool = true
        }
        var matching: VectorMatching?
        if isKeyword("on") || isKeyword("ignoring") {
            var m = VectorMatching()
            m.on = isKeyword("on")
            _ = advance()
            m.labels = try parseLabelList()
            if isKeyword("group_left") || isKeyword("group_right") {
                let groupToken = advance()
                m.cardinality = groupToken.text.lowercased() == "group_left" ? .manyToOne : .oneToMany
                if isOp("(") { m.include = try parseLabelList() }
                if op.isSetOperator {
                    throw fail("no grouping allowed for \"\(op.rawValue)\" operation", at: groupToken.offset)
                }
                for label in m.include where m.on && m.labels.contains(label) {
                    throw fail("label \"\(label)\" must not occur in ON and GROUP clause at once", at: groupToken.offset)
                }
            }
            matching = m
        } else if isKeyword("group_left") || isKeyword("group_right") {
            throw unexpected(current, "in binary expression, group modifiers need on(...) or ignoring(...)")
        }
        return (matching, returnBool)
    }

    private func checkedBinary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, matching: VectorMatching?,
                               returnBool: Bool, at offset: Int) throws(PromQLError) -> Expr {
        let allowed: Set<ValueType> = [.scalar, .vector]
        guard allowed.contains(lhs.type), allowed.contains(rhs.type) else {
            throw fail("binary expression must contain only scalar and instant vector types", at: offset)
        }
        if returnBool && !op.isComparison {
            throw fail("bool modifier can only be used on comparison operators", at: offset)
        }
        let bothVectors = lhs.type == .vector && rhs.type == .vector
        if op.isComparison && !returnBool && lhs.type == .scalar && rhs.type == .scalar {
            throw fail("comparisons between scalars must use BOOL modifier", at: offset)
        }
        if op.isSetOperator && !bothVectors {
            let side = lhs.type == .scalar ? "left" : "right"
            throw fail("set operator \"\(op.rawValue)\" not allowed in binary scalar expression (\(side) operand)", at: offset)
        }
        if matching != nil && !bothVectors {
            throw fail("vector matching only allowed between instant vectors", at: offset)
        }
        var finalMatching: VectorMatching? = nil
        if bothVectors {
            var m = matching ?? VectorMatching()
            if op.isSetOperator { m.cardinality = .manyToMany }
            finalMatching = m
        }
        return .binary(op, lhs, rhs, matching: finalMatching, returnBool: returnBool)
    }

    // MARK: - Unary, postfix and primary expressions

    private mutating func parseUnary() throws(PromQLError) -> Expr {
        if isOp("-") || isOp("+") {
            let sign = advance()
            // Unary operators bind like `*`: `-a^b` is `-(a^b)`, `-a*b` is `(-a)*b`.
            let operand = try parseExpr(minPrecedence: BinaryOperator.pow.precedence)
            guard operand.type == .scalar || operand.type == .vector else {
                throw fail("unary expression only allowed on expressions of type scalar or instant vector, got \"\(operand.type.documentedName)\"", at: sign.offset)
            }
            if sign.text == "+" { return operand }
            if case .number(let value) = operand { return .number(-value) }
            return .negate(operand)
        }
        return try parsePostfix(try parsePrimary())
    }

    private mutating func parsePostfix(_ base: Expr) throws(PromQLError) -> Expr {
        var expr = base
        while true {
            if isOp("[") {
                let open = advance()
                guard case .duration(let rangeMs) = current.kind else { throw unexpected(current, "in range selector, expected a duration") }
                _ = advance()
                if isOp(":") {
                    throw fail("subqueries are not supported by SoakMonitor's PromQL subset", at: open.offset, unsupported: "subquery")
                }
                try expectOp("]", "in range selector")
                guard case .vectorSelector(let selector) = expr else {
                    throw fail("ranges only allowed for vector selectors", at: open.offset)
                }
                if rangeMs <= 0 { throw fail("range must be greater than 0", at: open.offset) }
                expr = .matrixSelector(selector, rangeMs: rangeMs)
            } else if isKeyword("offset") {
                let keyword = advance()
                var sign: Int64 = 1
                if isOp("-") || isOp("+") { sign = advance().text == "-" ? -1 : 1 }
                guard case .duration(let ms) = current.kind else { throw unexpected(current, "in offset, expected a duration") }
                _ = advance()
                switch expr {
                case .vectorSelector(var selector) where selector.offsetMs == 0:
                    selector.offsetMs = sign * ms
                    expr = .vectorSelector(selector)
                case .matrixSelector(var selector, let range) where selector.offsetMs == 0:
                    selector.offsetMs = sign * ms
                    expr = .matrixSelector(selector, rangeMs: range)
                case .vectorSelector, .matrixSelector:
                    throw fail("offset may not be set multiple times", at: keyword.offset)
                default:
                    throw fail("offset modifier must be preceded by an instant vector selector or range vector selector or a subquery", at: keyword.offset)
                }
            } else if isOp("@") {
                throw fail("the @ modifier is not supported by SoakMonitor's PromQL subset", at: current.offset, unsupported: "@ modifier")
            } else {
                return expr
            }
        }
    }

    private mutating func parsePrimary() throws(PromQLError) -> Expr {
        let token = current
        switch token.kind {
        case .number(let value):
            _ = advance()
            return .number(value)
        case .string(let text):
            _ = advance()
            return .string(text)
        case .duration:
            throw unexpected(token, "(durations are only allowed in ranges and offsets)")
        case .op("("):
            _ = advance()
            let inner = try parseExpr(minPrecedence: 0)
            try expectOp(")", "in parenthesized expression")
            return .paren(inner)
        case .op("{"):
            return .vectorSelector(try parseSelector(name: nil, at: token.offset))
        case .identifier(let name):
            let lower = name.lowercased()
            if lower == "inf" || lower == "nan" {
                _ = advance()
                return .number(lower == "inf" ? .infinity : .nan)
            }
            _ = advance()
            let followedByParen = isOp("(")
            if Self.aggregationKeywords.contains(lower) && (followedByParen || isKeyword("by") || isKeyword("without")) {
                return try parseAggregation(lower, at: token.offset)
            }
            if followedByParen { return try parseCall(name, at: token.offset) }
            return .vectorSelector(try parseSelector(name: name, at: token.offset))
        default:
            throw unexpected(token, "")
        }
    }

    // MARK: - Selectors

    private mutating func parseSelector(name: String?, at offset: Int) throws(PromQLError) -> VectorSelector {
        var matchers: [LabelMatcher] = []
        if let name { matchers.append(try! LabelMatcher(Labels.metricName, .equal, name)) }  // equality never throws
        if isOp("{") {
            _ = advance()
            while !isOp("}") {
                let labelToken = current
                guard case .identifier(let label) = labelToken.kind, !label.contains(":") else {
                    throw unexpected(labelToken, "in label matching, expected label")
                }
                _ = advance()
                guard case .op(let opText) = current.kind, let kind = LabelMatcher.Operator(rawValue: opText) else {
                    throw unexpected(current, "in label matching, expected one of \"=\", \"!=\", \"=~\", \"!~\"")
                }
                _ = advance()
                guard case .string(let value) = current.kind else { throw unexpected(current, "in label matching, expected string") }
                let valueToken = advance()
                if label == Labels.metricName && name != nil {
                    throw fail("metric name must not be set twice: \"\(name!)\" or \"\(value)\"", at: labelToken.offset)
                }
                do {
                    matchers.append(try LabelMatcher(label, kind, value))
                } catch {
                    throw fail(error.description, at: valueToken.offset)
                }
                if isOp(",") {
                    _ = advance()
                } else if !isOp("}") {
                    throw unexpected(current, "in label matching, expected \",\" or \"}\"")
                }
            }
            _ = advance()
        }
        if !matchers.contains(where: { !$0.matches("") }) {
            throw fail("vector selector must contain at least one non-empty matcher", at: offset)
        }
        return VectorSelector(matchers: matchers, offsetMs: 0, position: offset)
    }

    private mutating func parseLabelList() throws(PromQLError) -> [String] {
        try expectOp("(", "in grouping")
        var names: [String] = []
        while !isOp(")") {
            guard case .identifier(let name) = current.kind, !name.contains(":") else {
                throw unexpected(current, "in grouping opts, expected label")
            }
            _ = advance()
            names.append(name)
            if isOp(",") {
                _ = advance()
            } else if !isOp(")") {
                throw unexpected(current, "in grouping opts, expected \",\" or \")\"")
            }
        }
        _ = advance()
        return names
    }

    // MARK: - Aggregations and calls

    private mutating func parseAggregation(_ name: String, at offset: Int) throws(PromQLError) -> Expr {
        guard let op = AggregationOperator(rawValue: name) else {
            throw fail("the aggregation \"\(name)\" is not supported by SoakMonitor's PromQL subset", at: offset,
                       unsupported: "aggregation \(name)")
        }
        var grouping: [String] = []
        var without = false
        var sawGrouping = false
        if isKeyword("by") || isKeyword("without") {
            without = advance().text.lowercased() == "without"
            grouping = try parseLabelList()
            sawGrouping = true
        }
        let args = try parseArguments()
        if !sawGrouping && (isKeyword("by") || isKeyword("without")) {
            without = advance().text.lowercased() == "without"
            grouping = try parseLabelList()
        }
        let expected = op.takesParameter ? 2 : 1
        guard args.count == expected else {
            throw fail("wrong number of arguments for aggregate expression provided, expected \(expected), got \(args.count)", at: offset)
        }
        let inner = args.last!
        guard inner.type == .vector else {
            throw fail("expected type instant vector in aggregation expression, got \(inner.type.documentedName)", at: offset)
        }
        let parameter = op.takesParameter ? args[0] : nil
        if let parameter, parameter.type != .scalar {
            throw fail("expected type scalar in aggregation parameter, got \(parameter.type.documentedName)", at: offset)
        }
        return .aggregate(op, inner, parameter: parameter, grouping: grouping, without: without)
    }

    private mutating func parseArguments() throws(PromQLError) -> [Expr] {
        try expectOp("(", "in argument list")
        var args: [Expr] = []
        while !isOp(")") {
            args.append(try parseExpr(minPrecedence: 0))
            if isOp(",") {
                _ = advance()
            } else if !isOp(")") {
                throw unexpected(current, "in argument list, expected \",\" or \")\"")
            }
        }
        _ = advance()
        return args
    }

    private mutating func parseCall(_ name: String, at offset: Int) throws(PromQLError) -> Expr {
        guard let function = Function.supported[name] else {
            if Function.prometheusOnly.contains(name) {
                throw fail("the function \"\(name)\" is not supported by SoakMonitor's PromQL subset", at: offset,
                           unsupported: "function \(name)")
            }
            throw fail("unknown function with name \"\(name)\"", at: offset)
        }
        let args = try parseArguments()
        guard args.count == function.argumentTypes.count else {
            throw fail("expected \(function.argumentTypes.count) argument(s) in call to \"\(name)\", got \(args.count)", at: offset)
        }
        for (arg, type) in zip(args, function.argumentTypes) where arg.type != type {
            throw fail("expected type \(type.documentedName) in call to function \"\(name)\", got \(arg.type.documentedName)", at: offset)
        }
        return .call(function, args)
    }
}
