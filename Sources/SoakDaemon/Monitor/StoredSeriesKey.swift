import SeriesStore

/// The store's key type, named so files that also import LeakDetection (which has its own
/// `SeriesKey`) can say which one they mean. This file imports only SeriesStore, so the name
/// here is unambiguous.
public typealias StoredSeriesKey = SeriesKey
