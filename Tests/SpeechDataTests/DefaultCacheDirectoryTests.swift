import SpeechData
import XCTest

final class DefaultCacheDirectoryTests: XCTestCase {
    func testDefaultCacheDirectoryFollowsXDGNotTheWorkingDirectory() {
        XCTAssertEqual(SpectrogramCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]).path,
                       "/x/cache/mixuplab/spectrograms")
        XCTAssertEqual(SpectrogramCache.defaultDirectory(environment: ["HOME": "/home/u"]).path,
                       "/home/u/.cache/mixuplab/spectrograms")
        // the XDG specification: an empty or relative XDG_CACHE_HOME is ignored
        XCTAssertEqual(SpectrogramCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "", "HOME": "/home/u"]).path,
                       "/home/u/.cache/mixuplab/spectrograms")
        XCTAssertEqual(SpectrogramCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "rel", "HOME": "/home/u"]).path,
                       "/home/u/.cache/mixuplab/spectrograms")
    }
}
