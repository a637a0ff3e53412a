/*
 * edgeless.h: write EDGELESS / Granary WebAssembly functions in C.
 *
 * A function is one C file that includes this header once and defines the four handlers:
 *
 *   void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len);
 *   void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len);
 *   int  edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len,
 *                         const uint8_t **reply, int *reply_len);   // EDGELESS_NO_REPLY, _REPLY or _ERROR
 *   void edgeless_on_stop(void);
 *
 * The header declares the host functions (module "env"), defines the guest exports of the ABI (memory is exported
 * by the linker) and a bump allocator. Build (see build.sh):
 *   clang-14 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry -o f.wasm f.c
 *
 * With wasi-libc instead (printf, malloc, ...; the node gives such a module a WASI context without files, network or
 * environment, and logs its stdout and stderr), define EDGELESS_USE_LIBC before including this header and build a
 * reactor: clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -DEDGELESS_USE_LIBC -o f.wasm f.c
 * The allocator is then malloc/free, and what an event allocated with edgeless_event_alloc (replies included) and
 * the replies of edgeless_call are freed at the next edgeless_mem_clear.
 *
 * Memory (bump allocator): edgeless_mem_clear (called by the host before each cast, call and stop, not before init)
 * frees everything allocated since the end of init or the last edgeless_keep(). Allocate long-lived data in init, or
 * call edgeless_keep() after allocating it. edgeless_mem_alloc returns 0 when the memory limit is reached.
 * edgeless_event_alloc is memory for the current event only, with either allocator.
 *
 * Calls: edgeless_call blocks until the answer (at most the node's call timeout, and never past the event's time
 * limit); a timeout is returned as EDGELESS_ERROR. A reply from edgeless_call lives in memory the host allocated with
 * edgeless_mem_alloc and is the function's from then on: here it is valid until the next edgeless_mem_clear.
 *
 * Replies: the buffer a function returns from edgeless_on_call stays the function's. The host copies it after
 * handle_call_asm returns and never frees it (EDGELESS's node does the same; its Rust crate releases its reply buffer
 * itself). Return static data or memory from edgeless_event_alloc, which is taken back at the next
 * edgeless_mem_clear; with an allocator of your own, release the previous reply yourself (in edgeless_mem_clear).
 *
 * Buffers the host passes in (ids, payload, state, the two call out-slots) come from edgeless_mem_alloc and are given
 * back with edgeless_mem_free after the handler returns (an empty payload is allocated but not freed).
 */
#ifndef EDGELESS_H
#define EDGELESS_H

#include <stddef.h>
#include <stdint.h>

#define EDGELESS_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#define EDGELESS_EXPORT(name) __attribute__((export_name(#name)))

#define EDGELESS_NO_REPLY 0
#define EDGELESS_REPLY 1
#define EDGELESS_ERROR 2

#define EDGELESS_LOG_ERROR 1
#define EDGELESS_LOG_WARN 2
#define EDGELESS_LOG_INFO 3
#define EDGELESS_LOG_DEBUG 4
#define EDGELESS_LOG_TRACE 5

/* An instance id: node id then component id, each a UUID in big-endian (text) byte order. */
typedef struct {
    uint8_t node[16];
    uint8_t component[16];
} edgeless_instance_id;

/* Host functions. */
EDGELESS_IMPORT(cast_asm) void cast_asm(const char *target, int target_len, const void *payload, int payload_len);
EDGELESS_IMPORT(cast_raw_asm) void cast_raw_asm(const uint8_t *node_id, const uint8_t *component_id, const void *payload, int payload_len);
EDGELESS_IMPORT(call_asm) int call_asm(const char *target, int target_len, const void *payload, int payload_len, const uint8_t **out_ptr, int *out_len);
EDGELESS_IMPORT(call_raw_asm) int call_raw_asm(const uint8_t *node_id, const uint8_t *component_id, const void *payload, int payload_len, const uint8_t **out_ptr, int *out_len);
EDGELESS_IMPORT(telemetry_log_asm) void telemetry_log_asm(int level, const char *target, int target_len, const char *msg, int msg_len);
EDGELESS_IMPORT(slf_asm) void slf_asm(uint8_t *out_node_id, uint8_t *out_component_id);
EDGELESS_IMPORT(delayed_cast_asm) void delayed_cast_asm(int64_t delay_ms, const char *target, int target_len, const void *payload, int payload_len);
EDGELESS_IMPORT(sync_asm) void sync_asm(const void *data, int data_len);

/*
 * Granary extension, not part of EDGELESS's ABI (a module that does not call it still runs on EDGELESS's nodes):
 * ends this instance's task once the current handler returns. exit_code 0 completes the task, any other value fails
 * it; events still queued are not delivered and edgeless_on_stop is not called. What follows depends on the
 * function's restart-policy annotation and, in a workflow with job-type run-to-completion, the workflow completes once
 * every task did. Calls after the first are ignored.
 */
EDGELESS_IMPORT(granary_task_exit) void granary_task_exit(int exit_code);

/* The handlers each function defines. */
void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len);
void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len);
int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len);
void edgeless_on_stop(void);

#ifdef EDGELESS_USE_LIBC
#include <stdlib.h>
#include <string.h>
#else
/* Freestanding builds have no libc; clang may still emit calls to these. */
void *memcpy(void *dst, const void *src, size_t n) {
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    uint8_t *d = (uint8_t *)dst;
    while (n--) *d++ = (uint8_t)c;
    return dst;
}
#endif

static inline int edgeless_strlen(const char *s) {
    int n = 0;
    while (s[n]) n++;
    return n;
}

static inline int edgeless_memeq(const void *a, const void *b, int n) {
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (int i = 0; i < n; i++) if (x[i] != y[i]) return 0;
    return 1;
}

#ifdef EDGELESS_USE_LIBC
/* ---- malloc-based allocator: buffers of the current event are kept in a list and freed at the next clear ---- */
#define EDGELESS_EVENT_BUFFERS 64
static void *edgeless_event_buffers_[EDGELESS_EVENT_BUFFERS];
static int edgeless_event_count_;

EDGELESS_EXPORT(edgeless_mem_alloc) uint8_t *edgeless_mem_alloc(int len) {
    return len < 0 ? 0 : (uint8_t *)malloc(len > 0 ? (size_t)len : 1);
}

EDGELESS_EXPORT(edgeless_mem_free) void edgeless_mem_free(uint8_t *ptr, int len) {
    free(ptr);
}

/* Memory for the current event only (a reply, say): freed at the next edgeless_mem_clear; 0 when out of memory. */
static inline uint8_t *edgeless_event_alloc(int len) {
    if (edgeless_event_count_ == EDGELESS_EVENT_BUFFERS) return 0;
    uint8_t *p = edgeless_mem_alloc(len);
    if (p) edgeless_event_buffers_[edgeless_event_count_++] = p;
    return p;
}

EDGELESS_EXPORT(edgeless_mem_clear) void edgeless_mem_clear(void) {
    while (edgeless_event_count_ > 0) free(edgeless_event_buffers_[--edgeless_event_count_]);
}

static inline void edgeless_heap_init_(void) {}
static inline void edgeless_keep(void) {}
static inline void edgeless_adopt_(const uint8_t *p) {
    if (!p) return;
    if (edgeless_event_count_ < EDGELESS_EVENT_BUFFERS) edgeless_event_buffers_[edgeless_event_count_++] = (void *)p;
    else free((void *)p);
}
#else
/* ---- Bump allocator ---- */
extern unsigned char __heap_base;
static uintptr_t edgeless_top_;
static uintptr_t edgeless_mark_;

static inline void edgeless_heap_init_(void) {
    if (edgeless_top_ == 0) edgeless_top_ = edgeless_mark_ = ((uintptr_t)&__heap_base + 7) & ~(uintptr_t)7;
}

EDGELESS_EXPORT(edgeless_mem_alloc) uint8_t *edgeless_mem_alloc(int len) {
    edgeless_heap_init_();
    if (len < 0) return 0;
    uintptr_t ptr = (edgeless_top_ + 7) & ~(uintptr_t)7;
    uintptr_t end = ptr + (uintptr_t)len;
    uintptr_t size = __builtin_wasm_memory_size(0) * 65536u;
    if (end > size) {
        uintptr_t pages = (end - size + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
    }
    edgeless_top_ = end;
    return (uint8_t *)ptr;
}

EDGELESS_EXPORT(edgeless_mem_free) void edgeless_mem_free(uint8_t *ptr, int len) {
    /* Only the most recent allocation is given back; the rest goes at the next edgeless_mem_clear. */
    if ((uintptr_t)ptr + (uintptr_t)len == edgeless_top_ && (uintptr_t)ptr >= edgeless_mark_) edgeless_top_ = (uintptr_t)ptr;
}

EDGELESS_EXPORT(edgeless_mem_clear) void edgeless_mem_clear(void) {
    edgeless_heap_init_();
    edgeless_top_ = edgeless_mark_;
}

/* Keeps everything allocated so far across edgeless_mem_clear. */
static inline void edgeless_keep(void) {
    edgeless_heap_init_();
    edgeless_mark_ = edgeless_top_;
}

/* Memory for the current event only (a reply, say): taken back at the next edgeless_mem_clear. */
static inline uint8_t *edgeless_event_alloc(int len) {
    return edgeless_mem_alloc(len);
}

static inline void edgeless_adopt_(const uint8_t *p) {}
#endif

/* ---- Exports called by the host ---- */
EDGELESS_EXPORT(handle_init_asm) void handle_init_asm(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    edgeless_heap_init_();
    edgeless_on_init(payload, payload_len, state, state_len);
    edgeless_keep();
}

EDGELESS_EXPORT(handle_cast_asm) void handle_cast_asm(const uint8_t *node_id, const uint8_t *component_id, const uint8_t *payload, int payload_len) {
    edgeless_instance_id source;
    memcpy(source.node, node_id, 16);
    memcpy(source.component, component_id, 16);
    edgeless_on_cast(&source, payload, payload_len);
}

EDGELESS_EXPORT(handle_call_asm) int handle_call_asm(const uint8_t *node_id, const uint8_t *component_id, const uint8_t *payload, int payload_len, const uint8_t **out_ptr, int *out_len) {
    edgeless_instance_id source;
    const uint8_t *reply = 0;
    int reply_len = 0;
    memcpy(source.node, node_id, 16);
    memcpy(source.component, component_id, 16);
    int code = edgeless_on_call(&source, payload, payload_len, &reply, &reply_len);
    if (code == EDGELESS_REPLY) {
        *out_ptr = reply;
        *out_len = reply_len;
    }
    return code;
}

EDGELESS_EXPORT(handle_stop_asm) void handle_stop_asm(void) {
    edgeless_on_stop();
}

/* ---- Helpers ---- */
static inline void edgeless_cast(const char *target, const void *payload, int len) {
    cast_asm(target, edgeless_strlen(target), payload, len);
}

static inline void edgeless_cast_str(const char *target, const char *text) {
    edgeless_cast(target, text, edgeless_strlen(text));
}

/* The reply (host-allocated, the function's) stays valid until the next edgeless_mem_clear. */
static inline int edgeless_call(const char *target, const void *payload, int len, const uint8_t **reply, int *reply_len) {
    *reply = 0;
    *reply_len = 0;
    int code = call_asm(target, edgeless_strlen(target), payload, len, reply, reply_len);
    if (code == EDGELESS_REPLY) edgeless_adopt_(*reply);
    return code;
}

static inline void edgeless_delayed_cast(int64_t delay_ms, const char *target, const void *payload, int len) {
    delayed_cast_asm(delay_ms, target, edgeless_strlen(target), payload, len);
}

static inline void edgeless_log(int level, const char *target, const char *msg) {
    telemetry_log_asm(level, target, edgeless_strlen(target), msg, edgeless_strlen(msg));
}

static inline void edgeless_sync(const void *data, int len) {
    sync_asm(data, len);
}

static inline edgeless_instance_id edgeless_self(void) {
    edgeless_instance_id id;
    slf_asm(id.node, id.component);
    return id;
}

static inline int edgeless_is_self(const edgeless_instance_id *id) {
    edgeless_instance_id self = edgeless_self();
    return edgeless_memeq(&self, id, (int)sizeof self);
}

/* Finds key in a "k1=v1,k2=v2" init payload; returns 1 and the value's bytes (not terminated) when present. */
static inline int edgeless_param(const uint8_t *payload, int len, const char *key, const uint8_t **value, int *value_len) {
    int key_len = edgeless_strlen(key);
    int i = 0;
    while (i < len) {
        int end = i;
        while (end < len && payload[end] != ',') end++;
        if (end - i > key_len && payload[i + key_len] == '=' && edgeless_memeq(payload + i, key, key_len)) {
            *value = payload + i + key_len + 1;
            *value_len = end - i - key_len - 1;
            return 1;
        }
        i = end + 1;
    }
    return 0;
}

/* Parses a non-negative decimal number; returns fallback when absent or not a number. */
static inline int64_t edgeless_param_int(const uint8_t *payload, int len, const char *key, int64_t fallback) {
    const uint8_t *v;
    int n;
    if (!edgeless_param(payload, len, key, &v, &n) || n == 0) return fallback;
    int64_t x = 0;
    for (int i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') return fallback;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

/* Writes value in decimal into buf (at least 21 bytes); returns the length. */
static inline int edgeless_format_int(int64_t value, char *buf) {
    char tmp[21];
    int n = 0, len = 0;
    uint64_t u = value < 0 ? (uint64_t)(-(value + 1)) + 1 : (uint64_t)value;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (value < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = 0;
    return len;
}

#endif
