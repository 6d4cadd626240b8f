import XCTest
@testable import LeakDetection
