import SeriesStore

/// Why a report could not be written: the input could not be used (a comparison file that is not
/// the expected JSON, an empty range), or the store or the output file failed.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The input is unusable (exit 2): bad comparison JSON, no samples in the range.
        case badInput
        /// Reading the store failed.
        case store
        /// Writing the report or its evidence files failed.
        case output
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    init(_ error: StoreError) {
        self.init(kind: .store, message: "\(error)")
    }

    public var description: String { message }
}
