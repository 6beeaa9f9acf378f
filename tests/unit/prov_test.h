/*
 * prov_test.h - helpers shared by the provider Check suites (check_providers_*.c):
 * list-valued fields, booleans, event counting by a field value, and the checks every
 * provider event must pass (OCSF API Activity / DNS Activity required attributes and
 * the ECS configuration / change categorisation).
 */
#ifndef PROV_TEST_H
#define PROV_TEST_H

#include "zw_test.h"

/* The i-th string of an array of strings at path. */
static inline const char *pt_list(fjson_object *o, const char *path, int i)
{
    fjson_object *a = zw_jget(o, path);
    ck_assert_msg(a && fjson_object_is_type(a, fjson_type_array), "%s is not an array in %s", path,
                  fjson_object_to_json_string(o));
    ck_assert_int_lt(i, fjson_object_array_length(a));
    return fjson_object_get_string(fjson_object_array_get_idx(a, i));
}

static inline int pt_list_len(fjson_object *o, const char *path)
{
    fjson_object *a = zw_jget(o, path);
    return a && fjson_object_is_type(a, fjson_type_array) ? fjson_object_array_length(a) : -1;
}

#define pt_assert_list(o, path, i, want) ck_assert_str_eq(pt_list((o), (path), (i)), (want))

static inline int pt_bool(fjson_object *o, const char *path)
{
    fjson_object *v = zw_jget(o, path);
    ck_assert_msg(v && fjson_object_is_type(v, fjson_type_boolean),
                  "%s missing or not a bool in %s", path, fjson_object_to_json_string(o));
    return fjson_object_get_boolean(v);
}

/* resources[0].<key> */
static inline const char *pt_res(fjson_object *o, const char *key)
{
    fjson_object *a = zw_jget(o, "resources");
    ck_assert_msg(a && fjson_object_array_length(a) == 1, "resources missing in %s",
                  fjson_object_to_json_string(o));
    return zw_jstr(fjson_object_array_get_idx(a, 0), key, NULL);
}

/* What OCSF 1.8.0 requires of the classes providers emit (events/application/
 * api_activity.json, events/network/dns_activity.json, objects/actor.json, api.json,
 * cloud.json, network_endpoint.json constraints), plus the base event attributes. */
static inline void pt_ocsf_required(fjson_object *e)
{
    static const char *base[] = {
        "activity_id", "category_uid", "class_uid",        "severity_id",
        "time",        "type_uid",     "metadata.version", "metadata.product.name"};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
        ck_assert_msg(zw_jget(e, base[i]) != NULL, "%s missing in %s", base[i],
                      fjson_object_to_json_string(e));
    }
    int64_t cls = 0, act = 0, type = 0;
    zw_jint(e, "class_uid", &cls);
    zw_jint(e, "activity_id", &act);
    zw_jint(e, "type_uid", &type);
    ck_assert_int_eq(type, cls * 100 + act);
    if (zw_jget(e, "cloud")) {
        ck_assert_msg(zw_jstr(e, "cloud.provider", NULL) != NULL, "cloud.provider missing");
    }
    if (cls == 6003) {
        ck_assert_msg(act == 1 || act == 2 || act == 3 || act == 4 || act == 99, "bad activity");
        ck_assert_msg(zw_jstr(e, "api.operation", NULL) != NULL, "api.operation missing in %s",
                      fjson_object_to_json_string(e));
        fjson_object *a = zw_jget(e, "actor");
        ck_assert_msg(a && (zw_jget(a, "user") || zw_jget(a, "session") || zw_jget(a, "app_name")),
                      "actor needs user, session or app_name: %s", fjson_object_to_json_string(e));
        ck_assert_msg(zw_jget(e, "src_endpoint.ip") || zw_jget(e, "src_endpoint.hostname"),
                      "src_endpoint needs ip or hostname: %s", fjson_object_to_json_string(e));
    } else {
        ck_assert_int_eq(cls, 4003);
        ck_assert_msg(zw_jget(e, "query.hostname") != NULL, "query.hostname missing");
    }
}
/* pt_ocsf_required over every event c collected. */
static inline void pt_all_required(zwt_collect *c)
{
    for (int i = 0; i < fjson_object_array_length(c->events); i++) {
        pt_ocsf_required(zwt_ev(c, i));
    }
}

#endif
