/*
 * Two small helpers of the files that read the engine's JSON answers and
 * build its paths: a string member, a path component escaped.  Users:
 * session.c, network.c, judge.c, pull.c, ready.c.  Not installed.
 */
#ifndef OHS_JSONUTIL_INT_H
#define OHS_JSONUTIL_INT_H

#include "internal.h" /* first: build-config.h sets the feature macros */
#include <jansson.h>
#include "client_int.h"

/* String member `key` of object `o`, or NULL. */
static inline const char *ohs__jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Path component escaped for the engine; NULL on OOM (error set). */
static inline char *ohs__esc(const char *s)
{
	char *e = ohs__client_escape(s);

	if (!e)
		ohs__error_oom();
	return e;
}

#endif
