import SoakModel

/// The four PromQL value types, as the type checker and the API's `resultType` name them.
public enum ValueType: String, Sendable {
    case scalar
    case vector
    case matrix
    case string

    /// Prometheus' wording in type errors ("instant vector", "range vector").
    var documentedName: String {
        switch self {
        case .scalar: "scalar"
        case .vector: "instant vector"
        case .matrix: "range vector"
        case .string: "string"
        }
    }
}

/// A vector selector: `name{matchers} offset 5m`.
public struct VectorSelector: Sendable, Hashable {
    public var matchers: [LabelMatcher]
    /// `offset`, in milliseconds (negative offsets look forward).
    public var offsetMs: Int64
    /// The selector's character offset in the query; unique per selector node, so the
    /// evaluator keys loaded series by it.
    public var position: Int
}

/// A binary operator.
public enum BinaryOperator: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^"
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and, or, unless

    var isComparison: Bool { [.eql, .neq, .gtr, .lss, .gte, .lte].contains(self) }
    var isSetOperator: Bool { [.and, .or, .unless].contains(self) }
    /// Operators whose result no longer is the metric the name describes (Prometheus' `shouldDropMetricName`).
    var dropsMetricName: Bool { !isComparison && !isSetOperator }

    /// Binding strength, higher binds tighter (Prometheus' yacc precedence list).
    var precedence: Int {
        switch self {
        case .or: 1
        case .and, .unless: 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: 3
        case .add, .sub: 4
        case .mul, .div, .mod: 5
        case .pow: 6
        }
    }
}

/// How a binary operation between two vectors pairs their elements.
public struct VectorMatching: Sendable, Hashable {
    public enum Cardinality: Sendable, Hashable { case oneToOne, manyToOne, oneToMany, manyToMany }
    public var cardinality: Cardinality = .oneToOne
    /// `on(...)` when true, `ignoring(...)` (or nothing) when false.
    public var on = false
    public var labels: [String] = []
    /// `group_left(...)` / `group_right(...)` labels copied from the "one" side.
    public var include: [String] = []
}

/// The supported aggregation operators.
public enum AggregationOperator: String, Sendable, CaseIterable {
    case sum, avg, min, max, count, topk, bottomk, quantile

    var takesParameter: Bool { self == .topk || self == .bottomk || self == .quantile }
}

/// A parsed PromQL expression.
public indirect enum Expr: Sendable {
    case number(Double)
    case string(String)
    case vectorSelector(VectorSelector)
    /// `selector[range]`.
    case matrixSelector(VectorSelector, rangeMs: Int64)
    case paren(Expr)
    /// Unary minus (unary plus parses to its operand).
    case negate(Expr)
    case binary(BinaryOperator, Expr, Expr, matching: VectorMatching?, returnBool: Bool)
    case aggregate(AggregationOperator, Expr, parameter: Expr?, grouping: [String], without: Bool)
    case call(Function, [Expr])

    /// The type the expression evaluates to.
    public var type: ValueType {
        switch self {
        case .number: .scalar
        case .string: .string
        case .vectorSelector: .vector
        case .matrixSelector: .matrix
        case .paren(let inner), .negate(let inner): inner.type
        case .binary(_, let lhs, let rhs, _, _):
            lhs.type == .scalar && rhs.type == .scalar ? .scalar : .vector
        case .aggregate: .vector
        case .call(let function, _): function.returnType
        }
    }

    /// Every vector selector in the expression, with its range (0 for instant selectors).
    func selectors() -> [(VectorSelector, rangeMs: Int64)] {
        switch self {
        case .number, .string: []
        case .vectorSelector(let selector): [(selector, 0)]
        case .matrixSelector(let selector, let range): [(selector, range)]
        case .paren(let inner), .negate(let inner): inner.selectors()
        case .binary(_, let lhs, let rhs, _, _): lhs.selectors() + rhs.selectors()
        case .aggregate(_, let inner, let parameter, _, _): inner.selectors() + (parameter?.selectors() ?? [])
        case .call(_, let args): args.flatMap { $0.selectors() }
        }
    }

    /// The expression without enclosing parentheses.
    public var unwrapped: Expr {
        if case .paren(let inner) = self { return inner.unwrapped }
        return self
    }
}
