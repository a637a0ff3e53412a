/*
 * ABI probe, written against the raw ABI (no edgeless.h) so the host's marshalling is checked independently of the
 * header. It counts its allocator calls, keeps a trace of them, and answers calls by command:
 *   "stats"  -> "alloc=A free=F clear=C unmatched=U" (U: frees of buffers the host never got from edgeless_mem_alloc,
 *               freed twice, or the probe's own reply buffers, which stay the guest's)
 *   "trace"  -> every allocator call and handler entry since init, space separated: "C" clear, "A<len>" alloc,
 *               "F<len>" free, "I" init, "S" stop, "H<n><c>" a cast or call handler given the n-th and c-th buffer
 *               allocated since the event's clear as node id and component id
 *   "init"   -> init payload, "|", init state
 *   "self"   -> the 32 bytes written by slf_asm
 *   "call:X" -> calls "peer" with X; answers [code][reply came from edgeless_mem_alloc 0/1] then the reply bytes
 *   "raw:X"  -> the same with call_raw_asm to the caller's own id
 *   "emit"   -> telemetry_log_asm(3, "probe", "emitted"), delayed_cast_asm(40, "later", "tick"), sync_asm("state-1"); no reply
 *   "fail"   -> returns 7 (an error code)
 * A cast echoes its payload on "echo" and back to its source with cast_raw_asm.
 */
#include <stdint.h>
#include <stddef.h>

#define IMPORT(n) __attribute__((import_module("env"), import_name(#n)))
#define EXPORT(n) __attribute__((export_name(#n)))

IMPORT(cast_asm) void cast_asm(const char *, int, const void *, int);
IMPORT(cast_raw_asm) void cast_raw_asm(const uint8_t *, const uint8_t *, const void *, int);
IMPORT(call_asm) int call_asm(const char *, int, const void *, int, uint8_t **, int *);
IMPORT(call_raw_asm) int call_raw_asm(const uint8_t *, const uint8_t *, const void *, int, uint8_t **, int *);
IMPORT(telemetry_log_asm) void telemetry_log_asm(int, const char *, int, const char *, int);
IMPORT(slf_asm) void slf_asm(uint8_t *, uint8_t *);
IMPORT(delayed_cast_asm) void delayed_cast_asm(int64_t, const char *, int, const void *, int);
IMPORT(sync_asm) void sync_asm(const void *, int);

static uint8_t heap[1 << 19];
static int top;
static int allocs, frees, clears, unmatched;
#define MAX_LIVE 256
static uint8_t *live_ptr[MAX_LIVE];
static int live_len[MAX_LIVE];
static uint8_t *last_alloc;
static int last_alloc_len;
static uint8_t init_copy[512];
static int init_len;
static uint8_t answer[4096];
static char trace[4096];
static int trace_len;
static uint8_t *event_ptr[16];
static int event_allocs;

static void copy(uint8_t *d, const uint8_t *s, int n) { for (int i = 0; i < n; i++) d[i] = s[i]; }
static int starts(const uint8_t *p, int n, const char *s) {
    int i = 0;
    for (; s[i]; i++) if (i >= n || p[i] != (uint8_t)s[i]) return 0;
    return 1;
}
static int put_int(uint8_t *o, int v) {
    char t[12]; int n = 0, k = 0;
    do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) o[k++] = (uint8_t)t[--n];
    return k;
}
static int put_str(uint8_t *o, const char *s) { int k = 0; while (s[k]) { o[k] = (uint8_t)s[k]; k++; } return k; }

static void note(char c, int n) {
    if (trace_len > (int)sizeof trace - 16) return;
    if (trace_len) trace[trace_len++] = ' ';
    trace[trace_len++] = c;
    if (n >= 0) trace_len += put_int((uint8_t *)trace + trace_len, n);
}

static uint8_t *bump(int len) {
    top = (top + 7) & ~7;
    if (top + len > (int)sizeof heap) return 0;
    uint8_t *p = heap + top;
    top += len;
    return p;
}

/* The host's allocations: counted, traced and registered so that their frees can be matched. */
EXPORT(edgeless_mem_alloc) uint8_t *edgeless_mem_alloc(int len) {
    allocs++;
    note('A', len);
    uint8_t *p = bump(len);
    for (int i = 0; i < MAX_LIVE; i++) if (!live_ptr[i]) { live_ptr[i] = p; live_len[i] = len; break; }
    if (event_allocs < 16) event_ptr[event_allocs++] = p;
    last_alloc = p;
    last_alloc_len = len;
    return p;
}

static int event_index(const uint8_t *p) {
    for (int i = 0; i < event_allocs; i++) if (event_ptr[i] == p) return i + 1;
    return 0;
}

/* Replies are buffers the probe owns (not registered): the host must copy them and never free them. */
static int reply(const uint8_t *data, int n, uint8_t **out, int *out_len) {
    uint8_t *p = bump(n);
    copy(p, data, n);
    *out = p;
    *out_len = n;
    return 1;
}

EXPORT(edgeless_mem_free) void edgeless_mem_free(uint8_t *p, int len) {
    frees++;
    note('F', len);
    for (int i = 0; i < MAX_LIVE; i++) if (live_ptr[i] == p && live_len[i] == len) { live_ptr[i] = 0; return; }
    unmatched++;
}

EXPORT(edgeless_mem_clear) void edgeless_mem_clear(void) {
    clears++;
    note('C', -1);
    event_allocs = 0;
    top = 0;
    for (int i = 0; i < MAX_LIVE; i++) live_ptr[i] = 0;
}

EXPORT(handle_init_asm) void handle_init_asm(const uint8_t *p, int n, const uint8_t *s, int sn) {
    trace_len = 0;
    note('I', -1);
    copy(init_copy, p, n);
    init_copy[n] = '|';
    copy(init_copy + n + 1, s, sn);
    init_len = n + 1 + sn;
}

static void note_handler(const uint8_t *node, const uint8_t *component) {
    note('H', event_index(node));
    trace_len += put_int((uint8_t *)trace + trace_len, event_index(component));
}

EXPORT(handle_cast_asm) void handle_cast_asm(const uint8_t *node, const uint8_t *component, const uint8_t *p, int n) {
    note_handler(node, component);
    cast_asm("echo", 4, p, n);
    cast_raw_asm(node, component, p, n);
}

static int forward(int raw, const uint8_t *node, const uint8_t *component, const uint8_t *p, int n, uint8_t **out, int *out_len) {
    uint8_t *reply_data = 0;
    int reply_len = 0;
    int code = raw ? call_raw_asm(node, component, p, n, &reply_data, &reply_len) : call_asm("peer", 4, p, n, &reply_data, &reply_len);
    answer[0] = (uint8_t)code;
    answer[1] = (uint8_t)(code == 1 && reply_data == last_alloc && reply_len == last_alloc_len);
    if (code == 1) copy(answer + 2, reply_data, reply_len);
    return reply(answer, 2 + (code == 1 ? reply_len : 0), out, out_len);
}

EXPORT(handle_call_asm) int handle_call_asm(const uint8_t *node, const uint8_t *component, const uint8_t *p, int n, uint8_t **out, int *out_len) {
    int k = 0;
    note_handler(node, component);
    if (starts(p, n, "trace")) {
        copy(answer, (const uint8_t *)trace, trace_len);
        k = trace_len;
    } else if (starts(p, n, "stats")) {
        k += put_str(answer + k, "alloc="); k += put_int(answer + k, allocs);
        k += put_str(answer + k, " free="); k += put_int(answer + k, frees);
        k += put_str(answer + k, " clear="); k += put_int(answer + k, clears);
        k += put_str(answer + k, " unmatched="); k += put_int(answer + k, unmatched);
    } else if (starts(p, n, "init")) {
        copy(answer, init_copy, init_len);
        k = init_len;
    } else if (starts(p, n, "self")) {
        slf_asm(answer, answer + 16);
        k = 32;
    } else if (starts(p, n, "call:")) {
        return forward(0, node, component, p + 5, n - 5, out, out_len);
    } else if (starts(p, n, "raw:")) {
        return forward(1, node, component, p + 4, n - 4, out, out_len);
    } else if (starts(p, n, "emit")) {
        telemetry_log_asm(3, "probe", 5, "emitted", 7);
        delayed_cast_asm(40, "later", 5, "tick", 4);
        sync_asm("state-1", 7);
        return 0;
    } else {
        return 7;
    }
    return reply(answer, k, out, out_len);
}

EXPORT(handle_stop_asm) void handle_stop_asm(void) { note('S', -1); }
