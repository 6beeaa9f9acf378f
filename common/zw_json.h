/*
 * zw_json.h - small read helpers over libfastjson documents for the JSON parsers.
 * All returned pointers are borrowed from the document.
 */
#ifndef ZW_JSON_H
#define ZW_JSON_H

#include <libfastjson/json.h>
#include <stddef.h>
#include <stdint.h>

/* Object member by dotted path ("userIdentity.sessionContext.sessionIssuer.arn"); NULL
 * when any step is missing or not an object.  Keys are matched exactly. */
fjson_object *zw_jget(fjson_object *o, const char *path);
/* String value at path (NULL if missing or not a string); *len set when non-NULL. */
const char *zw_jstr(fjson_object *o, const char *path, size_t *len);
/* Integer at path (number, or a string of digits); returns 0 and sets *out, or -1. */
int zw_jint(fjson_object *o, const char *path, int64_t *out);
/* Case-insensitive key lookup in one object (Azure is inconsistent about case). */
fjson_object *zw_jget_ci(fjson_object *o, const char *key);

#endif
