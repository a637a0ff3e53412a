/*
 * A function built with wasi-libc (see build.sh): printf and fprintf go to the instance's log (stdout as info lines,
 * stderr as warnings, target "stdout"/"stderr"), malloc backs the ABI allocator, and the sandbox shows: no files, no
 * environment. init-payload "greeting=TEXT" sets the greeting.
 *   cast          -> prints "cast #N: PAYLOAD" on stdout
 *   call "probe"  -> replies "files=F env=E": whether fopen("/etc/hostname") worked (yes/no) and how many
 *                    environment variables the function sees
 *   call "warn"   -> writes "warning: asked to" on stderr, no reply
 *   other call    -> replies GREETING ", " PAYLOAD (a buffer freed at the next edgeless_mem_clear)
 */
#define EDGELESS_USE_LIBC
#include <stdio.h>
#include "edgeless.h"

extern char **environ;

static char greeting[64] = "hello";
static int casts;

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    const uint8_t *v;
    int n;
    if (edgeless_param(payload, payload_len, "greeting", &v, &n) && n < (int)sizeof greeting) {
        memcpy(greeting, v, (size_t)n);
        greeting[n] = 0;
    }
    printf("%s from WASI\n", greeting);
    fflush(stdout);
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    printf("cast #%d: %.*s\n", ++casts, payload_len, (const char *)payload);
    fflush(stdout);
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    char *out;
    if (payload_len == 5 && memcmp(payload, "probe", 5) == 0) {
        FILE *f = fopen("/etc/hostname", "r");
        int env = 0;
        while (environ && environ[env]) env++;
        out = (char *)edgeless_event_alloc(64);
        if (!out) return EDGELESS_ERROR;
        *reply_len = snprintf(out, 64, "files=%s env=%d", f ? "yes" : "no", env);
        if (f) fclose(f);
    } else if (payload_len == 4 && memcmp(payload, "warn", 4) == 0) {
        fprintf(stderr, "warning: asked to\n");
        return EDGELESS_NO_REPLY;
    } else {
        int len = edgeless_strlen(greeting) + 2 + payload_len;
        out = (char *)edgeless_event_alloc(len + 1);
        if (!out) return EDGELESS_ERROR;
        *reply_len = snprintf(out, (size_t)len + 1, "%s, %.*s", greeting, payload_len, (const char *)payload);
    }
    *reply = (const uint8_t *)out;
    return EDGELESS_REPLY;
}

void edgeless_on_stop(void) {
    printf("bye\n");
    fflush(stdout);
}
