import LeakDetection

/// The widened families of issue 15: parameters drawn well beyond the original shapes' ranges,
/// labelled by ``CorpusShape/isLeak``'s one rule. Ranges that the rule depends on (a warm-up's
/// time constant, a leak's end) are drawn relative to the run length, so a shorter corpus keeps
/// its labels true.
extension SeriesGenerator {
    /// Length of the run in seconds.
    private var runSeconds: Double { Double(count) * spacingSeconds }

    /// Multiplicative white noise of relative size `sigma`.
    private mutating func noisy(_ value: Double, _ sigma: Double) -> Double {
        value * (1 + sigma * random.normal())
    }

    /// A saturating exponential warm-up from `base` (fraction of the final level) with time
    /// constant `tau`, evaluated at `t` seconds.
    private static func warm(_ t: Double, base: Double, tau: Double) -> Double {
        base + (1 - base) * (1 - ElementaryMath.exp(-t / tau))
    }

    /// A warm-up time constant from minutes to a quarter of the run, log-uniform (every factor
    /// of two equally likely), so hour-long and many-hour warm-ups are as common as fast ones.
    private mutating func warmUpTau() -> Double {
        random.logUniform(5 * 60, runSeconds / 4)
    }

    /// A leak rate from the rule's 0.25 %/h (with a margin) to 8 %/h, log-uniform.
    private mutating func leakRatePerHour() -> Double { random.logUniform(0.003, 0.08) }

    mutating func generateWidened(level: Double) -> [Double] {
        switch shape {
        case .warmUp:
            let base = random.uniform(0.2, 0.9), tau = warmUpTau(), sigma = random.uniform(0.002, 0.02)
            return (0..<count).map { i in noisy(level * Self.warm(time(i), base: base, tau: tau), sigma) }
        case .sawtoothWarmUp:
            let base = random.uniform(0.2, 0.9), tau = warmUpTau()
            return sawtooth { t in level * Self.warm(t, base: base, tau: tau) }
        case .logisticWarmUp:
            // An S-curve: slow start, fastest at `middle`, settled ~5 widths later (within a
            // quarter of the run plus the middle).
            let base = random.uniform(0.2, 0.8)
            let width = random.logUniform(5 * 60, runSeconds / 40)
            let middle = random.uniform(2 * width, runSeconds / 6)
            let sigma = random.uniform(0.002, 0.015)
            return (0..<count).map { i in
                let s = 1 / (1 + ElementaryMath.exp(-(time(i) - middle) / width))
                return noisy(level * (base + (1 - base) * s), sigma)
            }
        case .twoStageWarmUp:
            // A fast fill (pools, JIT) and then a slow one (caches), each saturating.
            let base = random.uniform(0.2, 0.7)
            let fastShare = random.uniform(0.2, 0.8)
            let fastTau = random.logUniform(3 * 60, 45 * 60), slowTau = random.logUniform(1 * 3600, runSeconds / 4)
            let sigma = random.uniform(0.002, 0.015)
            return (0..<count).map { i in
                let t = time(i)
                let rise = fastShare * (1 - ElementaryMath.exp(-t / fastTau)) + (1 - fastShare) * (1 - ElementaryMath.exp(-t / slowTau))
                return noisy(level * (base + (1 - base) * rise), sigma)
            }
        case .levelShift:
            // One shift, up or down (not so far down that it reads as a restart).
            let at = random.uniform(0.05, 0.95) * runSeconds
            let size = random.uniform(0.03, 0.6) * (random.uniform() < 0.5 ? 1 : -0.6)
            let sigma = random.uniform(0.002, 0.02)
            let sawtoothed = random.uniform() < 0.3
            if sawtoothed { return sawtooth { t in level * (t >= at ? 1 + size : 1) } }
            return (0..<count).map { i in noisy(level * (time(i) >= at ? 1 + size : 1), sigma) }
        case .spikes:
            let sigma = random.uniform(0.002, 0.02)
            let spikes = Int(random.uniform(2, 30))
            var high = [Double](repeating: 0, count: count)
            for _ in 0..<spikes {
                let start = Int(random.uniform(0, Double(count)))
                let length = Int(random.uniform(1, 30))
                let height = random.uniform(0.1, 2)
                for i in start..<min(count, start + length) { high[i] = max(high[i], height) }
            }
            return (0..<count).map { i in noisy(level * (1 + high[i]), sigma) }
        case .recedingBursts:
            // Load bursts: the level rises with the load within minutes (time constant 2–30 min),
            // holds for the burst (0.5–4 h) and gives it all back as the load goes. (The first
            // draft ramped linearly through the whole burst — up to 10 %/h for 4 h — which no
            // detector can tell from a leak until it recedes; see docs/detection.md.)
            let sigma = random.uniform(0.002, 0.015)
            var extra = [Double](repeating: 0, count: count)
            var t = random.uniform(0.5, 4) * 3600
            while t < runSeconds {
                let length = random.uniform(0.5, 4) * 3600, height = random.uniform(0.05, 0.4)
                let rise = random.uniform(2, 30) * 60, release = random.uniform(2, 30) * 60
                for i in 0..<count {
                    let u = time(i) - t
                    guard u >= 0 else { continue }
                    let held = height * (1 - ElementaryMath.exp(-min(u, length) / rise))
                    extra[i] += u < length ? held : held * ElementaryMath.exp(-(u - length) / release)
                }
                t += length + random.uniform(1, 10) * 3600
            }
            return (0..<count).map { i in noisy(level * (1 + extra[i]), sigma) }
        case .dailyWeeklyCycle:
            let daily = random.uniform(0.005, 0.06), weekly = random.uniform(0.0, 0.06)
            let dailyPhase = random.uniform(0, ElementaryMath.twoPi), weeklyPhase = random.uniform(0, ElementaryMath.twoPi)
            let sigma = random.uniform(0.002, 0.015)
            return (0..<count).map { i in
                let t = time(i)
                let cycle = 1 + daily * ElementaryMath.sin(ElementaryMath.twoPi * t / 86400 + dailyPhase)
                    + weekly * ElementaryMath.sin(ElementaryMath.twoPi * t / (7 * 86400) + weeklyPhase)
                return noisy(level * cycle, sigma)
            }
        case .lowCountChurn:
            let lambda = random.logUniform(1, 40)
            return (0..<count).map { _ in random.poisson(lambda) }
        case .gappyWarmUp:
            // A warm-up (or flat, when τ is short) with scrape gaps of 6 min to 2 h.
            let base = random.uniform(0.3, 0.95), tau = warmUpTau(), sigma = random.uniform(0.002, 0.015)
            var values = (0..<count).map { i in noisy(level * Self.warm(time(i), base: base, tau: tau), sigma) }
            punchGaps(&values)
            return values
        case .leakUnderCycles:
            let rate = leakRatePerHour()
            let daily = random.uniform(0.005, 0.06), weekly = random.uniform(0, 0.06)
            let dailyPhase = random.uniform(0, ElementaryMath.twoPi), weeklyPhase = random.uniform(0, ElementaryMath.twoPi)
            let sigma = random.uniform(0.002, 0.015)
            return (0..<count).map { i in
                let t = time(i)
                let cycle = daily * ElementaryMath.sin(ElementaryMath.twoPi * t / 86400 + dailyPhase)
                    + weekly * ElementaryMath.sin(ElementaryMath.twoPi * t / (7 * 86400) + weeklyPhase)
                return noisy(level * (1 + rate * t / 3600 + cycle), sigma)
            }
        case .stoppingLeak:
            let onset = random.uniform(0, 0.4) * runSeconds
            let end = onset + random.uniform(0.25, 0.55) * runSeconds
            onsetSeconds = onset
            leakEndSeconds = end
            let rate = random.logUniform(0.005, 0.08), sigma = random.uniform(0.002, 0.015)
            return (0..<count).map { i in
                noisy(level * (1 + rate * (min(end, max(onset, time(i))) - onset) / 3600), sigma)
            }
        case .lateStartLeak:
            let onset = random.uniform(0.05, 0.8) * runSeconds
            onsetSeconds = onset
            let rate = leakRatePerHour()
            let sawtoothed = random.uniform() < 0.4
            if sawtoothed { return sawtooth { t in level * (1 + rate * max(0, t - onset) / 3600) } }
            let sigma = random.uniform(0.002, 0.015)
            return (0..<count).map { i in noisy(level * (1 + rate * max(0, time(i) - onset) / 3600), sigma) }
        case .longStepStaircase:
            // Few, long steps (3–8 h apart): growth by jumps that is never given back.
            let interval = random.uniform(3, 8) * 3600
            let stepSize = random.uniform(0.02, 0.12)
            let sigma = random.uniform(0.002, 0.015)
            var nextStep = interval * random.uniform(0.3, 1.0)
            onsetSeconds = nextStep
            var height = 1.0
            return (0..<count).map { i in
                if time(i) >= nextStep {
                    height += stepSize * random.uniform(0.6, 1.4)
                    nextStep += interval * random.uniform(0.7, 1.3)
                }
                return noisy(level * height, sigma)
            }
        case .oomRestartCycles:
            // Grows from a fresh start until the memory limit, is OOM-killed and restarts: each
            // life is a new segment for the detector (value collapse), each leaks again.
            let period = random.uniform(2, 9) * 3600
            let startFraction = random.uniform(0.3, 0.6)
            let sigma = random.uniform(0.002, 0.015)
            let rate = (1 - startFraction) / period
            var lifeStart = 0.0
            var life = period * random.uniform(0.8, 1.2)
            return (0..<count).map { i in
                let t = time(i)
                if t - lifeStart >= life {
                    lifeStart = t
                    life = period * random.uniform(0.8, 1.2)
                }
                return noisy(level * (startFraction + rate * (t - lifeStart) * period / life), sigma)
            }
        case .burstRetainedLeak:
            // Grows only during load bursts and never gives it back.
            let sigma = random.uniform(0.002, 0.015)
            var retained = [Double](repeating: 0, count: count)
            var t = random.uniform(0.2, 3) * 3600
            onsetSeconds = t
            while t < runSeconds {
                let length = random.uniform(0.3, 2) * 3600, gain = random.uniform(0.01, 0.08)
                for i in 0..<count {
                    let u = time(i) - t
                    if u >= length { retained[i] += gain } else if u >= 0 { retained[i] += gain * u / length }
                }
                t += length + random.uniform(1, 6) * 3600
            }
            return (0..<count).map { i in noisy(level * (1 + retained[i]), sigma) }
        case .lowCountDrift:
            let lambda = random.logUniform(3, 40)
            let rate = random.logUniform(0.01, 0.10)
            return (0..<count).map { i in random.poisson(lambda * (1 + rate * time(i) / 3600)) }
        case .warmUpThenLeak:
            // A warm-up with a leak under it from the start: the leak outlasts the warm-up.
            let base = random.uniform(0.3, 0.9), tau = random.logUniform(5 * 60, 3 * 3600)
            let rate = leakRatePerHour(), sigma = random.uniform(0.002, 0.015)
            let sawtoothed = random.uniform() < 0.4
            if sawtoothed { return sawtooth { t in level * (Self.warm(t, base: base, tau: tau) + rate * t / 3600) } }
            return (0..<count).map { i in
                noisy(level * (Self.warm(time(i), base: base, tau: tau) + rate * time(i) / 3600), sigma)
            }
        default:
            preconditionFailure("\(shape) is not a widened family")
        }
    }

    /// Replaces 1–4 stretches of 6 min to 2 h by NaN (nothing scraped).
    private mutating func punchGaps(_ values: inout [Double]) {
        let gaps = Int(random.uniform(1, 5))
        for _ in 0..<gaps {
            let start = Int(random.uniform(0.05, 0.95) * Double(count))
            let length = Int(random.uniform(6 * 60, 2 * 3600) / spacingSeconds)
            for i in start..<min(count, start + length) { values[i] = .nan }
        }
    }
}
