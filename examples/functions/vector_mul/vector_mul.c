/*
 * Multiplies an input_size x input_size matrix (generated from seed) by the vector it receives (input_size
 * little-endian float32 values) and casts the product on output "out". The client (is_client=true) starts a round
 * by casting a fresh random vector on "out" (telemetry "tbegin", message the round number) and ends it when a
 * vector comes back from another instance (telemetry "tend"), then starts the next round.
 * init-payload: seed=N,is_client=true|false,input_size=N (defaults 42, false, 1000).
 */
#include "edgeless.h"

static float *matrix;
static float *vector;
static int size = 1000;
static int is_client;
static uint32_t rng = 42;
static int64_t round_number;

static float next_random(void) {
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) / 16777216.0f;
}

static void start_round(void) {
    char text[24];
    for (int i = 0; i < size; i++) vector[i] = next_random();
    edgeless_format_int(round_number, text);
    edgeless_log(EDGELESS_LOG_INFO, "tbegin", text);
    edgeless_cast("out", vector, size * 4);
}

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    const uint8_t *v;
    int n;
    rng = (uint32_t)edgeless_param_int(payload, payload_len, "seed", 42);
    size = (int)edgeless_param_int(payload, payload_len, "input_size", 1000);
    is_client = edgeless_param(payload, payload_len, "is_client", &v, &n) && n == 4 && edgeless_memeq(v, "true", 4);
    vector = (float *)edgeless_mem_alloc(size * 4);
    if (!is_client) {
        matrix = (float *)edgeless_mem_alloc(size * size * 4);
        if (!matrix) __builtin_trap();
        for (int i = 0; i < size * size; i++) matrix[i] = next_random() / (float)size;
    } else {
        edgeless_cast("self", "start", 5);
    }
    if (!vector) __builtin_trap();
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    if (is_client) {
        if (!edgeless_is_self(source)) {
            char text[24];
            edgeless_format_int(round_number, text);
            edgeless_log(EDGELESS_LOG_INFO, "tend", text);
            round_number++;
        }
        start_round();
        return;
    }
    int n = payload_len / 4 < size ? payload_len / 4 : size;
    float *in = (float *)edgeless_event_alloc(n * 4);
    memcpy(in, payload, (size_t)n * 4);
    for (int r = 0; r < size; r++) {
        float acc = 0;
        const float *row = matrix + (size_t)r * size;
        for (int c = 0; c < n; c++) acc += row[c] * in[c];
        vector[r] = acc;
    }
    edgeless_cast("out", vector, size * 4);
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) { return EDGELESS_NO_REPLY; }
void edgeless_on_stop(void) {}
