/// One problem in a configuration file, located by file, line and YAML path:
/// `soak.yml:12: scrape_configs[0].tls_config.ca_fil: unknown key`.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line; 0 when the problem concerns the file as a whole.
    public var line: Int
    public var column: Int
    /// Dotted YAML path with sequence indexes (`scrape_configs[0].static_configs[1].targets[2]`).
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int = 0, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}

/// A configuration that could not be used, with every problem found (not just the first),
/// so that `soak check-config` can list them all in one run.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
