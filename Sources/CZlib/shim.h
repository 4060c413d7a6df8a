#ifndef MITTEN_CZLIB_SHIM_H
#define MITTEN_CZLIB_SHIM_H
#include <zlib.h>
#endif
