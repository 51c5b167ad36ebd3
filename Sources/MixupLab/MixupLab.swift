// The umbrella module: `import MixupLab` gives every user-facing module at once, so a package
// that adds a regularizer (or a plugin that registers one) needs a single import.
// (The command line's root command is also called `MixupLab`; `MixupLab.main()` names that type.)
@_exported import GraphData
@_exported import ImageData
@_exported import MixupCore
@_exported import MixupExperiments
@_exported import MixupLabCLI
@_exported import MixupNN
@_exported import MixupRegularizers
@_exported import MixupTraining
@_exported import SafeTensors
@_exported import SpeechData
@_exported import TabularData
