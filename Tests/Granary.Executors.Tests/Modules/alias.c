/*
 * Test module: a cast is forwarded (payload "x") on the output whose name is the cast's payload, so a test can drive
 * which alias bytes the host decodes.
 */
#include "edgeless.h"

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    cast_asm((const char *)payload, payload_len, "x", 1);
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    return EDGELESS_NO_REPLY;
}

void edgeless_on_stop(void) {}
