/* Does nothing: the smallest function, for start-up and event overhead measurements. */
#include "edgeless.h"

void edgeless_on_init(const uint8_t *payload, int payload_len, const uint8_t *state, int state_len) {}
void edgeless_on_cast(const edgeless_instance_id *source, const uint8_t *payload, int payload_len) {}
int edgeless_on_call(const edgeless_instance_id *source, const uint8_t *payload, int payload_len, const uint8_t **reply, int *reply_len) { return EDGELESS_NO_REPLY; }
void edgeless_on_stop(void) {}
