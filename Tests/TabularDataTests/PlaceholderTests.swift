import XCTest
final class TabularDataPlaceholderTests: XCTestCase { func testPlaceholderBuilds() {} }
