/// Elementary functions for `LeakDetection`, which imports only the `SoakModel` vocabulary (not
/// even Foundation or Glibc/Darwin) so it builds identically everywhere. Accurate to a few ulp
/// over the ranges the detector and the synthetic corpus use; none of them is on the per-sample
/// path.
package enum ElementaryMath {
    package static let ln2 = 0.693_147_180_559_945_309_417_232_121_458
    package static let twoPi = 6.283_185_307_179_586_476_925_286_766_559

    /// e^x by range reduction x = k·ln2 + r, |r| ≤ ln2/2, and a Taylor series for e^r.
    package static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.7 { return .infinity }
        if x < -745 { return 0 }
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        for i in 1...18 {
            term *= r / Double(i)
            sum += term
        }
        return scaleByPowerOfTwo(sum, Int(k))
    }

    /// Natural logarithm: x = m·2^e with m in [√½, √2), then 2·atanh((m−1)/(m+1)) as a series.
    package static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return x }
        var e = Int(x.exponent)
        var m = x.significand  // in [1, 2)
        if m > 1.414_213_562_373_095 {
            m /= 2
            e += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var power = s
        var sum = 0.0
        var i = 1.0
        while i < 40 {
            sum += power / i
            power *= s2
            i += 2
        }
        return 2 * sum + Double(e) * ln2
    }

    /// sin(x) by reduction to [−π, π] and a Taylor series.
    package static func sin(_ x: Double) -> Double {
        var r = x - (x / twoPi).rounded() * twoPi
        if r > twoPi / 2 { r -= twoPi }
        let r2 = r * r
        var term = r
        var sum = r
        for i in stride(from: 2, through: 36, by: 2) {
            term *= -r2 / Double(i * (i + 1))
            sum += term
        }
        return sum
    }

    /// cos(x) = sin(x + π/2).
    package static func cos(_ x: Double) -> Double { sin(x + twoPi / 4) }

    /// The standard normal CDF Φ(z) through erfc (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7):
    /// ample for a confidence figure printed with two decimals.
    package static func normalCDF(_ z: Double) -> Double {
        let x = abs(z) / 2.0.squareRoot()
        let t = 1 / (1 + 0.327_591_1 * x)
        let poly = t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))))
        let erfc = poly * exp(-x * x)
        return z >= 0 ? 1 - erfc / 2 : erfc / 2
    }

    /// The standard normal quantile Φ⁻¹(p) for p in (0, 1), by bisection on ``normalCDF(_:)``
    /// (60 halvings of [−10, 10]: as accurate as the CDF). Used for confidence levels, never per sample.
    static func normalQuantile(_ p: Double) -> Double {
        guard p > 0 else { return -.infinity }
        guard p < 1 else { return .infinity }
        var low = -10.0
        var high = 10.0
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if normalCDF(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    private static func scaleByPowerOfTwo(_ value: Double, _ k: Int) -> Double {
        var result = value
        var k = k
        // Multiply in steps that stay inside the exponent range of a Double.
        while k > 1000 { result *= Double(sign: .plus, exponent: 1000, significand: 1); k -= 1000 }
        while k < -1000 { result *= Double(sign: .plus, exponent: -1000, significand: 1); k += 1000 }
        return result * Double(sign: .plus, exponent: k, significand: 1)
    }
}
