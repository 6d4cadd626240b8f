import LeakDetection

extension DetectorConfiguration {
    /// Sets the numeric field `name` (as `--set NAME=VALUE` names it); false for an unknown name.
    mutating func set(_ name: String, _ number: Double) -> Bool {
        switch name {
        case "leakZ": self.leakZ = number
        case "suspectZ": self.suspectZ = number
        case "confirmBuckets": self.confirmBuckets = Int(number)
        case "fastWarmUpGrowthPercentPerHour": self.fastWarmUpGrowthPercentPerHour = number
        case "maximumVarianceInflation": self.maximumVarianceInflation = number
        case "continuationRatio": self.continuationRatio = number
        case "warmUpSeconds": self.warmUpSeconds = number
        case "bucketSeconds": self.bucketSeconds = number
        case "windowBuckets": self.windowBuckets = Int(number)
        case "minimumJudgedBuckets": self.minimumJudgedBuckets = Int(number)
        case "stepDominance": self.stepDominance = number
        case "cycleSwingPercent": self.cycleSwingPercent = number
        case "minimumGrowthPercentPerHour": self.minimumGrowthPercentPerHour = number
        case "trendInvariantSerialCorrelation": self.trendInvariantSerialCorrelation = number != 0
        case "decelerationZ": self.decelerationZ = number
        case "whiteNoiseZ": self.whiteNoiseZ = number
        case "saturationDominance": self.saturationDominance = number
        case "removeWhiteNoiseFromPersistence": self.removeWhiteNoiseFromPersistence = number != 0
        case "persistenceFromBothLevels": self.persistenceFromBothLevels = number != 0
        case "olderHalfSerialCorrelation": self.olderHalfSerialCorrelation = number != 0
        case "recentLeakZ": self.recentLeakZ = number
        case "cycleSlopeErrors": self.cycleSlopeErrors = number
        case "differenceClipMADs": self.differenceClipMADs = number
        case "chooseMemoryLevel": self.chooseMemoryLevel = number != 0
        case "maximumWarmUpTimeConstantSeconds": self.maximumWarmUpTimeConstantSeconds = number
        case "warmUpRejectionChiSquare": self.warmUpRejectionChiSquare = number
        default: return false
        }
        return true
    }
}
