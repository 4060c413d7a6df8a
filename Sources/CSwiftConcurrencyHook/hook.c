#include "CSwiftConcurrencyHook.h"

extern void *swift_task_enqueueGlobal_hook;

bool mitten_install_swift_task_enqueueGlobal_hook(void *hook) {
    void *expected = 0;
    return __atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, hook, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
