/// Flags of `train` that were written under a `--no-` name before they got a positive one: a run
/// record's or a grid's `no-bias: true` is today's `bias: false`. The one table of these names, read
/// by `--resume` and `--config` (records) and by sweep grids, so old files keep meaning what they say.
public enum RenamedFlags {
    /// The old long name → today's name, whose value is the old one negated.
    public static let inverted = ["no-bias": "bias", "no-batch-norm": "batch-norm"]

    /// Today's name of `name` (itself unless it is an old one).
    public static func currentName(of name: String) -> String { inverted[name] ?? name }

    /// `value` of the option `name` in today's terms: `true`/`false` negated for an old name, else unchanged.
    public static func currentValue(of name: String, _ value: String) -> String {
        guard inverted[name] != nil else { return value }
        return value == "true" ? "false" : value == "false" ? "true" : value
    }

    /// `options` with every old name replaced by today's and its `true`/`false` value negated
    /// (today's name wins when both are present).
    public static func upgrading(_ options: [String: String]) -> [String: String] {
        var out = options
        for (old, new) in inverted {
            guard let value = out.removeValue(forKey: old) else { continue }
            if out[new] == nil { out[new] = currentValue(of: old, value) }
        }
        return out
    }

    /// The command-line form of the flag `name` set to `on`: `--name` or `--no-name` in today's
    /// spelling (`no-bias` on → `--no-bias`, off → `--bias`).
    public static func argument(_ name: String, on: Bool) -> String {
        let current = currentName(of: name)
        let currentOn = current == name ? on : !on
        return currentOn ? "--\(current)" : "--no-\(current)"
    }
}
