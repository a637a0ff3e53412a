/*
 * Replies as a function built with EDGELESS's Rust edgeless_function crate does: its allocator hands out blocks it
 * tracks, and handle_call_asm gives its reply buffer back to that allocator itself before returning (the crate's
 * reply buffer is consumed and freed on the guest side). A free of a block that is not live (a double free, or a
 * pointer it never handed out) traps with unreachable, as the Rust allocator panics. Written against the raw ABI.
 *   call "live"  -> the number of live blocks, in decimal
 *   other call   -> "reply:" followed by the payload
 */
#include <stdint.h>

#define EXPORT(n) __attribute__((export_name(#n)))
#define BLOCKS 64
#define BLOCK 1024

static uint8_t pool[BLOCKS][BLOCK];
static uint8_t used[BLOCKS];

static uint8_t *take(int len) {
    if (len > BLOCK) __builtin_trap();
    for (int i = 0; i < BLOCKS; i++) if (!used[i]) { used[i] = 1; return pool[i]; }
    __builtin_trap();
}

static void give_back(uint8_t *p) {
    for (int i = 0; i < BLOCKS; i++) if (pool[i] == p) {
        if (!used[i]) __builtin_trap();
        used[i] = 0;
        return;
    }
    __builtin_trap();
}

EXPORT(edgeless_mem_alloc) uint8_t *edgeless_mem_alloc(int len) { return take(len); }
EXPORT(edgeless_mem_free) void edgeless_mem_free(uint8_t *p, int len) { give_back(p); }
EXPORT(edgeless_mem_clear) void edgeless_mem_clear(void) {}
EXPORT(handle_init_asm) void handle_init_asm(const uint8_t *p, int n, const uint8_t *s, int sn) {}
EXPORT(handle_cast_asm) void handle_cast_asm(const uint8_t *node, const uint8_t *component, const uint8_t *p, int n) {}
EXPORT(handle_stop_asm) void handle_stop_asm(void) {}

EXPORT(handle_call_asm) int handle_call_asm(const uint8_t *node, const uint8_t *component, const uint8_t *p, int n, uint8_t **out, int *out_len) {
    uint8_t *reply = take(6 + n);
    int k = 0;
    if (n == 4 && p[0] == 'l' && p[1] == 'i' && p[2] == 'v' && p[3] == 'e') {
        int live = 0;
        for (int i = 0; i < BLOCKS; i++) live += used[i];
        /* The reply block itself is about to be given back: do not count it. */
        live--;
        char t[12];
        int m = 0;
        do { t[m++] = (char)('0' + live % 10); live /= 10; } while (live);
        while (m) reply[k++] = (uint8_t)t[--m];
    } else {
        const char *prefix = "reply:";
        for (; k < 6; k++) reply[k] = (uint8_t)prefix[k];
        for (int i = 0; i < n; i++) reply[k++] = p[i];
    }
    *out = reply;
    *out_len = k;
    give_back(reply);
    return 1;
}
