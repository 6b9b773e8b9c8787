/*
 * Internal session API shared by the session files (session.c, network.c,
 * pull.c, judge.c, ready.c) and exec.c, shell.c, archive.c, reap.c,
 * pool.c, runmain.c.  Not installed.  The owner labels are in owner_int.h; the
 * sandbox object's layout is in session_priv.h (session files only).
 */
#ifndef OHS_SESSION_INT_H
#define OHS_SESSION_INT_H

#include <jansson.h>
#include <sys/types.h>
#include "ohsandbox/session.h"
#include "client_int.h"
#include "owner_int.h" /* labels and owner judgement (reap.c) */


/* OHS_EINVAL for a NULL session, OHS_ESTATE for a removed one (`fn` names the caller). */
int ohs__session_live(const ohs_session *s, const char *fn);

/* The client a session talks through (borrowed). */
ohs_client *ohs__session_client(const ohs_session *s);

/* The session id (32 hex digits, label org.ohsandbox.session). */
const char *ohs__session_sid(const ohs_session *s);

/*
 * The create body exactly as the policy last judged it and as it was sent
 * to the engine (JSON text), NULL for a session made by ohs_session_open.
 * For the tests (check_session asserts the engine received these bytes).
 */
const char *ohs__session_judged_body(const ohs_session *s);

/*
 * ohs_session_create() with the container command replaced by `cmd`
 * (NULL-terminated argv; NULL or empty keeps the config's, else the
 * image's, else "sleep infinity").
 */
int ohs__session_create_cmd(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, const char *const *cmd,
	ohs_progress_cb progress, void *payload);

/*
 * Extract the tar stream in data[0..len) into the (resolved, absolute)
 * directory `dest` the way ohs_session_download_ex() does (the fuzz
 * target's entry point).  OHS_* error (last error set) or 0.
 */
int ohs__download_extract_mem(const void *data, size_t len, const char *dest,
	unsigned flags, size_t *skipped);

#endif
