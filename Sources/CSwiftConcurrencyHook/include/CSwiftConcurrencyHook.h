#ifndef MITTEN_CSWIFTCONCURRENCYHOOK_H
#define MITTEN_CSWIFTCONCURRENCYHOOK_H

#include <stdbool.h>

/// Sets the Swift runtime's global-enqueue hook (`swift_task_enqueueGlobal_hook`,
/// swift/Runtime/Concurrency.h), the function that receives every job bound for the
/// global executor, if no hook is set yet (an atomic compare-and-swap from NULL); true
/// when `hook` is now the one. The hook is linked by name, so it is found whether the
/// runtime is a shared library or linked into the binary (`--static-swift-stdlib`),
/// where it is a hidden symbol that `dlsym` cannot see.
bool mitten_install_swift_task_enqueueGlobal_hook(void *_Nonnull hook);

#endif
