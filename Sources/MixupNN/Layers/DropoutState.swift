import Foundation
import MixupCore

extension Layer {
    /// The generator state of every `Dropout` layer, as checkpoint metadata: key
    /// `dropout.<layer path>`, value the generator's JSON. Saved beside the parameters so a
    /// resumed run draws the same masks the uninterrupted run would have drawn.
    public var dropoutGeneratorStates: [String: String] {
        var states: [String: String] = [:]
        let encoder = JSONEncoder()
        for (path, noise) in namedDropoutNoise {
            if let data = try? encoder.encode(noise.generator), let json = String(data: data, encoding: .utf8) {
                states["dropout." + path] = json
            }
        }
        return states
    }

    /// Restores generator states saved by `dropoutGeneratorStates`. Layers without a saved state
    /// keep their current stream; a saved state that does not decode is an error naming its key.
    public func loadDropoutGeneratorStates(_ metadata: [String: String]) throws {
        let decoder = JSONDecoder()
        for (path, noise) in namedDropoutNoise {
            let key = "dropout." + path
            guard let json = metadata[key] else { continue }
            do {
                noise.generator = try decoder.decode(SeededGenerator.self, from: Data(json.utf8))
            } catch {
                throw LayerBufferError(name: key, detail: "unreadable dropout generator state: \(error)")
            }
        }
    }

    /// Every `DropoutNoise` with the dotted path of the dropout layer that owns it.
    var namedDropoutNoise: [(path: String, noise: DropoutNoise)] {
        var found: [(String, DropoutNoise)] = []
        walkStoredProperties(self) { value, path in
            if let noise = value as? DropoutNoise {
                found.append((path.split(separator: ".").dropLast().joined(separator: "."), noise))
                return true
            }
            return value is Variable<Scalar> || value is Tensor<Scalar> || value is ModelMode
                || value is RunningStatistics<Scalar>
        }
        return found
    }
}
