import Foundation

/// How long the outbox waits before trying an entry again: exponential from
/// ``initialSeconds`` (1 s) doubling to ``maxSeconds`` (5 min), each delay shortened by up to
/// ``jitterFraction`` at random.
///
/// Jitter spreads the retries of many entries that failed together (the receiver went down) so
/// they do not return in one burst; it only shortens delays, so ``maxSeconds`` stays a true cap.
public struct RetryBackoff: Codable, Sendable, Hashable {
    public var initialSeconds: Double
    public var multiplier: Double
    public var maxSeconds: Double
    /// 0 disables jitter; 0.2 makes a delay land in [0.8 d, d].
    public var jitterFraction: Double

    public init(initialSeconds: Double = 1, multiplier: Double = 2, maxSeconds: Double = 300, jitterFraction: Double = 0.2) {
        self.initialSeconds = initialSeconds
        self.multiplier = multiplier
        self.maxSeconds = maxSeconds
        self.jitterFraction = jitterFraction
    }

    /// The delay after the `attempt`-th failure (1 for the first), with `unitRandom` in [0, 1).
    public func delaySeconds(afterAttempt attempt: Int, unitRandom: Double) -> Double {
        let exponent = Double(max(0, attempt - 1))
        let base = min(maxSeconds, initialSeconds * pow(multiplier, exponent))
        return base * (1 - jitterFraction * min(max(unitRandom, 0), 1))
    }
}
