/// A PromQL function of SoakMonitor's subset: its name and signature.
public struct Function: Sendable, Hashable {
    public let name: String
    public let argumentTypes: [ValueType]
    public let returnType: ValueType

    /// The functions the engine evaluates, by name.
    public static let supported: [String: Function] = {
        var table: [String: Function] = [:]
        func add(_ name: String, _ args: [ValueType], _ result: ValueType = .vector) {
            table[name] = Function(name: name, argumentTypes: args, returnType: result)
        }
        for name in ["rate", "irate", "increase", "delta", "deriv"] { add(name, [.matrix]) }
        add("predict_linear", [.matrix, .scalar])
        for aggregate in ["avg", "min", "max", "sum", "count", "stddev", "stdvar", "last", "present"] {
            add("\(aggregate)_over_time", [.matrix])
        }
        add("quantile_over_time", [.scalar, .matrix])
        add("histogram_quantile", [.scalar, .vector])
        add("clamp_min", [.vector, .scalar])
        add("clamp_max", [.vector, .scalar])
        add("abs", [.vector])
        add("time", [], .scalar)
        add("vector", [.scalar])
        add("label_replace", [.vector, .string, .string, .string, .string])
        return table
    }()

    /// Prometheus 2.42's other functions: named as unsupported rather than unknown.
    static let prometheusOnly: Set<String> = [
        "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil",
        "changes", "clamp", "cos", "cosh", "days_in_month", "day_of_month", "day_of_week",
        "day_of_year", "deg", "exp", "floor", "histogram_count", "histogram_sum",
        "histogram_fraction", "holt_winters", "hour", "idelta", "label_join", "ln", "log10",
        "log2", "minute", "month", "pi", "rad", "resets", "round", "scalar", "sgn", "sin",
        "sinh", "sort", "sort_desc", "sqrt", "tan", "tanh", "timestamp", "year",
    ]
}
