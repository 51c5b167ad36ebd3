// Route 1: the regularizer compiled in. Register it, then run the whole `mixuplab` command line
// (`custom-mixuplab train … --regularizer logit-l2`, `custom-mixuplab regularizers`, …).
import MixupLab

try RegularizerRegistry.register(LogitPenalty.self)
MixupLab.main()
