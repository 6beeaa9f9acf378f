/*
 * zw_writer.h - serialise a canonical event as OCSF 1.8.0 JSON or as ECS JSON.
 *
 * The writer walks the slots in path order and opens/closes JSON objects as the
 * paths require: no DOM is built.  Output is one JSON object with no trailing
 * newline, appended to a caller-owned buffer.
 */
#ifndef ZW_WRITER_H
#define ZW_WRITER_H

#include "zw_buf.h"
#include "zw_event.h"

typedef enum { ZW_OUT_OCSF = 0, ZW_OUT_ECS = 1 } zw_out_kind;

/* Fills what every emitted event must carry if the parser did not: metadata.version,
 * metadata.profiles ("cloud" when cloud fields are set), severity (Informational),
 * status (Unknown), and the ECS-only slots (event.kind, category, type, outcome).
 * Call it after the last change to the event.  ZW_ENOMEM on failure. */
int zw_event_finalize(zw_event *ev);

/* Appends the JSON object for ev to b.  ZW_ENOMEM on failure (b keeps its old length). */
int zw_write_event(zw_buf *b, const zw_event *ev, zw_out_kind kind);

/* "ocsf" / "ecs" -> kind; -1 if unknown. */
int zw_out_kind_parse(const char *s);

#define ZW_ECS_VERSION "8.11.0"

#endif
