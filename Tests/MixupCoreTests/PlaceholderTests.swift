import XCTest
final class MixupCorePlaceholderTests: XCTestCase { func testPlaceholderBuilds() {} }
