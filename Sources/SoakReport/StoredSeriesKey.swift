import SeriesStore

/// The store's series key. LeakDetection has a `SeriesKey` of its own (the detector bank's); this
/// file imports only SeriesStore, so the name here is unambiguous.
/// - note: the restructure (issue 13) unifies the two; then this alias goes.
public typealias StoredSeriesKey = SeriesKey
