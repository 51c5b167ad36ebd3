import DataFiles
import Foundation
import MixupExperiments

/// The folders and report files commands write (`--out`, tables, plots, scripts): a failure names the
/// path and the operating system's reason (`FileSystemFailure`), not Foundation's "The operation could
/// not be completed".
enum OutputFiles {
    /// Creates `url` and its missing parents.
    static func createFolder(_ url: URL) throws {
        do {
            try FileSystemFailure.createFolder(url.path)
        } catch {
            throw ExperimentError("cannot create folder \(url.path): \(FileSystemFailure.reason(url.path, error))")
        }
    }

    /// Writes `text` as UTF-8 to `url`, atomically.
    static func write(_ text: String, to url: URL) throws {
        do {
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw ExperimentError("cannot write \(url.path): \(FileSystemFailure.reason(url.path, error))")
        }
    }

    /// Writes an SVG plot to `url`.
    static func write(_ plot: SVGPlot, to url: URL) throws {
        try write(plot.render(), to: url)
    }
}
