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

/// The same for the hooks that receive jobs to run after a delay
/// (`swift_task_enqueueGlobalWithDelay_hook`) or at a deadline of a clock
/// (`swift_task_enqueueGlobalWithDeadline_hook`: `Task.sleep`); without them those jobs
/// wait on Dispatch's timers and run on Dispatch's threads.
bool mitten_install_swift_task_enqueueGlobalWithDelay_hook(void *_Nonnull hook);
bool mitten_install_swift_task_enqueueGlobalWithDeadline_hook(void *_Nonnull hook);

#endif
