import XCTest
final class ImageDataPlaceholderTests: XCTestCase { func testPlaceholderBuilds() {} }
