/// Which half of a dataset's official split to load.
public enum ImageDatasetSplit: String, CaseIterable, Sendable {
    /// The training portion (Fashion-MNIST: 60,000 images; CIFAR: 50,000).
    case train
    /// The held-out test portion (10,000 images for both).
    case test
}
