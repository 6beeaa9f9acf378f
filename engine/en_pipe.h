/*
 * en_pipe.h - the detection pipeline after normalization: stateless matching
 * (en_tables) then every match into the correlator (en_corr), which raises the rules'
 * own alerts and the correlations' alerts to an en_alert_sink.  This file builds the
 * correlator's rule metadata and correlation definitions from the compiled IR
 * (references, aliases, group-by and value fields resolved to field handles) and
 * reads those fields from JSON events or canonical events.
 *
 * Ownership: en_pipe_new borrows the tables (they must outlive the pipe) and copies the
 * sink.  Events passed in are borrowed during the call.  en_pipe_destroy(NULL) is a
 * no-op.  Nothing here prints.
 */
#ifndef EN_PIPE_H
#define EN_PIPE_H

#include "../common/zw_event.h"
#include "en_alert.h"
#include "en_corr.h"
#include "en_tables.h"

#include <libfastjson/json.h>

typedef struct en_pipe en_pipe;

/* NULL with errstr on invalid correlations (unknown references, cycles) or OOM. */
en_pipe *en_pipe_new(const en_tables *t, const en_corr_opts *opt, const en_alert_sink *sink,
                     char *errstr, size_t errstr_size);
void en_pipe_destroy(en_pipe *p);

/* One JSON event (normalized OCSF or raw).  Event time: `time` (ms) or an ISO 8601
 * `time` / `@timestamp` / `timestamp` / `eventTime` / `UtcTime`; else 0.  pos is
 * "file:line" or empty.  Returns the number of rules matched or a negative error. */
int en_pipe_json(en_pipe *p, fjson_object *ev, zw_str pos, int32_t partition);
/* One canonical event (slots read by id). */
int en_pipe_event(en_pipe *p, const zw_event *ev, zw_str pos, int32_t partition);
/* End of input: closes windows, emits held alerts. */
int en_pipe_flush(en_pipe *p);

en_corr *en_pipe_corr(en_pipe *p);
/* Rule indices of the last event's matches (borrowed until the next call). */
const uint32_t *en_pipe_last(const en_pipe *p, int *n);

#endif
