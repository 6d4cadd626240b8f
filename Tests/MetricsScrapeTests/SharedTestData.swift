import Foundation

/// The project's shared test data: `../shared/testdata` beside the project root (override with
/// `SOAK_SHARED_DIR`). Tests fail, never skip, when it is missing.
enum SharedTestData {
    static var root: URL {
        if let override = ProcessInfo.processInfo.environment["SOAK_SHARED_DIR"] {
            return URL(fileURLWithPath: override).appendingPathComponent("testdata")
        }
        let projectRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return projectRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = root.appendingPathComponent(relativePath)
        return [UInt8](try Data(contentsOf: url))
    }
}
