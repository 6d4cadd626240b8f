import Yams

/// Composes a configuration file's YAML into a root ``YAMLCursor``: the one place YAML syntax
/// errors become ``ConfigProblem``s with their line and column.
public enum YAMLDocument {
    /// The root of `yaml`, reporting into `log` (whose file names it in messages).
    /// - throws: a ``ConfigError`` for an empty file or a syntax error (nothing can be read then).
    public static func root(yaml: String, log: ProblemLog) throws(ConfigError) -> YAMLCursor {
        let file = log.file
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigError(problems: [ConfigProblem(file: file, line: 0, path: "", message: "file is empty")])
            }
            return YAMLCursor(node: node, path: "", log: log)
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw ConfigError(problems: [problem(from: error, file: file)])
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: file, line: 0, path: "", message: "\(error)")])
        }
    }

    static func problem(from error: YamlError, file: String) -> ConfigProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return ConfigProblem(file: file, line: mark.line, column: mark.column, path: "", message: "YAML syntax: \(problem)")
        default:
            return ConfigProblem(file: file, line: 0, path: "", message: "YAML: \(error)")
        }
    }
}

extension YAMLCursor {
    /// A path to a file that must exist when `checkFiles` is on; relative paths are kept as written.
    public func file(checkFiles: Bool) -> String? {
        guard let path = nonEmptyString() else { return nil }
        if checkFiles && !isReadableFile(path) { problem("file \(path) does not exist or is not readable") }
        return path
    }
}
