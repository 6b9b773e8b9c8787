/*
 * Internal helpers shared by every module.  Not installed.
 */
#ifndef OHS_INTERNAL_H
#define OHS_INTERNAL_H

#include "build-config.h" /* autoconf's, from the build tree */

#include <stdarg.h>
#include <stddef.h>
#include "ohsandbox.h"

#define OHS_INTERNAL __attribute__((visibility("hidden")))
#define OHS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define OHS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Set the calling thread's last error; returns `code` for `return ohs__error_set(...)`. */
int ohs__error_set(int code, const char *fmt, ...) OHS_PRINTF(2, 3);
int ohs__error_setv(int code, const char *fmt, va_list ap) OHS_PRINTF(2, 0);
/* Same, with the engine's HTTP status recorded. */
int ohs__error_set_http(int code, int http_status, const char *fmt, ...) OHS_PRINTF(3, 4);
/* The kind of the current last error (engine_int.h's ohs__eng_err, 0 none):
 * set by the engine layer right after the error; a new error resets it. */
void ohs__error_set_kind(int kind);
int ohs__error_last_kind(void);
/* OHS_ENOMEM with a standard message. */
int ohs__error_oom(void);
/* Prefix the current last message with "prefix: " (keeps code and status). */
void ohs__error_prefix(const char *prefix);

/*
 * Keep the current last error across cleanup that may raise errors of its
 * own: save() copies it (NULL on OOM or when there is none), restore()
 * puts it back and frees the copy (NULL: nothing to restore).
 */
typedef struct ohs__error_state ohs__error_state;
ohs__error_state *ohs__error_save(void);
void ohs__error_restore(ohs__error_state *st);

/* NULL-safe strdup/strndup; NULL on OOM (caller reports). */
char *ohs__strdup(const char *s);
char *ohs__strndup(const char *s, size_t n);
/* asprintf into a new string; NULL on OOM. */
char *ohs__sprintf(const char *fmt, ...) OHS_PRINTF(1, 2);
char *ohs__vsprintf(const char *fmt, va_list ap) OHS_PRINTF(1, 0);

/* Monotonic clock in milliseconds; sleep that resumes after signals. */
long ohs__now_ms(void);
void ohs__sleep_ms(long ms);

/*
 * Whether `name` is a valid environment variable name, [A-Za-z_][A-Za-z0-9_]*
 * (ohs_config_set_env, ohs_exec_opts_set_env).  NULL or "" is not.
 */
int ohs__env_name_ok(const char *name) OHS_INTERNAL;

/*
 * The value of `name` in envp ("NAME=value" entries, the first occurrence
 * wins), or in the process environment (getenv) when envp is NULL.  NULL
 * when unset, or when name is NULL, empty or contains '='.  The one env
 * lookup behind ohs_env_get(), the floor and the transport's DOCKER_*.
 */
const char *ohs__env_lookup(const char *const *envp, const char *name) OHS_INTERNAL;

/*
 * Fill out with 2 * nbytes lower-case hex digits of getrandom() bytes and a
 * NUL (out holds 2 * nbytes + 1).  On failure OHS_ERROR with the message
 * "FN: getrandom failed: ERRNO-TEXT" ("getrandom: ERRNO-TEXT" when fn is
 * NULL).  Used for session ids, exec ids and shell markers.
 */
int ohs__random_hex(char *out, size_t nbytes, const char *fn) OHS_INTERNAL;

/* Whether `s` is well-formed UTF-8 (JSON strings must be). */
int ohs__utf8_ok(const char *s);

/* A growable vector of owned strings. */
typedef struct {
	char **v;
	size_t n, cap;
} ohs__strvec;
int ohs__strvec_push(ohs__strvec *sv, const char *s);      /* copies s */
int ohs__strvec_push_owned(ohs__strvec *sv, char *s);      /* takes s */
int ohs__strvec_dup(ohs__strvec *dst, const ohs__strvec *src);
void ohs__strvec_clear(ohs__strvec *sv);
const char *ohs__strvec_at(const ohs__strvec *sv, size_t i); /* NULL when out of range */

/*
 * Lexically clean an absolute path: "//" and "/./" collapse, ".." removes
 * the previous component, trailing slashes go.  NULL (no error) when the
 * path is not absolute; sets *oom on allocation failure.
 */
char *ohs__path_clean(const char *in, int *oom) OHS_INTERNAL;
/* path == base or path below base (both clean). */
int ohs__path_under(const char *path, const char *base) OHS_INTERNAL;

/* A growable byte buffer, always NUL-terminated when non-empty. */
typedef struct {
	char *data;
	size_t len, cap;
} ohs__buf;
int ohs__buf_append(ohs__buf *b, const void *data, size_t len);
int ohs__buf_puts(ohs__buf *b, const char *s);
void ohs__buf_clear(ohs__buf *b);
/* Hand over the data (NUL-terminated, "" when empty) and reset the buffer. */
char *ohs__buf_detach(ohs__buf *b);

/*
 * policy.c, for exec.c: OHS_EPOLICY (message prefixed with fn) when the
 * findings a session was created with come from the hardened profile in
 * enforce mode and `user` (an exec's User, non-empty) runs as uid 0; else 0.
 * NULL findings (an opened session) or user: 0.
 */
int ohs__policy_check_exec_user(const ohs_findings *f, const char *user, const char *fn);

#endif
