/// Which of CIFAR-100's two labels to use: the 100 fine classes or the 20 coarse superclasses.
public enum CIFARLabelKind: String, CaseIterable, Sendable {
    /// The 100 fine-grained classes (second byte of each record).
    case fine
    /// The 20 superclasses (first byte of each record).
    case coarse

    /// Number of classes for this label kind.
    public var classCount: Int { self == .fine ? 100 : 20 }
}
