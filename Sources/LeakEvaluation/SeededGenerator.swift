import LeakDetection

/// A deterministic random number generator (xoshiro256**, seeded through SplitMix64), so a
/// corpus drawn from a seed is the same on every machine and in every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// The generator for `seed`; equal seeds give equal sequences.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Log-uniform in [low, high): every factor of two equally likely (rates, levels).
    public mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        ElementaryMath.exp(uniform(ElementaryMath.log(low), ElementaryMath.log(high)))
    }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1p-60)
        let u2 = uniform()
        return (-2 * ElementaryMath.log(u1)).squareRoot() * ElementaryMath.cos(ElementaryMath.twoPi * u2)
    }

    /// Poisson with mean `lambda`: Knuth's product method below 30, a rounded normal above
    /// (the skew left at λ ≥ 30 is irrelevant for counts of fds and goroutines).
    public mutating func poisson(_ lambda: Double) -> Double {
        if lambda >= 30 { return max(0, (lambda + lambda.squareRoot() * normal()).rounded()) }
        let limit = ElementaryMath.exp(-lambda)
        var product = uniform()
        var k = 0.0
        while product > limit {
            product *= uniform()
            k += 1
        }
        return k
    }
}
