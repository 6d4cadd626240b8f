import SeriesStore

/// The store's series key under a name that does not collide with `LeakDetection.SeriesKey`
/// (the module `SeriesStore` also has a type `SeriesStore`, so `SeriesStore.SeriesKey` does not resolve).
typealias StoredSeriesKey = SeriesKey
