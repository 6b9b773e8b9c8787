/*
 * image: the image-reference grammar, one copy for the library.
 *
 * Checks a reference the way the engine's reference parser does (domain,
 * port, lower-case path components, tag, digest) with a message naming what
 * is wrong, and splits a reference into repository and tag.  Pure.  Used by
 * config.c (ohs_config_set_image), env.c (AGENT_SERVER_IMAGE_REPOSITORY/_TAG and
 * the build's default image) and session.c (the pull's fromImage and tag).
 */
#include "image_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define OHS_NAME_MAX 255  /* Docker's limit on a repository name */
#define OHS_TAG_MAX 128

/* ------------------------------------------------------------ image grammar */

static int is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(int c)
{
	return isascii(c) && isalnum(c);
}

static int has_upper(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return 1;
	return 0;
}

/*
 * path-component := [a-z0-9]+ (separator [a-z0-9]+)*
 * separator      := '.' | '_' | '__' | '-'+
 */
static int path_component_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum((unsigned char)s[0]))
		return 0;
	while (i < n) {
		while (i < n && is_lower_alnum((unsigned char)s[i]))
			i++;
		if (i == n)
			return 1;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == n || !is_lower_alnum((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* domain-component := [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9] */
static int domain_component_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum((unsigned char)s[0]) || !is_alnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int port_ok(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* domain := host [':' port]; host := domain-name | IPv4 | '[' IPv6 ']' */
static int check_domain(const char *ref, const char *d, size_t n)
{
	const char *port = NULL;
	size_t hostlen = n, i, start;

	if (n > 0 && d[0] == '[') {
		const char *close = memchr(d, ']', n);
		char addr[INET6_ADDRSTRLEN + 1];
		struct in6_addr a6;
		size_t alen;

		if (!close)
			goto bad;
		alen = (size_t)(close - d) - 1;
		if (alen == 0 || alen >= sizeof(addr))
			goto bad;
		memcpy(addr, d + 1, alen);
		addr[alen] = '\0';
		if (inet_pton(AF_INET6, addr, &a6) != 1)
			goto bad;
		hostlen = (size_t)(close - d) + 1;
		if (hostlen < n) {
			if (d[hostlen] != ':')
				goto bad;
			port = d + hostlen + 1;
		}
	} else {
		const char *colon = memchr(d, ':', n);

		if (colon) {
			hostlen = (size_t)(colon - d);
			port = colon + 1;
		}
		if (hostlen == 0)
			goto bad;
		for (start = 0, i = 0; i <= hostlen; i++) {
			if (i == hostlen || d[i] == '.') {
				if (!domain_component_ok(d + start, i - start))
					goto bad;
				start = i + 1;
			}
		}
	}
	if (port && !port_ok(port, n - (size_t)(port - d)))
		return ohs__error_set(OHS_EINVAL,
			"image reference \"%s\": registry port \"%.*s\" must be a number in 1..65535",
			ref, (int)(n - (size_t)(port - d)), port);
	return 0;
bad:
	return ohs__error_set(OHS_EINVAL,
		"image reference \"%s\": registry \"%.*s\" must be a host name, an IPv4 address "
		"or a bracketed IPv6 address, optionally followed by :PORT",
		ref, (int)n, d);
}

/* name := [domain '/'] path-component ('/' path-component)* */
static int check_name(const char *ref, const char *name, size_t n)
{
	const char *slash = memchr(name, '/', n);
	const char *path = name;
	size_t plen = n, i, start;
	int rc;

	if (n == 0)
		return ohs__error_set(OHS_EINVAL,
			"image reference \"%s\": the repository name is empty", ref);
	if (n > OHS_NAME_MAX)
		return ohs__error_set(OHS_EINVAL,
			"image reference \"%s\": the repository name is longer than %d characters",
			ref, OHS_NAME_MAX);
	if (slash) {
		size_t dlen = (size_t)(slash - name);

		/* Docker's rule: the first component is a registry when it
		 * contains '.' or ':', is "localhost", or has upper case. */
		if (memchr(name, '.', dlen) || memchr(name, ':', dlen) ||
		    (dlen == 9 && !strncmp(name, "localhost", 9)) || has_upper(name, dlen)) {
			if ((rc = check_domain(ref, name, dlen)) < 0)
				return rc;
			path = slash + 1;
			plen = n - dlen - 1;
		}
	}
	for (start = 0, i = 0; i <= plen; i++) {
		if (i == plen || path[i] == '/') {
			const char *c = path + start;
			size_t clen = i - start;

			if (clen == 0)
				return ohs__error_set(OHS_EINVAL,
					"image reference \"%s\": the repository path \"%.*s\" has an empty component",
					ref, (int)plen, path);
			if (!path_component_ok(c, clen))
				return ohs__error_set(OHS_EINVAL,
					"image reference \"%s\": path component \"%.*s\" must be lowercase "
					"letters and digits, separated by '.', '_', '__' or '-'%s",
					ref, (int)clen, c,
					has_upper(c, clen) ? " (upper case is not allowed)" : "");
			start = i + 1;
		}
	}
	return 0;
}

/* tag := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static int tag_ok(const char *t, size_t n)
{
	size_t i;

	if (n == 0 || n > OHS_TAG_MAX)
		return 0;
	if (!is_alnum((unsigned char)t[0]) && t[0] != '_')
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return 0;
	return 1;
}

static int check_tag(const char *ref, const char *t, size_t n)
{
	if (!tag_ok(t, n))
		return ohs__error_set(OHS_EINVAL,
			"image reference \"%s\": tag \"%.*s\" must be 1 to %d letters, digits, '_', '.' "
			"or '-', not starting with '.' or '-'", ref, (int)n, t, OHS_TAG_MAX);
	return 0;
}

/*
 * digest := algorithm ':' hex
 * algorithm := component ([+._-] component)*, component := [A-Za-z][A-Za-z0-9]*
 * hex := [0-9a-fA-F]{32,} (exactly 64 for sha256, 128 for sha512)
 */
static int check_digest(const char *ref, const char *d)
{
	const char *colon = strchr(d, ':');
	size_t alen, hlen, i;
	int need_alpha = 1;

	if (!colon)
		goto bad;
	alen = (size_t)(colon - d);
	if (alen == 0)
		goto bad;
	for (i = 0; i < alen; i++) {
		int c = (unsigned char)d[i];

		if (need_alpha) {
			if (!isascii(c) || !isalpha(c))
				goto bad;
			need_alpha = 0;
		} else if (c == '+' || c == '.' || c == '_' || c == '-') {
			need_alpha = 1;
		} else if (!is_alnum(c)) {
			goto bad;
		}
	}
	if (need_alpha)
		goto bad;
	hlen = strlen(colon + 1);
	for (i = 0; i < hlen; i++)
		if (!isascii((unsigned char)colon[1 + i]) || !isxdigit((unsigned char)colon[1 + i]))
			goto bad;
	if (hlen < 32)
		goto bad;
	if (alen == 6 && !strncmp(d, "sha256", 6) && hlen != 64)
		return ohs__error_set(OHS_EINVAL,
			"image reference \"%s\": sha256 digest must have 64 hex digits, not %zu", ref, hlen);
	if (alen == 6 && !strncmp(d, "sha512", 6) && hlen != 128)
		return ohs__error_set(OHS_EINVAL,
			"image reference \"%s\": sha512 digest must have 128 hex digits, not %zu", ref, hlen);
	return 0;
bad:
	return ohs__error_set(OHS_EINVAL,
		"image reference \"%s\": digest \"%s\" must be ALGORITHM:HEX "
		"(e.g. sha256: followed by 64 hex digits)", ref, d);
}

int ohs__image_check(const char *ref)
{
	const char *at, *name_end, *slash, *colon;
	size_t i, nlen;
	int rc;

	if (!ref)
		return ohs__error_set(OHS_EINVAL, "image reference is NULL");
	if (!*ref)
		return ohs__error_set(OHS_EINVAL,
			"image reference \"\": must not be empty; expected [REGISTRY/]NAME[:TAG][@DIGEST]");
	for (i = 0; ref[i]; i++)
		if ((unsigned char)ref[i] <= ' ' || (unsigned char)ref[i] >= 0x7f)
			return ohs__error_set(OHS_EINVAL,
				"image reference \"%s\": contains whitespace or a non-printable/non-ASCII "
				"character at offset %zu", ref, i);
	at = strchr(ref, '@');
	name_end = at ? at : ref + strlen(ref);
	if (at) {
		if (strchr(at + 1, '@'))
			return ohs__error_set(OHS_EINVAL,
				"image reference \"%s\": more than one '@'; expected [REGISTRY/]NAME[:TAG][@DIGEST]",
				ref);
		if ((rc = check_digest(ref, at + 1)) < 0)
			return rc;
	}
	nlen = (size_t)(name_end - ref);
	/* the tag follows the last ':' that comes after the last '/' */
	slash = NULL;
	colon = NULL;
	for (i = 0; i < nlen; i++) {
		if (ref[i] == '/')
			slash = ref + i;
		else if (ref[i] == ':')
			colon = ref + i;
	}
	if (colon && (!slash || colon > slash)) {
		if ((rc = check_tag(ref, colon + 1, (size_t)(name_end - colon - 1))) < 0)
			return rc;
		nlen = (size_t)(colon - ref);
	}
	return check_name(ref, ref, nlen);
}

int ohs__image_check_repository(const char *repo)
{
	const char *slash, *colon;

	if (!repo)
		return ohs__error_set(OHS_EINVAL, "image repository is NULL");
	if (strchr(repo, '@'))
		return ohs__error_set(OHS_EINVAL,
			"image repository \"%s\": must not contain a digest ('@'); expected [REGISTRY/]NAME",
			repo);
	slash = strrchr(repo, '/');
	colon = strrchr(repo, ':');
	if (colon && (!slash || colon > slash))
		return ohs__error_set(OHS_EINVAL,
			"image repository \"%s\": must not contain a tag (\"%s\"); expected [REGISTRY/]NAME",
			repo, colon);
	return ohs__image_check(repo);
}

int ohs__image_check_tag(const char *tag)
{
	if (!tag)
		return ohs__error_set(OHS_EINVAL, "image tag is NULL");
	if (!tag_ok(tag, strlen(tag)))
		return ohs__error_set(OHS_EINVAL,
			"image tag \"%s\": must be 1 to %d letters, digits, '_', '.' or '-', "
			"not starting with '.' or '-'", tag, OHS_TAG_MAX);
	return 0;
}

int ohs__image_split(const char *ref, int keep_digest, char **repo, char **tag)
{
	const char *at = strchr(ref, '@');
	size_t n = at ? (size_t)(at - ref) : strlen(ref);
	const char *slash = NULL, *colon = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ref[i] == '/')
			slash = ref + i;
		else if (ref[i] == ':')
			colon = ref + i;
	}
	if (at && keep_digest) {
		*repo = ohs__strndup(ref, n);
		*tag = ohs__strdup(at + 1);
	} else if (colon && (!slash || colon > slash)) {
		*repo = ohs__strndup(ref, (size_t)(colon - ref));
		*tag = ohs__strndup(colon + 1, (size_t)(ref + n - colon - 1));
	} else {
		*repo = ohs__strndup(ref, n);
		*tag = ohs__strdup("latest");
	}
	if (!*repo || !*tag) {
		free(*repo);
		free(*tag);
		*repo = *tag = NULL;
		return ohs__error_oom();
	}
	return 0;
}

int ohs__image_split_default(char **repo, char **tag)
{
	return ohs__image_split(OHS_DEFAULT_IMAGE, 0, repo, tag);
}
