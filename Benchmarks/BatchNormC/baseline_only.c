// BatchNorm.c compiled without target_clones: the code of its "default" (baseline x86-64) clone.
#include "Clones.h"
#undef MIXUP_CLONES
#define MIXUP_CLONES
#include "BatchNorm.c"
