/*
 * Passes every event it receives on to output "out", unchanged. The client (is_client=true in the init-payload)
 * starts the token with a 4-byte event at init. A ring of relays measures the cost of a cast and nothing else (the
 * executors benchmark runs the same ring of a .NET relay beside it).
 */
#include "edgeless.h"

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    const uint8_t *v;
    int n;
    if (edgeless_param(payload, payload_len, "is_client", &v, &n) && n == 4 && edgeless_memeq(v, "true", 4)) {
        static const uint8_t token[4] = {0, 0, 0, 0};
        edgeless_cast("out", token, 4);
    }
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    edgeless_cast("out", payload, payload_len);
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) { return EDGELESS_NO_REPLY; }
void edgeless_on_stop(void) {}
