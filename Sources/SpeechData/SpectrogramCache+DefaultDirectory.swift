import Foundation

extension SpectrogramCache {
    /// Where the cache lives unless told otherwise: `$XDG_CACHE_HOME/mixuplab/spectrograms`, or
    /// `~/.cache/mixuplab/spectrograms` when `XDG_CACHE_HOME` is unset, empty or relative (as the XDG Base
    /// Directory specification asks). Independent of the working directory, so every run shares one cache.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache", isDirectory: true)
        } else {
            base = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache", isDirectory: true)
        }
        return base.appendingPathComponent("mixuplab", isDirectory: true)
            .appendingPathComponent("spectrograms", isDirectory: true)
    }
}
