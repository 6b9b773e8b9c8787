/*
 * config: the opaque sandbox configuration and the engine create body.
 *
 * A config owns its image, user, working directory, container environment,
 * labels, limits, mounts (ohs_volumes) and network policy (ohs_netpolicy),
 * plus the warnings gathered while it was built.  It renders the exact body
 * of POST /containers/create with jansson (insertion order is kept, so the
 * key order below is the order on the wire).
 */
#include "config_int.h"
#include "floor_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct ohs_config {
	char *image;
	char *user;
	char *workdir;
	ohs__strvec cmd;          /* argv of the main command; empty: the image's */
	ohs__strvec env;          /* "NAME=value" */
	ohs__strvec label_keys;
	ohs__strvec label_values;
	ohs_volumes *vols;
	ohs_netpolicy *np;
	int64_t memory;
	int64_t nano_cpus;
	int64_t pids;
	int init;
	ohs_override_command override_cmd;
	ohs__strvec warnings;
	ohs_policy *policy;
	char *hc_extra;           /* extra HostConfig fields, a JSON object; NULL: none */
	ohs_floor *floor;         /* the operator's floor; NULL: none */
	char *origins[13];        /* where each of origin_settings came from; NULL: "default" */
};

/* Settings whose origin is recorded (ohs_config_origin); the floor's own come from the floor. */
static const char *const origin_settings[] = {
	"image", "user", "volumes", "env", "network", "binding_address", "internal",
	"additional_networks", "profile", "mode", "host_paths", "networks", "runtime",
};

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

int ohs__image_split_default(char **repo, char **tag)
{
	const char *def = OHS_DEFAULT_IMAGE;
	const char *at = strchr(def, '@');
	size_t n = at ? (size_t)(at - def) : strlen(def);
	const char *slash = NULL, *colon = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (def[i] == '/')
			slash = def + i;
		else if (def[i] == ':')
			colon = def + i;
	}
	if (colon && (!slash || colon > slash)) {
		*repo = ohs__strndup(def, (size_t)(colon - def));
		*tag = ohs__strndup(colon + 1, (size_t)(def + n - colon - 1));
	} else {
		*repo = ohs__strndup(def, n);
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

/* ------------------------------------------------------------ UTF-8 */


/* ------------------------------------------------------------ lifecycle */

int ohs_config_new(ohs_config **out)
{
	ohs_config *cfg;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_new: out is NULL");
	*out = NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return ohs__error_oom();
	cfg->init = 1;
	cfg->image = ohs__strdup(OHS_DEFAULT_IMAGE);
	cfg->user = ohs__sprintf("%u:%u", (unsigned)getuid(), (unsigned)getgid());
	cfg->workdir = ohs__strdup("/workspace");
	if (!cfg->image || !cfg->user || !cfg->workdir) {
		rc = ohs__error_oom();
		goto fail;
	}
	if ((rc = ohs_volumes_new(&cfg->vols)) < 0)
		goto fail;
	if ((rc = ohs_netpolicy_new(&cfg->np)) < 0)
		goto fail;
	if ((rc = ohs_policy_new(&cfg->policy, NULL, NULL)) < 0)
		goto fail;
	*out = cfg;
	return 0;
fail:
	ohs_config_free(cfg);
	return rc;
}

void ohs_config_free(ohs_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->image);
	free(cfg->user);
	free(cfg->workdir);
	ohs__strvec_clear(&cfg->cmd);
	ohs__strvec_clear(&cfg->env);
	ohs__strvec_clear(&cfg->label_keys);
	ohs__strvec_clear(&cfg->label_values);
	ohs__strvec_clear(&cfg->warnings);
	ohs_volumes_free(cfg->vols);
	ohs_netpolicy_free(cfg->np);
	ohs_policy_free(cfg->policy);
	free(cfg->hc_extra);
	ohs_floor_free(cfg->floor);
	for (i = 0; i < OHS_ARRAY_SIZE(cfg->origins); i++)
		free(cfg->origins[i]);
	free(cfg);
}

int ohs_config_dup(ohs_config **out, const ohs_config *cfg)
{
	ohs_config *c;
	size_t i;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_dup: out is NULL");
	*out = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_dup: cfg is NULL");
	c = calloc(1, sizeof(*c));
	if (!c)
		return ohs__error_oom();
	c->memory = cfg->memory;
	c->nano_cpus = cfg->nano_cpus;
	c->pids = cfg->pids;
	c->init = cfg->init;
	c->override_cmd = cfg->override_cmd;
	c->image = ohs__strdup(cfg->image);
	c->user = ohs__strdup(cfg->user);
	c->workdir = ohs__strdup(cfg->workdir);
	if (!c->image || !c->user || !c->workdir) {
		rc = ohs__error_oom();
		goto fail;
	}
	if ((rc = ohs__strvec_dup(&c->cmd, &cfg->cmd)) < 0 ||
	    (rc = ohs__strvec_dup(&c->env, &cfg->env)) < 0 ||
	    (rc = ohs__strvec_dup(&c->label_keys, &cfg->label_keys)) < 0 ||
	    (rc = ohs__strvec_dup(&c->label_values, &cfg->label_values)) < 0 ||
	    (rc = ohs__strvec_dup(&c->warnings, &cfg->warnings)) < 0 ||
	    (rc = ohs_volumes_dup(&c->vols, cfg->vols)) < 0 ||
	    (rc = ohs_netpolicy_dup(&c->np, cfg->np)) < 0 ||
	    (rc = ohs_policy_dup(&c->policy, cfg->policy)) < 0)
		goto fail;
	if (cfg->hc_extra && !(c->hc_extra = ohs__strdup(cfg->hc_extra))) {
		rc = ohs__error_oom();
		goto fail;
	}
	if (cfg->floor && (rc = ohs_floor_dup(&c->floor, cfg->floor)) < 0)
		goto fail;
	for (i = 0; i < OHS_ARRAY_SIZE(cfg->origins); i++) {
		if (cfg->origins[i] && !(c->origins[i] = ohs__strdup(cfg->origins[i]))) {
			rc = ohs__error_oom();
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	ohs_config_free(c);
	return rc;
}

/* Replace *slot with a copy of s. */
static int replace_str(char **slot, const char *s)
{
	char *d = ohs__strdup(s);

	if (!d)
		return ohs__error_oom();
	free(*slot);
	*slot = d;
	return 0;
}

/* ------------------------------------------------------------ image, user, workdir */

int ohs_config_set_image(ohs_config *cfg, const char *ref)
{
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_image: cfg is NULL");
	if (!ref)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_image: ref is NULL");
	if ((rc = ohs__image_check(ref)) < 0)
		return rc;
	return replace_str(&cfg->image, ref);
}

const char *ohs_config_image(const ohs_config *cfg)
{
	return cfg ? cfg->image : NULL;
}

#define OHS_ID_MAX 2147483647L

/* One half of a user spec: a decimal id 0..2147483647 or [a-z_][a-z0-9_-]*. */
static int user_part_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	if (s[0] >= '0' && s[0] <= '9') {
		long v = 0;

		if (n > 10)
			return 0;
		for (i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			v = v * 10 + (s[i] - '0');
		}
		return v <= OHS_ID_MAX;
	}
	if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

int ohs_config_set_user(ohs_config *cfg, const char *user)
{
	const char *colon;
	size_t ulen;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_user: cfg is NULL");
	if (!user)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_user: user is NULL");
	colon = strchr(user, ':');
	ulen = colon ? (size_t)(colon - user) : strlen(user);
	if (!user_part_ok(user, ulen))
		return ohs__error_set(OHS_EINVAL,
			"user \"%s\": user \"%.*s\" must be a decimal id 0..2147483647 or a name matching "
			"[a-z_][a-z0-9_-]*; expected USER[:GROUP]", user, (int)ulen, user);
	if (colon && !user_part_ok(colon + 1, strlen(colon + 1)))
		return ohs__error_set(OHS_EINVAL,
			"user \"%s\": group \"%s\" must be a decimal id 0..2147483647 or a name matching "
			"[a-z_][a-z0-9_-]*; expected USER[:GROUP]", user, colon + 1);
	return replace_str(&cfg->user, user);
}

const char *ohs_config_user(const ohs_config *cfg)
{
	return cfg ? cfg->user : NULL;
}

int ohs_config_set_command(ohs_config *cfg, const char *const *argv)
{
	ohs__strvec v = {0};
	size_t i;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_command: cfg is NULL");
	for (i = 0; argv && argv[i]; i++) {
		if (!ohs__utf8_ok(argv[i])) {
			ohs__strvec_clear(&v);
			return ohs__error_set(OHS_EINVAL,
				"command argument %zu (\"%s\") is not valid UTF-8", i, argv[i]);
		}
		if ((rc = ohs__strvec_push(&v, argv[i])) < 0) {
			ohs__strvec_clear(&v);
			return rc;
		}
	}
	ohs__strvec_clear(&cfg->cmd);
	cfg->cmd = v;
	return 0;
}

size_t ohs_config_command_count(const ohs_config *cfg)
{
	return cfg ? cfg->cmd.n : 0;
}

const char *ohs_config_command(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->cmd, i) : NULL;
}

int ohs_config_set_workdir(ohs_config *cfg, const char *path)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_workdir: cfg is NULL");
	if (!path)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_workdir: path is NULL");
	if (path[0] != '/')
		return ohs__error_set(OHS_EINVAL,
			"working directory \"%s\" must be an absolute container path (starting with '/')",
			path);
	if (!ohs__utf8_ok(path))
		return ohs__error_set(OHS_EINVAL,
			"working directory \"%s\" is not valid UTF-8", path);
	return replace_str(&cfg->workdir, path);
}

const char *ohs_config_workdir(const ohs_config *cfg)
{
	return cfg ? cfg->workdir : NULL;
}

/* ------------------------------------------------------------ env, labels */

static int env_name_ok(const char *s)
{
	size_t i;

	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; s[i]; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

int ohs_config_set_env(ohs_config *cfg, const char *name, const char *value)
{
	size_t i, nlen;
	char *entry;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_env: cfg is NULL");
	if (!name)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_env: name is NULL");
	if (!value)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_env: value is NULL");
	if (!env_name_ok(name))
		return ohs__error_set(OHS_EINVAL,
			"environment variable name \"%s\" must match [A-Za-z_][A-Za-z0-9_]*", name);
	/* The value may be a secret (an API token): name it, never show it. */
	if (!ohs__utf8_ok(value))
		return ohs__error_set(OHS_EINVAL,
			"environment variable %s: the value is not valid UTF-8 (not shown: it may be a secret); "
			"expected a UTF-8 string", name);
	entry = ohs__sprintf("%s=%s", name, value);
	if (!entry)
		return ohs__error_oom();
	nlen = strlen(name);
	for (i = 0; i < cfg->env.n; i++) {
		if (!strncmp(cfg->env.v[i], name, nlen) && cfg->env.v[i][nlen] == '=') {
			free(cfg->env.v[i]);
			cfg->env.v[i] = entry;
			return 0;
		}
	}
	return ohs__strvec_push_owned(&cfg->env, entry);
}

size_t ohs_config_env_count(const ohs_config *cfg)
{
	return cfg ? cfg->env.n : 0;
}

const char *ohs_config_env(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->env, i) : NULL;
}

int ohs_config_set_label(ohs_config *cfg, const char *key, const char *value)
{
	size_t i;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_label: cfg is NULL");
	if (!key)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_label: key is NULL");
	if (!value)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_label: value is NULL");
	if (!*key)
		return ohs__error_set(OHS_EINVAL, "label key \"\" must not be empty");
	if (!ohs__utf8_ok(key))
		return ohs__error_set(OHS_EINVAL, "label key \"%s\" is not valid UTF-8", key);
	if (!ohs__utf8_ok(value))
		return ohs__error_set(OHS_EINVAL,
			"label %s: value \"%s\" is not valid UTF-8", key, value);
	for (i = 0; i < cfg->label_keys.n; i++)
		if (!strcmp(cfg->label_keys.v[i], key))
			return replace_str(&cfg->label_values.v[i], value);
	if ((rc = ohs__strvec_push(&cfg->label_keys, key)) < 0)
		return rc;
	if ((rc = ohs__strvec_push(&cfg->label_values, value)) < 0) {
		free(cfg->label_keys.v[--cfg->label_keys.n]);
		return rc;
	}
	return 0;
}

size_t ohs_config_label_count(const ohs_config *cfg)
{
	return cfg ? cfg->label_keys.n : 0;
}

const char *ohs_config_label_key(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->label_keys, i) : NULL;
}

const char *ohs_config_label_value(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->label_values, i) : NULL;
}

/* ------------------------------------------------------------ volumes, network */

ohs_volumes *ohs_config_volumes(ohs_config *cfg)
{
	return cfg ? cfg->vols : NULL;
}

int ohs_config_set_volumes(ohs_config *cfg, const ohs_volumes *vols)
{
	ohs_volumes *copy = NULL;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_volumes: cfg is NULL");
	if (!vols)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_volumes: vols is NULL");
	if (vols == cfg->vols)
		return 0;
	if ((rc = ohs_volumes_dup(&copy, vols)) < 0)
		return rc;
	ohs_volumes_free(cfg->vols);
	cfg->vols = copy;
	return 0;
}

ohs_netpolicy *ohs_config_netpolicy(ohs_config *cfg)
{
	return cfg ? cfg->np : NULL;
}

int ohs_config_set_netpolicy(ohs_config *cfg, const ohs_netpolicy *np)
{
	ohs_netpolicy *copy = NULL;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_netpolicy: cfg is NULL");
	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_netpolicy: np is NULL");
	if (np == cfg->np)
		return 0;
	if ((rc = ohs_netpolicy_dup(&copy, np)) < 0)
		return rc;
	ohs_netpolicy_free(cfg->np);
	cfg->np = copy;
	return 0;
}

/* ------------------------------------------------------------ limits, init */

static int set_limit(ohs_config *cfg, int64_t *slot, int64_t v, const char *fn, const char *what)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "%s: cfg is NULL", fn);
	if (v < 0)
		return ohs__error_set(OHS_EINVAL,
			"%s: %s %lld must be 0 (unlimited) or positive", fn, what, (long long)v);
	*slot = v;
	return 0;
}

int ohs_config_set_memory_limit(ohs_config *cfg, int64_t bytes)
{
	return set_limit(cfg, cfg ? &cfg->memory : NULL, bytes,
		"ohs_config_set_memory_limit", "memory limit (bytes)");
}

int64_t ohs_config_memory_limit(const ohs_config *cfg)
{
	return cfg ? cfg->memory : 0;
}

int ohs_config_set_nano_cpus(ohs_config *cfg, int64_t nano_cpus)
{
	return set_limit(cfg, cfg ? &cfg->nano_cpus : NULL, nano_cpus,
		"ohs_config_set_nano_cpus", "CPU limit (nano CPUs)");
}

int64_t ohs_config_nano_cpus(const ohs_config *cfg)
{
	return cfg ? cfg->nano_cpus : 0;
}

int ohs_config_set_pids_limit(ohs_config *cfg, int64_t pids)
{
	return set_limit(cfg, cfg ? &cfg->pids : NULL, pids,
		"ohs_config_set_pids_limit", "pids limit");
}

int64_t ohs_config_pids_limit(const ohs_config *cfg)
{
	return cfg ? cfg->pids : 0;
}

int ohs_config_set_init(ohs_config *cfg, int enabled)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_init: cfg is NULL");
	cfg->init = enabled ? 1 : 0;
	return 0;
}

int ohs_config_init(const ohs_config *cfg)
{
	return cfg ? cfg->init : 0;
}

/* ------------------------------------------------------------ override command */

static const char *const override_names[] = { "auto", "true", "false" };

int ohs_config_set_override_command(ohs_config *cfg, ohs_override_command mode)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_override_command: cfg is NULL");
	if ((int)mode < OHS_OVERRIDE_AUTO || (int)mode > OHS_OVERRIDE_FALSE)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_override_command: mode %d is out of "
			"range (expected OHS_OVERRIDE_AUTO, OHS_OVERRIDE_TRUE or OHS_OVERRIDE_FALSE)", (int)mode);
	cfg->override_cmd = mode;
	return 0;
}

ohs_override_command ohs_config_override_command(const ohs_config *cfg)
{
	return cfg ? cfg->override_cmd : OHS_OVERRIDE_AUTO;
}

int ohs_override_command_from_name(ohs_override_command *out, const char *name)
{
	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_override_command_from_name: out is NULL");
	if (name && !strcasecmp(name, "auto"))
		*out = OHS_OVERRIDE_AUTO;
	else if (name && (!strcasecmp(name, "true") || !strcmp(name, "1")))
		*out = OHS_OVERRIDE_TRUE;
	else if (name && (!strcasecmp(name, "false") || !strcmp(name, "0")))
		*out = OHS_OVERRIDE_FALSE;
	else
		return ohs__error_set(OHS_EINVAL, "override command \"%s\": expected \"auto\", \"true\" or \"false\"",
			name ? name : "(null)");
	return 0;
}

const char *ohs_override_command_name(ohs_override_command mode)
{
	if ((int)mode < OHS_OVERRIDE_AUTO || (int)mode > OHS_OVERRIDE_FALSE)
		return NULL;
	return override_names[mode];
}

/* ------------------------------------------------------------ warnings */

size_t ohs_config_warning_count(const ohs_config *cfg)
{
	return cfg ? cfg->warnings.n : 0;
}

const char *ohs_config_warning(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->warnings, i) : NULL;
}

int ohs_config_add_warning(ohs_config *cfg, const char *text)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_add_warning: cfg is NULL");
	if (!text)
		return ohs__error_set(OHS_EINVAL, "ohs_config_add_warning: text is NULL");
	if (!ohs__utf8_ok(text))
		return ohs__error_set(OHS_EINVAL,
			"ohs_config_add_warning: text \"%s\" is not valid UTF-8", text);
	return ohs__strvec_push(&cfg->warnings, text);
}

/* ------------------------------------------------------------ rendering */

/*
 * Rendering state: *ok is 1 while all is well, 0 after an allocation
 * failure, -1 after a string that is not valid UTF-8 (error already set).
 */
static json_t *jstr(const char *s, int *ok)
{
	json_t *v;

	if (!s)
		s = "";
	v = json_string(s);
	if (!v && *ok == 1 && !ohs__utf8_ok(s)) {
		ohs__error_set(OHS_EINVAL, "string \"%s\" is not valid UTF-8 and cannot be sent as JSON", s);
		*ok = -1;
	}
	return v;
}

/* An "ENV=value" entry: a failure names the variable, never the value. */
static json_t *jenv(const char *entry, int *ok)
{
	json_t *v = json_string(entry);

	if (!v && *ok == 1 && !ohs__utf8_ok(entry)) {
		ohs__error_set(OHS_EINVAL, "environment variable %.*s: the value is not valid UTF-8 "
			"(not shown: it may be a secret) and cannot be sent as JSON",
			(int)strcspn(entry, "="), entry);
		*ok = -1;
	}
	return v;
}

/* Add `v` to `obj` under `key` (v NULL: a failure already happened). */
static void put(json_t *obj, const char *key, json_t *v, int *ok)
{
	if (!v) {
		if (*ok == 1)
			*ok = 0;
		return;
	}
	if (!obj || json_object_set_new(obj, key, v) != 0) {
		if (!obj)
			json_decref(v);
		if (*ok == 1)
			*ok = ohs__utf8_ok(key) ? 0 : -1;
		if (*ok == -1)
			ohs__error_set(OHS_EINVAL, "key \"%s\" is not valid UTF-8 and cannot be sent as JSON", key);
	}
}

static void append(json_t *arr, json_t *v, int *ok)
{
	if (!v) {
		if (*ok == 1)
			*ok = 0;
		return;
	}
	if (!arr || json_array_append_new(arr, v) != 0) {
		if (!arr)
			json_decref(v);
		if (*ok == 1)
			*ok = 0;
	}
}

/* Finish a render: the error code for a failed *ok. */
static int render_error(int ok)
{
	return ok == -1 ? OHS_EINVAL : ohs__error_oom();
}

/* A network mode that names a user-defined network (not a built-in mode). */
static int is_user_network(const char *mode)
{
	return mode && *mode && strcmp(mode, "bridge") && strcmp(mode, "host") &&
	       strcmp(mode, "none") && strcmp(mode, "default") &&
	       strncmp(mode, "container:", 10);
}

static char *port_key(const ohs_netpolicy *np, size_t i)
{
	const char *proto = ohs_netpolicy_port_protocol(np, i);

	return ohs__sprintf("%d/%s", ohs_netpolicy_port_container(np, i), proto ? proto : "tcp");
}

int ohs__config_create_body_json(json_t **out, const ohs_config *cfg)
{
	json_t *body = json_object(), *arr, *obj, *hc, *mounts, *pb;
	const char *mode = ohs_netpolicy_mode(cfg->np);
	size_t i, nports = ohs_netpolicy_port_count(cfg->np);
	int ok = body != NULL;

	*out = NULL;
	if (!ok)
		return ohs__error_oom();
	put(body, "Image", jstr(cfg->image, &ok), &ok);
	put(body, "User", jstr(cfg->user, &ok), &ok);
	put(body, "WorkingDir", jstr(cfg->workdir, &ok), &ok);
	if (cfg->cmd.n > 0) {
		arr = json_array();
		for (i = 0; arr && i < cfg->cmd.n; i++)
			append(arr, jstr(cfg->cmd.v[i], &ok), &ok);
		put(body, "Cmd", arr, &ok);
	}

	arr = json_array();
	for (i = 0; arr && i < cfg->env.n; i++)
		append(arr, jenv(cfg->env.v[i], &ok), &ok);
	put(body, "Env", arr, &ok);

	obj = json_object();
	for (i = 0; obj && i < cfg->label_keys.n; i++)
		put(obj, cfg->label_keys.v[i], jstr(cfg->label_values.v[i], &ok), &ok);
	put(body, "Labels", obj, &ok);

	if (nports > 0) {
		obj = json_object();
		for (i = 0; obj && i < nports; i++) {
			char *key = port_key(cfg->np, i);

			if (!key) {
				ok = 0;
				break;
			}
			put(obj, key, json_object(), &ok);
			free(key);
		}
		put(body, "ExposedPorts", obj, &ok);
	}

	hc = json_object();
	put(body, "HostConfig", hc, &ok);
	if (ok != 1)
		goto fail;

	mounts = json_array();
	for (i = 0; mounts && i < ohs_volumes_count(cfg->vols); i++) {
		json_t *m = json_object();

		if (!m) {
			ok = 0;
			break;
		}
		put(m, "Type", jstr(ohs_volumes_type(cfg->vols, i) == OHS_MOUNT_VOLUME ?
			"volume" : "bind", &ok), &ok);
		put(m, "Source", jstr(ohs_volumes_source(cfg->vols, i), &ok), &ok);
		put(m, "Target", jstr(ohs_volumes_target(cfg->vols, i), &ok), &ok);
		put(m, "ReadOnly", json_boolean(ohs_volumes_mode(cfg->vols, i) == OHS_MOUNT_RO), &ok);
		append(mounts, m, &ok);
	}
	put(hc, "Mounts", mounts, &ok);
	if (ok != 1)
		goto fail;

	pb = json_object();
	for (i = 0; pb && i < nports; i++) {
		char *key = port_key(cfg->np, i);
		int hp = ohs_netpolicy_port_host(cfg->np, i);
		const char *ip = ohs_netpolicy_port_host_ip(cfg->np, i);
		char hps[16] = "";
		json_t *b, *list;

		if (!key) {
			ok = 0;
			break;
		}
		if (hp > 0)
			snprintf(hps, sizeof(hps), "%d", hp);
		b = json_object();
		if (b) {
			put(b, "HostIp", jstr(ip ? ip : "", &ok), &ok);
			put(b, "HostPort", jstr(hps, &ok), &ok);
		}
		/* one binding per container port: ohs_netpolicy refuses duplicates */
		list = json_array();
		if (list)
			append(list, b, &ok);
		else
			json_decref(b);
		put(pb, key, list, &ok);
		free(key);
	}
	put(hc, "PortBindings", pb, &ok);
	put(hc, "NetworkMode", jstr(mode ? mode : "bridge", &ok), &ok);
	put(hc, "Init", json_boolean(cfg->init), &ok);
	if (cfg->memory > 0)
		put(hc, "Memory", json_integer((json_int_t)cfg->memory), &ok);
	if (cfg->nano_cpus > 0)
		put(hc, "NanoCpus", json_integer((json_int_t)cfg->nano_cpus), &ok);
	if (cfg->pids > 0)
		put(hc, "PidsLimit", json_integer((json_int_t)cfg->pids), &ok);
	if (cfg->hc_extra && hc && ok == 1) {
		json_t *extra = json_loads(cfg->hc_extra, 0, NULL);

		if (!extra || json_object_update(hc, extra) != 0)
			ok = 0;
		json_decref(extra);
	}

	if (is_user_network(mode)) {
		json_t *nc = json_object(), *ec = json_object();

		if (ec)
			put(ec, mode, json_object(), &ok);
		if (nc)
			put(nc, "EndpointsConfig", ec, &ok);
		else
			json_decref(ec);
		put(body, "NetworkingConfig", nc, &ok);
	}
	if (ok != 1)
		goto fail;
	*out = body;
	return 0;
fail:
	json_decref(body);
	return render_error(ok);
}

static int dump(char **out, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);

	json_decref(v);
	if (!s)
		return ohs__error_oom();
	/* jansson allocates with malloc by default; copy anyway so that
	 * ohs_free() is right even if an application changed jansson's
	 * allocators. */
	*out = ohs__strdup(s);
	free(s);
	if (!*out)
		return ohs__error_oom();
	return 0;
}

int ohs_config_create_body(char **out, const ohs_config *cfg)
{
	json_t *body;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_create_body: out is NULL");
	*out = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_create_body: cfg is NULL");
	if ((rc = ohs__config_create_body_json(&body, cfg)) < 0)
		return rc;
	return dump(out, body);
}

int ohs_config_merge_host_config(ohs_config *cfg, const char *json)
{
	json_error_t jerr;
	json_t *obj, *merged;
	char *text;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_merge_host_config: cfg is NULL");
	if (!json)
		return ohs__error_set(OHS_EINVAL, "ohs_config_merge_host_config: json is NULL");
	obj = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return ohs__error_set(OHS_EINVAL,
			"ohs_config_merge_host_config: \"%.200s\" is not JSON (%s at %d:%d): "
			"expected an object of HostConfig fields such as {\"CapAdd\":[\"NET_ADMIN\"]}",
			json, jerr.text, jerr.line, jerr.column);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return ohs__error_set(OHS_EINVAL,
			"ohs_config_merge_host_config: \"%.200s\" is not a JSON object: "
			"expected an object of HostConfig fields such as {\"CapAdd\":[\"NET_ADMIN\"]}", json);
	}
	/* later merges add to (and override) earlier ones */
	merged = cfg->hc_extra ? json_loads(cfg->hc_extra, 0, NULL) : json_object();
	if (!merged || json_object_update(merged, obj) != 0) {
		json_decref(obj);
		json_decref(merged);
		return ohs__error_oom();
	}
	json_decref(obj);
	text = json_dumps(merged, JSON_COMPACT);
	json_decref(merged);
	if (!text)
		return ohs__error_oom();
	free(cfg->hc_extra);
	cfg->hc_extra = text;
	return 0;
}

const char *ohs_config_host_config_extra(const ohs_config *cfg)
{
	return cfg ? cfg->hc_extra : NULL;
}

ohs_policy *ohs_config_policy(ohs_config *cfg)
{
	return cfg ? cfg->policy : NULL;
}

int ohs_config_set_policy(ohs_config *cfg, const ohs_policy *policy)
{
	ohs_policy *copy = NULL;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_policy: cfg is NULL");
	if (!policy)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_policy: policy is NULL");
	if ((rc = ohs_policy_dup(&copy, policy)) < 0)
		return rc;
	if ((rc = ohs__config_set_origin(cfg, "profile", "ohs_config_set_policy")) < 0 ||
	    (rc = ohs__config_set_origin(cfg, "mode", "ohs_config_set_policy")) < 0) {
		ohs_policy_free(copy);
		return rc;
	}
	ohs_policy_free(cfg->policy);
	cfg->policy = copy;
	return 0;
}

/* ------------------------------------------------------------ floor and origins */

int ohs_config_set_floor(ohs_config *cfg, const ohs_floor *floor)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_floor: cfg is NULL");
	if (!floor)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_floor: floor is NULL; a floor can only be "
			"added to, never removed");
	if (!cfg->floor)
		return ohs_floor_dup(&cfg->floor, floor);
	return ohs_floor_merge(cfg->floor, floor);
}

const ohs_floor *ohs_config_floor(const ohs_config *cfg)
{
	return cfg ? cfg->floor : NULL;
}

static int origin_index(const char *setting)
{
	size_t i;

	for (i = 0; setting && i < OHS_ARRAY_SIZE(origin_settings); i++)
		if (strcmp(setting, origin_settings[i]) == 0)
			return (int)i;
	return -1;
}

const char *ohs_config_origin(const ohs_config *cfg, const char *setting)
{
	int i = origin_index(setting);

	if (!cfg || i < 0)
		return NULL;
	if (strcmp(setting, "host_paths") == 0 || strcmp(setting, "networks") == 0 ||
	    strcmp(setting, "runtime") == 0) {
		const char *o = ohs_floor_origin(cfg->floor, setting);

		return o ? o : "default";
	}
	return cfg->origins[i] ? cfg->origins[i] : "default";
}

size_t ohs_config_origin_count(const ohs_config *cfg)
{
	return cfg ? OHS_ARRAY_SIZE(origin_settings) : 0;
}

const char *ohs_config_origin_setting(const ohs_config *cfg, size_t i)
{
	return cfg && i < OHS_ARRAY_SIZE(origin_settings) ? origin_settings[i] : NULL;
}

int ohs__config_set_origin(ohs_config *cfg, const char *setting, const char *origin)
{
	int i = origin_index(setting);
	char *s = NULL;

	if (!cfg || i < 0)
		return ohs__error_set(OHS_EINVAL, "unknown setting \"%s\"", setting ? setting : "(null)");
	if (origin && !(s = ohs__strdup(origin)))
		return ohs__error_oom();
	free(cfg->origins[i]);
	cfg->origins[i] = s;
	return 0;
}

/*
 * The floor's checks on the body the policy accepted (it may add
 * HostConfig.Runtime); on refusal *body is freed.
 */
static int apply_floor(char **body, const ohs_config *cfg)
{
	json_t *b;
	int rc;

	if (!cfg->floor || !*body)
		return 0;
	if (!(b = json_loads(*body, JSON_REJECT_DUPLICATES, NULL))) {
		rc = ohs__error_set(OHS_EPOLICY, "floor: the create body cannot be parsed; refusing it");
		goto refuse;
	}
	rc = ohs__floor_apply(b, cfg->floor, cfg->np);
	if (rc == 0) {
		char *s = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char *d = s ? ohs__strdup(s) : NULL;

		free(s);
		json_decref(b);
		if (!d) {
			rc = ohs__error_oom();
			goto refuse;
		}
		free(*body);
		*body = d;
		return 0;
	}
	json_decref(b);
refuse:
	free(*body);
	*body = NULL;
	return rc;
}

int ohs_config_apply_policy(char **out_body, ohs_findings **out_findings, const ohs_config *cfg)
{
	char *raw = NULL, *body = NULL;
	ohs_findings *f = NULL;
	int rc;

	if (out_body)
		*out_body = NULL;
	if (out_findings)
		*out_findings = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_apply_policy: cfg is NULL");
	if ((rc = ohs_config_create_body(&raw, cfg)) < 0)
		return rc;
	/* The floor first: a policy weaker than it never decides (findings are still reported). */
	if ((rc = ohs__floor_check_policy(cfg->floor, cfg->policy)) < 0) {
		ohs__error_state *st = ohs__error_save();

		if (ohs_policy_check(&f, cfg->policy, raw) < 0)
			f = NULL;
		ohs__error_restore(st);
	} else {
		rc = ohs_policy_apply(&body, &f, cfg->policy, raw);
		if (rc == 0)
			rc = apply_floor(&body, cfg);
	}
	free(raw);
	if (out_findings)
		*out_findings = f;
	else
		ohs_findings_free(f);
	if (out_body)
		*out_body = body;
	else
		free(body);
	return rc;
}

/* The "security" object of ohs_config_to_json; replaces *body with the
 * policy's body when the policy accepts it. */
static int security_json(json_t **out, json_t **body, const ohs_config *cfg)
{
	char *applied = NULL, *fjson = NULL, *refusal = NULL;
	ohs_findings *f = NULL;
	json_t *sec, *nb;
	int rc, refused, ok = 1;

	*out = NULL;
	rc = ohs_config_apply_policy(&applied, &f, cfg);
	if (rc < 0 && rc != OHS_EPOLICY) {
		ohs_findings_free(f);
		return rc;
	}
	refused = rc == OHS_EPOLICY;
	if (refused && !(refusal = ohs__strdup(ohs_error_last() ? ohs_error_last() : ""))) {
		ohs_findings_free(f);
		free(applied);
		return ohs__error_oom();
	}
	if ((rc = ohs_findings_to_json(&fjson, f)) < 0) {
		free(refusal);
		ohs_findings_free(f);
		free(applied);
		return rc;
	}
	/* {profile, mode, refused, findings: [...]} plus whether it blocks. */
	sec = json_loads(fjson, 0, NULL);
	free(fjson);
	if (!sec) {
		free(refusal);
		ohs_findings_free(f);
		free(applied);
		return ohs__error_oom();
	}
	put(sec, "blocked", json_boolean(refused), &ok);
	if (refusal)
		put(sec, "refusal", jstr(refusal, &ok), &ok);
	free(refusal);
	ohs_findings_free(f);
	if (applied && (nb = json_loads(applied, 0, NULL)) != NULL) {
		json_decref(*body);
		*body = nb;
	}
	free(applied);
	if (ok != 1) {
		json_decref(sec);
		return render_error(ok);
	}
	*out = sec;
	return 0;
}

/* {"system_file", "profile", "mode", "host_paths", "networks", "runtime"}: null when free. */
static json_t *floor_json(const ohs_config *cfg, int *ok)
{
	const ohs_floor *f = cfg->floor;
	json_t *o = json_object(), *arr;
	size_t i;

	if (!o)
		return NULL;
	put(o, "system_file", jstr(ohs_floor_system_path(), ok), ok);
	put(o, "profile", ohs_floor_profile(f) ? jstr(ohs_floor_profile(f), ok) : json_null(), ok);
	put(o, "mode", ohs_floor_mode(f) ? jstr(ohs_floor_mode(f), ok) : json_null(), ok);
	arr = ohs_floor_has_host_paths(f) ? json_array() : json_null();
	for (i = 0; json_is_array(arr) && i < ohs_floor_host_path_count(f); i++)
		append(arr, jstr(ohs_floor_host_path(f, i), ok), ok);
	put(o, "host_paths", arr, ok);
	arr = ohs_floor_has_networks(f) ? json_array() : json_null();
	for (i = 0; json_is_array(arr) && i < ohs_floor_network_count(f); i++)
		append(arr, jstr(ohs_floor_network(f, i), ok), ok);
	put(o, "networks", arr, ok);
	put(o, "runtime", ohs_floor_runtime(f) ? jstr(ohs_floor_runtime(f), ok) : json_null(), ok);
	return o;
}

int ohs_config_to_json(char **out, const ohs_config *cfg)
{
	json_t *o, *arr, *obj, *net, *ports, *lim, *body;
	size_t i;
	int ok, rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_to_json: out is NULL");
	*out = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_to_json: cfg is NULL");
	if ((rc = ohs__config_create_body_json(&body, cfg)) < 0)
		return rc;
	o = json_object();
	ok = o != NULL;
	if (!ok) {
		json_decref(body);
		return ohs__error_oom();
	}
	put(o, "image", jstr(cfg->image, &ok), &ok);
	put(o, "user", jstr(cfg->user, &ok), &ok);
	put(o, "workdir", jstr(cfg->workdir, &ok), &ok);
	arr = json_array();
	for (i = 0; arr && i < cfg->cmd.n; i++)
		append(arr, jstr(cfg->cmd.v[i], &ok), &ok);
	put(o, "command", arr, &ok);

	arr = json_array();
	for (i = 0; arr && i < ohs_volumes_count(cfg->vols); i++) {
		json_t *v = json_object();

		if (!v) {
			ok = 0;
			break;
		}
		put(v, "type", jstr(ohs_volumes_type(cfg->vols, i) == OHS_MOUNT_VOLUME ?
			"volume" : "bind", &ok), &ok);
		put(v, "source", jstr(ohs_volumes_source(cfg->vols, i), &ok), &ok);
		put(v, "target", jstr(ohs_volumes_target(cfg->vols, i), &ok), &ok);
		put(v, "mode", jstr(ohs_volumes_mode(cfg->vols, i) == OHS_MOUNT_RO ?
			"ro" : "rw", &ok), &ok);
		append(arr, v, &ok);
	}
	put(o, "volumes", arr, &ok);

	net = json_object();
	put(o, "network", net, &ok);
	if (net) {
		const char *ba = ohs_netpolicy_binding_address(cfg->np);
		const char *mode = ohs_netpolicy_mode(cfg->np);

		put(net, "mode", jstr(mode ? mode : "bridge", &ok), &ok);
		put(net, "binding_address", jstr(ba ? ba : "", &ok), &ok);
		put(net, "internal", json_boolean(ohs_netpolicy_internal(cfg->np) > 0), &ok);
		arr = json_array();
		for (i = 0; arr && i < ohs_netpolicy_network_count(cfg->np); i++)
			append(arr, jstr(ohs_netpolicy_network(cfg->np, i), &ok), &ok);
		put(net, "additional_networks", arr, &ok);
		ports = json_array();
		for (i = 0; ports && i < ohs_netpolicy_port_count(cfg->np); i++) {
			json_t *p = json_object();
			const char *proto = ohs_netpolicy_port_protocol(cfg->np, i);
			const char *ip = ohs_netpolicy_port_host_ip(cfg->np, i);

			if (!p) {
				ok = 0;
				break;
			}
			put(p, "container_port", json_integer(ohs_netpolicy_port_container(cfg->np, i)), &ok);
			put(p, "protocol", jstr(proto ? proto : "tcp", &ok), &ok);
			put(p, "host_ip", jstr(ip ? ip : "", &ok), &ok);
			put(p, "host_port", json_integer(ohs_netpolicy_port_host(cfg->np, i)), &ok);
			append(ports, p, &ok);
		}
		put(net, "ports", ports, &ok);
	}

	arr = json_array();
	for (i = 0; arr && i < cfg->env.n; i++)
		append(arr, jenv(cfg->env.v[i], &ok), &ok);
	put(o, "env", arr, &ok);

	obj = json_object();
	for (i = 0; obj && i < cfg->label_keys.n; i++)
		put(obj, cfg->label_keys.v[i], jstr(cfg->label_values.v[i], &ok), &ok);
	put(o, "labels", obj, &ok);

	lim = json_object();
	if (lim) {
		put(lim, "memory", json_integer((json_int_t)cfg->memory), &ok);
		put(lim, "nano_cpus", json_integer((json_int_t)cfg->nano_cpus), &ok);
		put(lim, "pids", json_integer((json_int_t)cfg->pids), &ok);
	}
	put(o, "limits", lim, &ok);
	put(o, "init", json_boolean(cfg->init), &ok);
	put(o, "override_command", jstr(override_names[cfg->override_cmd], &ok), &ok);

	arr = json_array();
	for (i = 0; arr && i < cfg->warnings.n; i++)
		append(arr, jstr(cfg->warnings.v[i], &ok), &ok);
	put(o, "warnings", arr, &ok);
	if ((rc = security_json(&obj, &body, cfg)) < 0) {
		json_decref(o);
		json_decref(body);
		return rc;
	}
	put(o, "security", obj, &ok);
	put(o, "floor", floor_json(cfg, &ok), &ok);
	obj = json_object();
	for (i = 0; obj && i < OHS_ARRAY_SIZE(origin_settings); i++)
		put(obj, origin_settings[i], jstr(ohs_config_origin(cfg, origin_settings[i]), &ok), &ok);
	put(o, "origins", obj, &ok);
	put(o, "create_body", body, &ok);
	if (ok != 1) {
		json_decref(o);
		return render_error(ok);
	}
	return dump(out, o);
}

/* ------------------------------------------------------------ API 1.1 additions */

const ohs_volumes *ohs_config_volumes_const(const ohs_config *cfg)
{
	return cfg ? cfg->vols : NULL;
}

const ohs_netpolicy *ohs_config_netpolicy_const(const ohs_config *cfg)
{
	return cfg ? cfg->np : NULL;
}

const ohs_policy *ohs_config_policy_const(const ohs_config *cfg)
{
	return cfg ? cfg->policy : NULL;
}
