/*
 * Test module: a run-to-completion task. A cast ends the task through Granary's host import granary_task_exit with
 * the exit code in the payload's first byte; a call answers "alive".
 */
#include "edgeless.h"

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    granary_task_exit(payload_len > 0 ? payload[0] : 0);
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    *reply = (const uint8_t *)"alive";
    *reply_len = 5;
    return EDGELESS_REPLY;
}

void edgeless_on_stop(void) {}
