import ArgumentParser

@main
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Watches a Kubernetes verification cluster for slow leaks of memory, file descriptors, goroutines and threads.",
        subcommands: [RunCommand.self, DemoCommand.self, LintCommand.self, CheckConfigCommand.self, AnalyzeCommand.self, ImportCommand.self, ExportCommand.self, CompareCommand.self]
    )
}
