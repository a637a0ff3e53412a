/*
 * Counts the casts it receives and saves the count with sync after each one, so a restarted or migrated instance
 * continues from it (init restores it from the state). A call answers the count in decimal; every cast also logs
 * it (telemetry target "count").
 */
#include "edgeless.h"

static int64_t count;
static char text[24];

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    count = 0;
    for (int i = 0; i < state_len && state[i] >= '0' && state[i] <= '9'; i++) count = count * 10 + (state[i] - '0');
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    count++;
    int n = edgeless_format_int(count, text);
    edgeless_sync(text, n);
    edgeless_log(EDGELESS_LOG_INFO, "count", text);
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    *reply_len = edgeless_format_int(count, text);
    *reply = (const uint8_t *)text;
    return EDGELESS_REPLY;
}

void edgeless_on_stop(void) {}
