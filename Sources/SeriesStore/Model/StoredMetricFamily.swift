/// A metric family's metadata as the store keeps it (`# TYPE`, `# HELP`, `# UNIT`), so an export
/// can write them back. `type` is the OpenMetrics type name (`counter`, `gauge`, `unknown`, …).
public struct StoredMetricFamily: Hashable, Sendable {
    public var name: String
    public var type: String
    public var help: String?
    public var unit: String?

    public init(name: String, type: String, help: String? = nil, unit: String? = nil) {
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
    }
}
