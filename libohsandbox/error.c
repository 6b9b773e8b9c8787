/*
 * error: status codes and the per-thread last error.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OHS_ERRMSG_MAX 2048

struct ohs_tls_error {
	int code;
	int http_status;
	int kind;        /* the engine layer's ohs__eng_err, 0 when none */
	int set;
	char msg[OHS_ERRMSG_MAX];
};

static _Thread_local struct ohs_tls_error tls_err;

const char *ohs_strerror(int code)
{
	switch (code) {
	case OHS_OK: return "success";
	case OHS_ERROR: return "unspecified error";
	case OHS_EINVAL: return "invalid argument or configuration";
	case OHS_ENOMEM: return "out of memory";
	case OHS_ENOTFOUND: return "not found";
	case OHS_ECONFLICT: return "conflict";
	case OHS_EPERM: return "permission denied";
	case OHS_EENGINE: return "engine error";
	case OHS_EUNREACHABLE: return "engine unreachable";
	case OHS_ETIMEOUT: return "timed out";
	case OHS_EPOLICY: return "refused by the security policy";
	case OHS_ENOTSUPPORTED: return "not supported";
	case OHS_EIO: return "input/output error";
	case OHS_EPROTOCOL: return "malformed engine response";
	case OHS_ESTATE: return "sandbox in an unusable state";
	case OHS_ETLS: return "TLS error";
	case OHS_ECANCELED: return "canceled";
	default: return "unknown error code";
	}
}

const char *ohs_error_last(void)
{
	return tls_err.set ? tls_err.msg : NULL;
}

int ohs_error_last_code(void)
{
	return tls_err.set ? tls_err.code : 0;
}

int ohs_error_last_http_status(void)
{
	return tls_err.set ? tls_err.http_status : 0;
}

void ohs_error_clear(void)
{
	tls_err.set = 0;
	tls_err.code = 0;
	tls_err.http_status = 0;
	tls_err.kind = 0;
	tls_err.msg[0] = '\0';
}

int ohs__error_setv(int code, const char *fmt, va_list ap)
{
	tls_err.set = 1;
	tls_err.code = code;
	tls_err.http_status = 0;
	tls_err.kind = 0;
	if (vsnprintf(tls_err.msg, sizeof(tls_err.msg), fmt, ap) < 0)
		snprintf(tls_err.msg, sizeof(tls_err.msg), "%s", ohs_strerror(code));
	return code;
}

int ohs__error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ohs__error_setv(code, fmt, ap);
	va_end(ap);
	return code;
}

int ohs__error_set_http(int code, int http_status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ohs__error_setv(code, fmt, ap);
	va_end(ap);
	tls_err.http_status = http_status;
	return code;
}

void ohs__error_set_kind(int kind)
{
	if (tls_err.set)
		tls_err.kind = kind;
}

int ohs__error_last_kind(void)
{
	return tls_err.set ? tls_err.kind : 0;
}

int ohs__error_oom(void)
{
	return ohs__error_set(OHS_ENOMEM, "out of memory");
}

void ohs__error_prefix(const char *prefix)
{
	size_t plen, mlen;

	if (!tls_err.set || !prefix)
		return;
	plen = strlen(prefix) + 2;
	if (plen >= sizeof(tls_err.msg))
		return;
	mlen = strnlen(tls_err.msg, sizeof(tls_err.msg) - 1);
	if (plen + mlen >= sizeof(tls_err.msg))
		mlen = sizeof(tls_err.msg) - 1 - plen;
	memmove(tls_err.msg + plen, tls_err.msg, mlen);
	tls_err.msg[plen + mlen] = '\0';
	memcpy(tls_err.msg, prefix, plen - 2);
	tls_err.msg[plen - 2] = ':';
	tls_err.msg[plen - 1] = ' ';
}

struct ohs__error_state {
	struct ohs_tls_error err;
};

ohs__error_state *ohs__error_save(void)
{
	ohs__error_state *st;

	if (!tls_err.set || !(st = malloc(sizeof(*st))))
		return NULL;
	st->err = tls_err;
	return st;
}

void ohs__error_restore(ohs__error_state *st)
{
	if (!st)
		return;
	tls_err = st->err;
	free(st);
}
