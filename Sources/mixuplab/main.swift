// The `mixuplab` executable: every command lives in the MixupLabCLI library, so a package of
// your own can build the same tool with its regularizers registered (see Examples/CustomRegularizer).
import MixupLabCLI

MixupLab.main()
