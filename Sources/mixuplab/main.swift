// The `mixuplab` executable: every command lives in the MixupLabCLI library, so a package of
// your own can build the same tool with its regularizers registered (see Examples/CustomRegularizer).
import MixupCore
import MixupLabCLI

// Before any work: if OpenBLAS fell back to narrower kernels than the CPU runs (and the user has
// not set OPENBLAS_CORETYPE), re-execute with the best core that passes a GEMM self-check.
BLASCoreSelection.selectBestCore()
MixupLab.main()
