import SoakModel

/// The stable id of a stored series: the `series.id` row id, assigned once and never reused.
public struct SeriesID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: SeriesID, rhs: SeriesID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// A series as selection returns it: id and key.
public struct SeriesRef: Hashable, Sendable {
    public let id: SeriesID
    public let key: SeriesKey
}
