import XCTest
final class MixupExperimentsPlaceholderTests: XCTestCase { func testPlaceholderBuilds() {} }
