/*
 * C helpers of the Go binding (implemented in ohsgo.c).  Only declarations
 * here: the Go files that use //export may not define C functions in their
 * preamble.
 */
#ifndef OHSGO_H
#define OHSGO_H

#include <stdint.h>
#include <stdlib.h>
#include <ohsandbox.h>

/* The binding needs the 0.1 API (exec options, sessions, policy). */
#if !defined(OHS_VERSION_NUMBER) || OHS_VERSION_NUMBER < 0x000100
# error "the ohsandbox Go binding needs libohsandbox >= 0.1.0 (check PKG_CONFIG_PATH)"
#endif
#if OHS_VERSION_MAJOR != 0
# error "the ohsandbox Go binding was written for libohsandbox 0.x"
#endif

/* Route an ohs_exec_opts' output callback to the Go handle `h` (0: none). */
int ohsgo_exec_opts_set_output(ohs_exec_opts *o, uintptr_t h);

/* ohs_session_create with progress going to the Go handle `h` (0: none). */
int ohsgo_session_create(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, uintptr_t h);

/* ohs_session_create_main with progress going to the Go handle `h` (0: none). */
int ohsgo_session_create_main(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, const char *const *argv, uintptr_t h);

/* ohs_reap_each reporting to the Go handle `h`. */
int ohsgo_reap_each(ohs_client *client, unsigned flags, uintptr_t h, size_t *removed);

/* ohs_session_logs with output going to the Go handle `h`. */
int ohsgo_session_logs(ohs_session *s, int tail, uintptr_t h);

/* A NULL-terminated array of n+1 string pointers (all NULL), or NULL. */
char **ohsgo_strv_new(size_t n);
void ohsgo_strv_set(char **v, size_t i, char *s);
/* Free every string and the array. */
void ohsgo_strv_free(char **v);

#endif
