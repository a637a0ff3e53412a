/*
 * On a call, calls output "pong" with the same payload and answers with pong's answer: its reply bytes, no reply,
 * or an error. On a cast, calls "pong" and casts the reply on output "out".
 */
#include "edgeless.h"

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    return edgeless_call("pong", payload, payload_len, reply, reply_len);
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    const uint8_t *reply;
    int len;
    if (edgeless_call("pong", payload, payload_len, &reply, &len) == EDGELESS_REPLY) edgeless_cast("out", reply, len);
}

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {}
void edgeless_on_stop(void) {}
