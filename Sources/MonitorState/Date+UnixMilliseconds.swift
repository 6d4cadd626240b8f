import Foundation

extension Date {
    /// Milliseconds since the Unix epoch, rounded to the nearest: how the store, the findings and
    /// the outbox keep times.
    public var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// The time of a stored millisecond timestamp.
    public init(unixMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
