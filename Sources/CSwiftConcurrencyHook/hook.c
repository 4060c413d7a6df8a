#include "CSwiftConcurrencyHook.h"

extern void *swift_task_enqueueGlobal_hook;
extern void *swift_task_enqueueGlobalWithDelay_hook;
extern void *swift_task_enqueueGlobalWithDeadline_hook;

static bool install(void **slot, void *hook) {
    void *expected = 0;
    return __atomic_compare_exchange_n(slot, &expected, hook, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

bool mitten_install_swift_task_enqueueGlobal_hook(void *hook) {
    return install(&swift_task_enqueueGlobal_hook, hook);
}

bool mitten_install_swift_task_enqueueGlobalWithDelay_hook(void *hook) {
    return install(&swift_task_enqueueGlobalWithDelay_hook, hook);
}

bool mitten_install_swift_task_enqueueGlobalWithDeadline_hook(void *hook) {
    return install(&swift_task_enqueueGlobalWithDeadline_hook, hook);
}
