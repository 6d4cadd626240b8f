import XCTest
@testable import MetricsScrape
