/*
 * en_op.c - the one table of the engine's operations (see en_op.h): one row per IR
 * operation, its functions in the family's own file.
 */
#include "en_op.h"

#include "../common/zw_json.h"

static const en_op_def ops[DC_OP__COUNT] = {
    [DC_OP_MATCH] = {"match", en_op_glob_build, en_op_glob_test, NULL, en_op_explain_text},
    [DC_OP_RE] = {"re", en_op_re_build, en_op_re_test, NULL, en_op_explain_text},
    [DC_OP_CIDR] = {"cidr", en_op_cidr_build, NULL, NULL, en_op_explain_text},
    [DC_OP_EXISTS] = {"exists", en_op_exists_build, NULL, en_op_exists_event, en_op_explain_num},
    [DC_OP_NULL] = {"null", en_op_exists_build, NULL, en_op_null_event, en_op_explain_none},
    [DC_OP_NUM_EQ] = {"eq", en_op_num_build, en_op_num_test, NULL, en_op_explain_num},
    [DC_OP_LT] = {"lt", en_op_num_build, en_op_num_test, NULL, en_op_explain_num},
    [DC_OP_LTE] = {"lte", en_op_num_build, en_op_num_test, NULL, en_op_explain_num},
    [DC_OP_GT] = {"gt", en_op_num_build, en_op_num_test, NULL, en_op_explain_num},
    [DC_OP_GTE] = {"gte", en_op_num_build, en_op_num_test, NULL, en_op_explain_num},
    [DC_OP_BOOL] = {"bool", en_op_num_build, en_op_bool_test, NULL, en_op_explain_num},
    [DC_OP_FIELDREF] = {"fieldref", en_op_fref_build, NULL, en_op_fref_event, en_op_explain_text},
};

const en_op_def *en_op_get(unsigned op)
{
    return op < DC_OP__COUNT && ops[op].build ? &ops[op] : NULL;
}

void en_op_explain_text(const dc_leaf *l, zw_buf *out)
{
    zw_buf_putc(out, ' ');
    zw_json_str(out, l->val, l->vlen);
}

void en_op_explain_num(const dc_leaf *l, zw_buf *out)
{
    zw_buf_printf(out, " %g", l->num);
}

void en_op_explain_none(const dc_leaf *l, zw_buf *out)
{
    (void)l;
    (void)out;
}
