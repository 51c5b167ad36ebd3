import Foundation
import MixupTraining

extension DataOptions {
    /// The data name of default run directories (`runs/<name>-<method>-seed<S>`), known before
    /// the data is read: a tabular file's name without extension, a TU folder's name, else the dataset.
    var defaultRunName: String {
        switch dataset {
        case .tabular: return URL(fileURLWithPath: data ?? Self.defaultTabularFile).deletingPathExtension().lastPathComponent
        case .tu: return data.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "tu"
        default: return dataset.rawValue
        }
    }

    /// The default `--data` of tabular runs.
    static let defaultTabularFile = "Data/cmc/contraceptive.dat"

    /// The files and folders this data comes from, hashed for the run record (see `ContentHash`),
    /// with the defaults `load()` would use.
    func fileRecords() throws -> [DataFileRecord] {
        var named: [(role: String, path: String)] = []
        switch dataset.domain {
        case .tabular:
            named.append(("data", data ?? Self.defaultTabularFile))
            if let testData { named.append(("test-data", testData)) }
        case .graphs:
            if let data { named.append(("data", data)) }
        case .images, .speech:
            let fallback = dataset == .fashionMNIST ? "../shared/data/images/fashion-mnist" : dataset == .fsdd ? "../shared/data/speech/fsdd" : nil
            if let dir = dataDir ?? fallback { named.append(("data-dir", dir)) }
        }
        return try named.map { try ContentHash.record(role: $0.role, path: $0.path) }
    }
}
