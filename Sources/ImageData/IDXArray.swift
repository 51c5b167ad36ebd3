/// The contents of one IDX file of unsigned bytes (type 0x08): its dimensions and its values in row-major order.
/// MNIST-style images are `[count, rows, columns]`, labels `[count]`.
public struct IDXArray: Equatable {
    /// Sizes of each dimension, outermost first, as declared by the header (and verified against the data).
    public var dimensions: [Int]
    /// The values, row-major; `values.count` is the product of `dimensions`.
    public var values: [UInt8]
    /// Byte offset at which the values start in the (decompressed) file, so callers can report offsets of items.
    public var dataOffset: Int
    /// Whether the file was gzip-compressed (so `dataOffset` counts decompressed bytes).
    public var wasGzipped: Bool

    /// Creates an array; used by `IDXReader` and by callers that assemble IDX data in memory.
    public init(dimensions: [Int], values: [UInt8], dataOffset: Int, wasGzipped: Bool = false) {
        self.dimensions = dimensions
        self.values = values
        self.dataOffset = dataOffset
        self.wasGzipped = wasGzipped
    }
}
