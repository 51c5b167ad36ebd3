/// `SeededGenerator`, `SplitMix64` and the version-stable draws (`uniform`, `bounded`, `shuffle`,
/// `permutation`) live in the small `SeededRandom` module so dataset adapters can use them without
/// the engine; re-exporting keeps them one `import MixupCore` away for everything above the engine.
@_exported import SeededRandom
