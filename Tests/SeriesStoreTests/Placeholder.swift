import XCTest
@testable import SeriesStore
