/// The stable order of class (and discovered category) names for files without a declared list (CSV).
///
/// If every name parses as a finite number the names are sorted numerically (so "2" < "10" — Abalone rings,
/// CMC 1/2/3); otherwise they are sorted by their Unicode scalar values (byte order, independent of locale).
public enum ClassNameOrdering {
    /// `names` deduplicated and sorted by the rule above.
    public static func sorted(_ names: Set<String>) -> [String] {
        var numeric: [(value: Double, name: String)] = []
        numeric.reserveCapacity(names.count)
        for name in names {
            guard let v = Double(name), v.isFinite else { return names.sorted(by: scalarOrder) }
            numeric.append((v, name))
        }
        numeric.sort { a, b in a.value != b.value ? a.value < b.value : scalarOrder(a.name, b.name) }
        return numeric.map(\.name)
    }

    /// Locale-independent order by Unicode scalar values.
    static func scalarOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }
}
