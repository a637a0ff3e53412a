/*
 * Casts a message on output "output" every period. init-payload: message=TEXT,period=MS (defaults "hello", 1000).
 * The timer is a delayed cast to itself, so only casts from itself trigger a message.
 */
#include "edgeless.h"

static char message[1024];
static int message_len;
static int64_t period = 1000;

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    const uint8_t *v;
    int n;
    if (edgeless_param(payload, payload_len, "message", &v, &n)) {
        if (n > (int)sizeof message) n = (int)sizeof message;
        memcpy(message, v, (size_t)n);
        message_len = n;
    } else {
        memcpy(message, "hello", 5);
        message_len = 5;
    }
    period = edgeless_param_int(payload, payload_len, "period", 1000);
    edgeless_delayed_cast(period, "self", "tick", 4);
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    if (!edgeless_is_self(source)) return;
    edgeless_cast("output", message, message_len);
    edgeless_delayed_cast(period, "self", "tick", 4);
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) { return EDGELESS_NO_REPLY; }
void edgeless_on_stop(void) {}
