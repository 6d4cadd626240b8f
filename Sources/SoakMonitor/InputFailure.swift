import ArgumentParser
import Foundation

/// Input a command cannot use — an unreadable file, a directory, bad data — reported as
/// `file: why` (or `file:line: why`) on standard error with exit status 2, the project's code
/// for "the input could not be used". A `ValidationError` would print the usage text and exit
/// 64, which says the command line was wrong.
struct InputFailure {
    /// Prints every message, one per line, and returns the exit code to throw.
    static func report(_ messages: [String]) -> ExitCode {
        for message in messages { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        return ExitCode(2)
    }

    /// The bytes of `path`, or standard input for `-`; a directory, a missing or unreadable
    /// file ends the command with exit status 2 and a sentence saying which.
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        try checkReadable(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw report(["\(path): cannot be read (permission denied?)"])
        }
        return [UInt8](data)
    }

    /// `path` mapped into memory (a file, not standard input), with the same exit-2 sentences
    /// as ``read(_:)`` when it cannot be used.
    static func map(_ path: String) throws -> MappedInput {
        try checkReadable(path)
        do { return try MappedInput(path: path) } catch { throw report(["\(error)"]) }
    }

    private static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw report(["\(path): no such file"])
        }
        if isDirectory.boolValue { throw report(["\(path): is a directory; give a file"]) }
    }
}
