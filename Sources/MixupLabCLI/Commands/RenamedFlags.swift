/// Flags of run records written before they got a `--no-` form under a positive name: a record's
/// `no-bias: true` is today's `bias: false`. Old records' argument vectors still parse (`--no-bias`
/// is today's inversion); their `options` are translated so `--resume` and the messages of
/// `--config` compare like with like.
enum RenamedFlags {
    /// The old long name → today's name, whose value is the old one negated.
    static let inverted = ["no-bias": "bias", "no-batch-norm": "batch-norm"]

    /// `options` with every old name replaced by today's and its `true`/`false` value negated.
    static func upgrading(_ options: [String: String]) -> [String: String] {
        var out = options
        for (old, new) in inverted {
            guard let value = out.removeValue(forKey: old) else { continue }
            let negated = value == "true" ? "false" : value == "false" ? "true" : value
            if out[new] == nil { out[new] = negated }
        }
        return out
    }
}
