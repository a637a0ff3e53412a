/*
 * Behaves as EDGELESS's state_test fixture: init logs the saved state (info, target "edgeless_test_state"), or
 * "no_state" without one; a cast "test_cast_raw_output" saves "new_state" with sync; calls get no reply.
 */
#include "edgeless.h"

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    if (state_len > 0) telemetry_log_asm(EDGELESS_LOG_INFO, "edgeless_test_state", 19, (const char *)state, state_len);
    else edgeless_log(EDGELESS_LOG_INFO, "edgeless_test_state", "no_state");
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    if (payload_len == 20 && edgeless_memeq(payload, "test_cast_raw_output", 20)) edgeless_sync("new_state", 9);
    else edgeless_log(EDGELESS_LOG_INFO, "edgeless_test_state", "Unprocessed Message");
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    return EDGELESS_NO_REPLY;
}

void edgeless_on_stop(void) {}
