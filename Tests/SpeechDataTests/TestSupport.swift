import Foundation
import MixupTestSupport
import XCTest

/// The shared FSDD recordings folder (`shared/data/speech/fsdd/recordings`); fails the test when absent.
func fsddRecordings(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    try sharedData("speech/fsdd/recordings/0_george_0.wav", file: file, line: line).deletingLastPathComponent()
}
