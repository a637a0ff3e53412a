/*
 * Behaves as EDGELESS's messaging_test fixture (its wasm runner tests): a cast's payload picks an output to exercise,
 * a call's payload picks the kind of answer. Target of its log lines: "messaging_test".
 *   cast "test_cast_raw_output"     -> cast_raw to the source: "cast_raw_output"
 *   cast "test_call_raw_output"     -> call_raw to the source: "call_raw_output" (answer ignored)
 *   cast "test_delayed_cast_output" -> delayed_cast(100 ms, "test", "delayed_cast_output")
 *   cast "test_cast_output"         -> cast("test", "cast_output")
 *   cast "test_call_output"         -> call("test", "call_output") (answer ignored)
 *   other cast                      -> logs "Unprocessed Message"
 *   call "test_err" -> error, "test_ret" -> reply "test_reply", other -> no reply
 *   init and stop log "Messaging Test Init" / "Messaging Test Stop" (info).
 */
#include "edgeless.h"

static int is(const uint8_t *p, int n, const char *s) { return n == edgeless_strlen(s) && edgeless_memeq(p, s, n); }

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {
    edgeless_log(EDGELESS_LOG_INFO, "messaging_test", "Messaging Test Init");
}

void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {
    const uint8_t *reply;
    int reply_len;
    if (is(payload, payload_len, "test_cast_raw_output")) {
        cast_raw_asm(source->node, source->component, "cast_raw_output", 15);
    } else if (is(payload, payload_len, "test_call_raw_output")) {
        call_raw_asm(source->node, source->component, "call_raw_output", 15, &reply, &reply_len);
    } else if (is(payload, payload_len, "test_delayed_cast_output")) {
        edgeless_delayed_cast(100, "test", "delayed_cast_output", 19);
    } else if (is(payload, payload_len, "test_cast_output")) {
        edgeless_cast_str("test", "cast_output");
    } else if (is(payload, payload_len, "test_call_output")) {
        edgeless_call("test", "call_output", 11, &reply, &reply_len);
    } else {
        edgeless_log(EDGELESS_LOG_INFO, "messaging_test", "Unprocessed Message");
    }
}

int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) {
    if (is(payload, payload_len, "test_err")) return EDGELESS_ERROR;
    if (is(payload, payload_len, "test_ret")) {
        uint8_t *out = edgeless_event_alloc(10);
        if (!out) return EDGELESS_ERROR;
        memcpy(out, "test_reply", 10);
        *reply = out;
        *reply_len = 10;
        return EDGELESS_REPLY;
    }
    return EDGELESS_NO_REPLY;
}

void edgeless_on_stop(void) {
    edgeless_log(EDGELESS_LOG_INFO, "messaging_test", "Messaging Test Stop");
}
