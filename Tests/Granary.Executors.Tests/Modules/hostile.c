/*
 * Misbehaving functions for the sandbox tests, chosen by init-payload "mode=...". Each misbehaves on a cast; a call
 * answers "alive" (so a healthy instance of it can serve).
 *   trap   -> executes unreachable
 *   spin   -> loops forever
 *   hog    -> allocates 64 KiB blocks until the allocator fails, then traps
 *   deep   -> recurses without end
 *   none   -> behaves
 */
#include "edgeless.h"

static int mode;
static volatile int sink;

/* Uses no shadow stack (locals stay in wasm locals), so it is the engine's call depth that runs out. */
__attribute__((noinline)) static int recurse(int n) {
    sink = n;
    return recurse(n + 1) + sink;
}

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    const uint8_t *v;
    int n;
    if (!edgeless_param(payload, payload_len, "mode", &v, &n)) return;
    if (n == 4 && edgeless_memeq(v, "trap", 4)) mode = 1;
    if (n == 4 && edgeless_memeq(v, "spin", 4)) mode = 2;
    if (n == 3 && edgeless_memeq(v, "hog", 3)) mode = 3;
    if (n == 4 && edgeless_memeq(v, "deep", 4)) mode = 4;
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    switch (mode) {
    case 1:
        __builtin_trap();
    case 2:
        for (;;) sink++;
    case 3:
        for (;;) {
            uint8_t *block = edgeless_mem_alloc(65536);
            if (!block) __builtin_trap();
            block[0] = 1;
            edgeless_keep();
        }
    case 4:
        sink = recurse(0);
        break;
    default:
        sink++;
    }
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    *reply = (const uint8_t *)"alive";
    *reply_len = 5;
    return EDGELESS_REPLY;
}

void edgeless_on_stop(void) {}
