/*
 * cli_rules.h - helpers shared by the rule subcommands (compile, lint, test, explain,
 * detect, run): compiling paths with the default field maps, printing diagnostics.
 */
#ifndef CLI_RULES_H
#define CLI_RULES_H

#include "../compiler/dc.h"

/* schemas/fieldmaps next to the binary or the working directory, or $ZW_FIELDMAPS;
 * NULL when none is found.  Borrowed. */
const char *cli_default_fieldmaps(void);
/* Prints diagnostics as file:line:col: kind: reason; max_warnings < 0 prints all. */
void cli_print_diags(const dc_diags *d, int max_warnings);
/* Set to compile search identifiers as extra rules (explain). */
extern int cli_explain_mode;
/* Compiles paths; returns the ruleset (caller frees) or NULL on out-of-memory. */
dc_ruleset *cli_compile(int npaths, char **paths, const char *tuning, const char *fieldmaps,
                        dc_diags *diags, dc_stats *stats);

#endif
