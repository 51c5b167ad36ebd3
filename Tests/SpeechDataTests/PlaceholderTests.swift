import XCTest
final class SpeechDataPlaceholderTests: XCTestCase { func testPlaceholderBuilds() {} }
