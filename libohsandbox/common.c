/*
 * common: version, memory, and the small containers every module uses.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

const char *ohs_version(void)
{
	return OHS_VERSION;
}

int ohs_version_number(void)
{
	return OHS_VERSION_NUMBER;
}

void ohs_free(void *ptr)
{
	free(ptr);
}

long ohs__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ohs__sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

char *ohs__strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *ohs__strndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

char *ohs__vsprintf(const char *fmt, va_list ap)
{
	char *out = NULL;

	return vasprintf(&out, fmt, ap) < 0 ? NULL : out;
}

char *ohs__sprintf(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = ohs__vsprintf(fmt, ap);
	va_end(ap);
	return out;
}

int ohs__strvec_push_owned(ohs__strvec *sv, char *s)
{
	if (!s)
		return ohs__error_oom();
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return ohs__error_oom();
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	return 0;
}

int ohs__strvec_push(ohs__strvec *sv, const char *s)
{
	return ohs__strvec_push_owned(sv, ohs__strdup(s ? s : ""));
}

int ohs__strvec_dup(ohs__strvec *dst, const ohs__strvec *src)
{
	ohs__strvec out = {0};
	size_t i;
	int rc;

	for (i = 0; i < src->n; i++) {
		if ((rc = ohs__strvec_push(&out, src->v[i])) < 0) {
			ohs__strvec_clear(&out);
			return rc;
		}
	}
	*dst = out;
	return 0;
}

void ohs__strvec_clear(ohs__strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

const char *ohs__strvec_at(const ohs__strvec *sv, size_t i)
{
	return sv && i < sv->n ? sv->v[i] : NULL;
}

int ohs__buf_append(ohs__buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *d;

		while (cap < b->len + len + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			return ohs__error_oom();
		b->data = d;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int ohs__buf_puts(ohs__buf *b, const char *s)
{
	return ohs__buf_append(b, s, strlen(s));
}

void ohs__buf_clear(ohs__buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *ohs__buf_detach(ohs__buf *b)
{
	char *d = b->data;

	if (!d)
		d = strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

/* Whether s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int ohs__utf8_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned int c = *s, cp;
		int n, i;

		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

/* ------------------------------------------------------------ paths */

/*
 * Lexically clean an absolute path: "//" and "/./" collapse, ".." removes
 * the previous component, trailing slashes go.  NULL (no error) when the
 * path is not absolute; sets *oom on allocation failure.
 */
char *ohs__path_clean(const char *in, int *oom)
{
	size_t len, o = 0;
	const char *p = in;
	char *out;

	*oom = 0;
	if (!in || in[0] != '/')
		return NULL;
	len = strlen(in);
	out = malloc(len + 2);
	if (!out) {
		*oom = 1;
		return NULL;
	}
	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 1 && s[0] == '.')
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			/* drop the last component and its slash ("/.." stays "/") */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/* path == base or path below base (both clean). */
int ohs__path_under(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, "/") == 0)
		return 1;
	return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int ohs__env_name_ok(const char *name)
{
	const char *p;

	if (!name || !((*name >= 'A' && *name <= 'Z') || (*name >= 'a' && *name <= 'z') || *name == '_'))
		return 0;
	for (p = name + 1; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

const char *ohs__env_lookup(const char *const *envp, const char *name)
{
	size_t n;

	if (!name || !*name || strchr(name, '='))
		return NULL;
	if (!envp)
		return getenv(name);
	n = strlen(name);
	for (; *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

int ohs__random_hex(char *out, size_t nbytes, const char *fn)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	size_t i, got = 0, chunk, done = 0;

	while (done < nbytes) {
		chunk = nbytes - done < sizeof(raw) ? nbytes - done : sizeof(raw);
		for (got = 0; got < chunk;) {
			ssize_t n = getrandom(raw + got, chunk - got, 0);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (!fn)
					return ohs__error_set(OHS_ERROR, "getrandom: %s", strerror(errno));
				return ohs__error_set(OHS_ERROR, "%s: getrandom failed: %s", fn,
					strerror(errno));
			}
			got += (size_t)n;
		}
		for (i = 0; i < chunk; i++, done++) {
			out[2 * done] = hex[raw[i] >> 4];
			out[2 * done + 1] = hex[raw[i] & 15];
		}
	}
	out[2 * nbytes] = '\0';
	return 0;
}
