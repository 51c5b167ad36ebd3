import XCTest
final class GraphDataPlaceholderTests: XCTestCase { func testPlaceholderBuilds() {} }
