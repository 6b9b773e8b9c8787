/*
 * probe: one plain HTTP GET of a sandbox's published port, for readiness
 * (ohs_session_wait_http in ready.c, its only user).  The transport side
 * of readiness: only probe.c includes libcurl.  Not installed.
 */
#ifndef OHS_PROBE_INT_H
#define OHS_PROBE_INT_H

#include <stddef.h>

/* Room for the reason an attempt got no answer (libcurl's CURL_ERROR_SIZE). */
#define OHS__PROBE_WHY_SIZE 256

typedef struct ohs__probe ohs__probe;

/*
 * A probe of `url` (http:// only; no proxy, no redirects followed, the
 * body discarded).  OHS_ENOMEM (last error set) or 0.
 */
int ohs__probe_new(ohs__probe **out, const char *url);

/*
 * One GET, connecting and answering within `timeout_ms`: 0 when the
 * server answered (*status: the HTTP status), -1 when it did not (`why`
 * holds the reason, at most `len` bytes with the NUL).  Sets no error.
 */
int ohs__probe_get(ohs__probe *p, long timeout_ms, long *status, char *why, size_t len);

void ohs__probe_free(ohs__probe *p);

#endif
