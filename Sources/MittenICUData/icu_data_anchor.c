// The filtered ICU data comes from the ICUDataFilter build plugin (a generated source
// in the build directory); this file only gives the target a source of its own.
#include "MittenICUData.h"
int mitten_icu_data_anchor(void) { return 0; }
