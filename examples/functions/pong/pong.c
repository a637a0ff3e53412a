/* Answers a call with "pong:" followed by the payload; a payload of "error" is answered with an error. */
#include "edgeless.h"

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    if (payload_len == 5 && edgeless_memeq(payload, "error", 5)) return EDGELESS_ERROR;
    uint8_t *out = edgeless_event_alloc(payload_len + 5);
    if (!out) return EDGELESS_ERROR;
    memcpy(out, "pong:", 5);
    memcpy(out + 5, payload, (size_t)payload_len);
    *reply = out;
    *reply_len = payload_len + 5;
    return EDGELESS_REPLY;
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {}
void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {}
void edgeless_on_stop(void) {}
