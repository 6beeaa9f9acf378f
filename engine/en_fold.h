/*
 * en_fold.h - simple case folding for matching: ASCII, Latin-1 Supplement, Latin
 * Extended-A pairs, Greek and Cyrillic capitals to lower case, in UTF-8, preserving
 * byte length (every mapping here stays within the same UTF-8 length), so offsets in
 * the folded text are offsets in the original.  Invalid UTF-8 bytes pass unchanged.
 */
#ifndef EN_FOLD_H
#define EN_FOLD_H

#include <stddef.h>

/* Writes the folded form of [p, p+n) to out (n bytes, caller-sized). */
void en_fold(const char *p, size_t n, char *out);

#endif
