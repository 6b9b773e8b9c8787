/*
 * netpolicy: binding address, network mode, additional networks and
 * published ports.  Pure: no I/O, no engine.  See ohs_netpolicy_new(3).
 */
#include "internal.h"
#include "config_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#define NP_DEFAULT_BINDING "0.0.0.0"
#define NP_DEFAULT_MODE "bridge"
/* A library limit: the engine itself sets none, but no sane name is longer. */
#define NP_NAME_MAX 255

#define NP_NAME_RULE "a letter or digit followed by letters, digits, \"_\", \".\" or \"-\", at most 255 characters"
#define NP_ADDR_EXPECTED "expected e.g. 127.0.0.1, 0.0.0.0 or ::1"
#define NP_NETS_VAR "SANDBOX_ADDITIONAL_NETWORKS"
#define NP_NETS_EXPECTED "expected a JSON array of network names such as [\"net1\", \"net2\"]"
#define NP_PORT_EXPECTED "expected [IP:]HOSTPORT:CONTAINERPORT[/PROTO] or CONTAINERPORT[/PROTO], e.g. 127.0.0.1:8080:80/tcp"

struct np_port {
	int container;
	const char *proto;  /* static: "tcp", "udp" or "sctp" */
	char *host_ip;      /* NULL: follows the binding address */
	int host_port;      /* 0: the engine picks */
};

struct ohs_netpolicy {
	char *binding;
	char *mode;
	int internal;
	ohs__strvec networks;
	struct np_port *ports;
	size_t nports, cap;
};

/* ---- helpers ---------------------------------------------------------- */

/*
 * Validate an IP literal, optionally "[v6]"; on success *out is a new string
 * holding the address without brackets.  `what` names the input in messages.
 */
static int np_parse_ip(char **out, const char *addr, const char *what)
{
	unsigned char buf[sizeof(struct in6_addr)];
	size_t len = strlen(addr);
	char *ip;

	if (len == 0)
		return ohs__error_set(OHS_EINVAL,
			"%s is empty (" NP_ADDR_EXPECTED ")", what);
	if (addr[0] == '[') {
		if (len < 3 || addr[len - 1] != ']')
			return ohs__error_set(OHS_EINVAL,
				"%s \"%s\" has an unbalanced \"[\" (expected an IPv6 literal in brackets, e.g. [::1])",
				what, addr);
		ip = ohs__strndup(addr + 1, len - 2);
		if (!ip)
			return ohs__error_oom();
		if (inet_pton(AF_INET6, ip, buf) != 1) {
			free(ip);
			return ohs__error_set(OHS_EINVAL,
				"%s \"%s\" is not an IPv6 literal in brackets (expected e.g. [::1])",
				what, addr);
		}
	} else {
		if (inet_pton(AF_INET, addr, buf) != 1 &&
		    inet_pton(AF_INET6, addr, buf) != 1)
			return ohs__error_set(OHS_EINVAL,
				"%s \"%s\" is not an IPv4 or IPv6 literal (" NP_ADDR_EXPECTED ")",
				what, addr);
		if (!(ip = ohs__strdup(addr)))
			return ohs__error_oom();
	}
	*out = ip;
	return 0;
}

/* Docker's restricted name characters: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
static int np_name_ok(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > NP_NAME_MAX || !isalnum((unsigned char)name[0]))
		return 0;
	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			return 0;
	}
	return 1;
}

/* Validate an additional network name; sets the message on error. */
static int np_check_network(const char *name)
{
	if (!*name)
		return ohs__error_set(OHS_EINVAL,
			"network name is empty (expected " NP_NAME_RULE ")");
	if (!np_name_ok(name))
		return ohs__error_set(OHS_EINVAL,
			"network name \"%s\" is invalid (expected " NP_NAME_RULE ")", name);
	if (!strcmp(name, "host") || !strcmp(name, "none"))
		return ohs__error_set(OHS_EINVAL,
			"network \"%s\" cannot be an additional network (set it as the network mode instead)",
			name);
	return 0;
}

static int np_strvec_has(const ohs__strvec *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

/* Parse a decimal port number "0".."65535"; -1 when not a number. */
static long np_number(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return len > 5 && strspn(s, "0123456789") >= len ? 65536 : -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static const char *np_proto(const char *p)
{
	if (!p || !strcasecmp(p, "tcp"))
		return "tcp";
	if (!strcasecmp(p, "udp"))
		return "udp";
	if (!strcasecmp(p, "sctp"))
		return "sctp";
	return NULL;
}

/* ---- lifecycle -------------------------------------------------------- */

int ohs_netpolicy_new(ohs_netpolicy **out)
{
	ohs_netpolicy *np;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_new: out is NULL");
	*out = NULL;
	if (!(np = calloc(1, sizeof(*np))))
		return ohs__error_oom();
	np->binding = ohs__strdup(NP_DEFAULT_BINDING);
	np->mode = ohs__strdup(NP_DEFAULT_MODE);
	if (!np->binding || !np->mode) {
		ohs_netpolicy_free(np);
		return ohs__error_oom();
	}
	*out = np;
	return 0;
}

void ohs_netpolicy_free(ohs_netpolicy *np)
{
	size_t i;

	if (!np)
		return;
	free(np->binding);
	free(np->mode);
	ohs__strvec_clear(&np->networks);
	for (i = 0; i < np->nports; i++)
		free(np->ports[i].host_ip);
	free(np->ports);
	free(np);
}

int ohs_netpolicy_dup(ohs_netpolicy **out, const ohs_netpolicy *np)
{
	ohs_netpolicy *c;
	size_t i;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_dup: out is NULL");
	*out = NULL;
	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_dup: np is NULL");
	if (!(c = calloc(1, sizeof(*c))))
		return ohs__error_oom();
	c->internal = np->internal;
	if (!(c->binding = ohs__strdup(np->binding)) ||
	    !(c->mode = ohs__strdup(np->mode)) ||
	    ohs__strvec_dup(&c->networks, &np->networks) < 0)
		goto oom;
	if (np->nports) {
		if (!(c->ports = calloc(np->nports, sizeof(*c->ports))))
			goto oom;
		c->cap = np->nports;
		for (i = 0; i < np->nports; i++) {
			c->ports[i] = np->ports[i];
			c->ports[i].host_ip = NULL;
			c->nports = i + 1;
			if (np->ports[i].host_ip &&
			    !(c->ports[i].host_ip = ohs__strdup(np->ports[i].host_ip)))
				goto oom;
		}
	}
	*out = c;
	return 0;
oom:
	ohs_netpolicy_free(c);
	return ohs__error_oom();
}

/* ---- binding address, mode, internal ---------------------------------- */

int ohs_netpolicy_set_binding_address(ohs_netpolicy *np, const char *addr)
{
	char *ip;
	int rc;

	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_set_binding_address: np is NULL");
	if (!addr)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_set_binding_address: addr is NULL");
	if ((rc = np_parse_ip(&ip, addr, "binding address")) < 0)
		return rc;
	free(np->binding);
	np->binding = ip;
	return 0;
}

const char *ohs_netpolicy_binding_address(const ohs_netpolicy *np)
{
	return np ? np->binding : NULL;
}

int ohs_netpolicy_set_mode(ohs_netpolicy *np, const char *mode)
{
	char *m;

	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_set_mode: np is NULL");
	if (!mode)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_set_mode: mode is NULL");
	if (!*mode)
		return ohs__error_set(OHS_EINVAL,
			"network mode is empty (expected \"none\", \"bridge\", \"host\" or a network name: " NP_NAME_RULE ")");
	if (!strncmp(mode, "container:", 10))
		return ohs__error_set(OHS_EINVAL,
			"network mode \"%s\" (sharing another container's network) is not supported "
			"(expected \"none\", \"bridge\", \"host\" or a network name)", mode);
	if (!np_name_ok(mode))
		return ohs__error_set(OHS_EINVAL,
			"network mode \"%s\" is not valid (expected \"none\", \"bridge\", \"host\" or a network name: "
			NP_NAME_RULE ")", mode);
	if (!(m = ohs__strdup(mode)))
		return ohs__error_oom();
	free(np->mode);
	np->mode = m;
	return 0;
}

const char *ohs_netpolicy_mode(const ohs_netpolicy *np)
{
	return np ? np->mode : NULL;
}

int ohs_netpolicy_set_internal(ohs_netpolicy *np, int internal)
{
	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_set_internal: np is NULL");
	np->internal = internal ? 1 : 0;
	return 0;
}

int ohs_netpolicy_internal(const ohs_netpolicy *np)
{
	return np ? np->internal : -1;
}

int ohs__netpolicy_is_user_network(const char *mode)
{
	return mode && *mode && strcmp(mode, "none") && strcmp(mode, "bridge") &&
		strcmp(mode, "host") && strcmp(mode, "default") &&
		strncmp(mode, "container:", 10) != 0;
}

int ohs__netpolicy_check_internal(const ohs_netpolicy *np)
{
	const char *m = np ? np->mode : NULL;

	if (!np || !np->internal || !m)
		return 0;
	if (!strcmp(m, "bridge") || !strcmp(m, "default"))
		return ohs__error_set(OHS_EINVAL, "SANDBOX_NETWORK_INTERNAL=true cannot be honoured on "
			"network \"%s\" (the engine's default bridge, which always reaches outside the host); "
			"set SANDBOX_NETWORK to the name of a network for the library to create internal, "
			"or to \"none\" for no network at all", m);
	if (!strcmp(m, "host"))
		return ohs__error_set(OHS_EINVAL, "SANDBOX_NETWORK_INTERNAL=true cannot be honoured on "
			"network \"host\" (the host's own network); set SANDBOX_NETWORK to the name of a "
			"network for the library to create internal, or to \"none\" for no network at all");
	return 0;
}

/* ---- additional networks ---------------------------------------------- */

int ohs_netpolicy_add_network(ohs_netpolicy *np, const char *name)
{
	int rc;

	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_add_network: np is NULL");
	if (!name)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_add_network: name is NULL");
	if ((rc = np_check_network(name)) < 0)
		return rc;
	if (np_strvec_has(&np->networks, name))
		return 0;
	return ohs__strvec_push(&np->networks, name);
}

static int np_nets_error(const char *value, const char *what)
{
	if (what)
		return ohs__error_set(OHS_EINVAL, NP_NETS_VAR " (\"%s\"): %s; " NP_NETS_EXPECTED,
			value, what);
	return ohs__error_set(OHS_EINVAL, NP_NETS_VAR " (\"%s\"): " NP_NETS_EXPECTED, value);
}

static const char *np_json_type(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	default: return "not a string";
	}
}

/* Collect the names of a JSON array into *names. 1: not JSON, 0: ok, <0: error. */
static int np_nets_json(ohs__strvec *names, const char *value)
{
	json_error_t jerr;
	json_t *root, *el;
	size_t i;
	int rc = 0;
	char what[128];

	root = json_loads(value, JSON_DECODE_ANY, &jerr);
	if (!root)
		return 1;
	if (!json_is_array(root)) {
		snprintf(what, sizeof(what), "the value is %s, not an array", np_json_type(root));
		rc = np_nets_error(value, what);
		goto out;
	}
	json_array_foreach(root, i, el) {
		if (!json_is_string(el)) {
			snprintf(what, sizeof(what), "element %zu is %s, not a string",
				i + 1, np_json_type(el));
			rc = np_nets_error(value, what);
			goto out;
		}
		if ((rc = ohs__strvec_push(names, json_string_value(el))) < 0)
			goto out;
	}
out:
	json_decref(root);
	return rc;
}

static const char *np_skip_ws(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

/* The Python-literal form: ['a', "b",] with optional whitespace. */
static int np_nets_python(ohs__strvec *names, const char *value)
{
	const char *p = np_skip_ws(value);
	size_t n = 0;
	char what[128];
	int rc;

	if (*p != '[')
		return np_nets_error(value, NULL);
	p = np_skip_ws(p + 1);
	while (*p != ']') {
		ohs__buf b = {0};
		char q;

		if (!*p)
			return np_nets_error(value, "missing closing \"]\"");
		if (*p != '\'' && *p != '"') {
			snprintf(what, sizeof(what),
				"element %zu is not a quoted string", n + 1);
			return np_nets_error(value, what);
		}
		q = *p++;
		while (*p && *p != q) {
			if (*p == '\\' && p[1])
				p++;
			if ((rc = ohs__buf_append(&b, p, 1)) < 0) {
				ohs__buf_clear(&b);
				return rc;
			}
			p++;
		}
		if (!*p) {
			ohs__buf_clear(&b);
			snprintf(what, sizeof(what),
				"element %zu has an unterminated %s quote", n + 1,
				q == '"' ? "double" : "single");
			return np_nets_error(value, what);
		}
		if ((rc = ohs__strvec_push_owned(names, ohs__buf_detach(&b))) < 0)
			return rc;
		n++;
		p = np_skip_ws(p + 1);
		if (*p == ',')
			p = np_skip_ws(p + 1);
		else if (*p && *p != ']') {
			snprintf(what, sizeof(what),
				"expected \",\" or \"]\" after element %zu", n);
			return np_nets_error(value, what);
		}
	}
	p = np_skip_ws(p + 1);
	if (*p)
		return np_nets_error(value, "unexpected text after the closing \"]\"");
	return 0;
}

int ohs_netpolicy_parse_networks(ohs_netpolicy *np, const char *value)
{
	ohs__strvec names = {0}, merged = {0};
	size_t i;
	int rc;

	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_parse_networks: np is NULL");
	if (!value)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_parse_networks: value is NULL");
	if (!*np_skip_ws(value))
		return 0;

	rc = np_nets_json(&names, value);
	if (rc > 0) {
		ohs__strvec_clear(&names);
		rc = np_nets_python(&names, value);
	}
	if (rc < 0)
		goto out;

	for (i = 0; i < names.n; i++) {
		if ((rc = np_check_network(names.v[i])) < 0) {
			char *prefix = ohs__sprintf(NP_NETS_VAR " (\"%s\"): element %zu", value, i + 1);

			if (!prefix) {
				rc = ohs__error_oom();
				goto out;
			}
			ohs__error_prefix(prefix);
			free(prefix);
			goto out;
		}
	}

	/* Build the new list aside, then swap: nothing changes on error. */
	if ((rc = ohs__strvec_dup(&merged, &np->networks)) < 0)
		goto out;
	for (i = 0; i < names.n; i++) {
		if (np_strvec_has(&merged, names.v[i]))
			continue;
		if ((rc = ohs__strvec_push(&merged, names.v[i])) < 0)
			goto out;
	}
	ohs__strvec_clear(&np->networks);
	np->networks = merged;
	merged = (ohs__strvec){0};
out:
	ohs__strvec_clear(&names);
	ohs__strvec_clear(&merged);
	return rc;
}

size_t ohs_netpolicy_network_count(const ohs_netpolicy *np)
{
	return np ? np->networks.n : 0;
}

const char *ohs_netpolicy_network(const ohs_netpolicy *np, size_t i)
{
	return np ? ohs__strvec_at(&np->networks, i) : NULL;
}

/* ---- ports ------------------------------------------------------------ */

static int np_same_host_ip(const struct np_port *a, const char *host_ip)
{
	if (!a->host_ip || !host_ip)
		return !a->host_ip && !host_ip;
	return !strcmp(a->host_ip, host_ip);
}

static int np_add_port(ohs_netpolicy *np, int container_port, const char *protocol,
	const char *host_ip, int host_port)
{
	const char *proto;
	char *ip = NULL;
	size_t i;
	int rc;

	if (container_port < 1 || container_port > 65535)
		return ohs__error_set(OHS_EINVAL,
			"container port %d is out of range (expected 1..65535)", container_port);
	if (host_port < 0 || host_port > 65535)
		return ohs__error_set(OHS_EINVAL,
			"host port %d is out of range (expected 0..65535, 0 lets the engine choose)",
			host_port);
	if (!(proto = np_proto(protocol)))
		return ohs__error_set(OHS_EINVAL,
			"protocol \"%s\" is not supported (expected \"tcp\", \"udp\" or \"sctp\")",
			protocol);
	if (host_ip && (rc = np_parse_ip(&ip, host_ip, "host IP")) < 0)
		return rc;

	for (i = 0; i < np->nports; i++) {
		const struct np_port *p = &np->ports[i];

		if (p->container == container_port && p->proto == proto) {
			free(ip);
			return ohs__error_set(OHS_EINVAL,
				"container port %d/%s is already published (expected each container port/protocol once)",
				container_port, proto);
		}
		if (host_port && p->host_port == host_port && p->proto == proto &&
		    np_same_host_ip(p, ip)) {
			ohs__error_set(OHS_EINVAL,
				"host port %s%s%d/%s is already used by container port %d (expected each host IP/port once)",
				ip ? ip : "", ip ? ":" : "", host_port, proto, p->container);
			free(ip);
			return OHS_EINVAL;
		}
	}

	if (np->nports == np->cap) {
		size_t cap = np->cap ? np->cap * 2 : 4;
		struct np_port *v = realloc(np->ports, cap * sizeof(*v));

		if (!v) {
			free(ip);
			return ohs__error_oom();
		}
		np->ports = v;
		np->cap = cap;
	}
	np->ports[np->nports].container = container_port;
	np->ports[np->nports].proto = proto;
	np->ports[np->nports].host_ip = ip;
	np->ports[np->nports].host_port = host_port;
	np->nports++;
	return 0;
}

int ohs_netpolicy_add_port(ohs_netpolicy *np, int container_port,
	const char *protocol, const char *host_ip, int host_port)
{
	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_add_port: np is NULL");
	return np_add_port(np, container_port, protocol, host_ip, host_port);
}

static int np_spec_error(const char *spec, const char *what)
{
	return ohs__error_set(OHS_EINVAL, "port spec \"%s\": %s; " NP_PORT_EXPECTED, spec, what);
}

int ohs_netpolicy_parse_port(ohs_netpolicy *np, const char *spec)
{
	const char *end, *slash, *rest, *c1, *c2, *hp, *cp;
	char *ip = NULL, *prefix;
	size_t hplen, cplen;
	long host = 0, cont;
	char what[256];
	int rc;

	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_parse_port: np is NULL");
	if (!spec)
		return ohs__error_set(OHS_EINVAL, "ohs_netpolicy_parse_port: spec is NULL");
	if (!*spec)
		return np_spec_error(spec, "the spec is empty");

	end = spec + strlen(spec);
	slash = strrchr(spec, '/');
	if (slash) {
		if (!np_proto(slash + 1)) {
			snprintf(what, sizeof(what),
				"protocol \"%s\" is not supported (expected tcp, udp or sctp)", slash + 1);
			return np_spec_error(spec, what);
		}
		end = slash;
	}

	rest = spec;
	if (*spec == '[') {
		const char *rb = memchr(spec, ']', end - spec);

		if (!rb)
			return np_spec_error(spec, "missing \"]\" after the IPv6 address");
		if (rb[1] != ':')
			return np_spec_error(spec, "expected \":HOSTPORT:CONTAINERPORT\" after the IPv6 address");
		if (!(ip = ohs__strndup(spec, rb - spec + 1)))
			return ohs__error_oom();
		rest = rb + 2;
		c1 = memchr(rest, ':', end - rest);
		if (!c1) {
			free(ip);
			return np_spec_error(spec, "expected \":HOSTPORT:CONTAINERPORT\" after the IPv6 address");
		}
		hp = rest;
		hplen = c1 - rest;
		cp = c1 + 1;
	} else {
		c1 = memchr(rest, ':', end - rest);
		c2 = c1 ? memchr(c1 + 1, ':', end - (c1 + 1)) : NULL;
		if (c2 && memchr(c2 + 1, ':', end - (c2 + 1)))
			return np_spec_error(spec,
				"too many \":\" (write an IPv6 address in brackets, e.g. [::1]:8080:80)");
		if (!c1) {
			hp = NULL;
			hplen = 0;
			cp = rest;
		} else if (!c2) {
			hp = rest;
			hplen = c1 - rest;
			cp = c1 + 1;
		} else {
			if (c1 > rest && !(ip = ohs__strndup(rest, c1 - rest)))
				return ohs__error_oom();
			hp = c1 + 1;
			hplen = c2 - hp;
			cp = c2 + 1;
		}
	}
	cplen = end - cp;
	if (memchr(cp, ':', cplen)) {
		free(ip);
		return np_spec_error(spec, "too many \":\"");
	}

	cont = np_number(cp, cplen);
	if (cont < 1 || cont > 65535) {
		snprintf(what, sizeof(what),
			"container port \"%.*s\" must be a number in 1..65535", (int)cplen, cp);
		free(ip);
		return np_spec_error(spec, what);
	}
	if (hp && hplen) {
		host = np_number(hp, hplen);
		if (host < 0 || host > 65535) {
			snprintf(what, sizeof(what),
				"host port \"%.*s\" must be a number in 0..65535 (0 or empty: the engine picks)", (int)hplen, hp);
			free(ip);
			return np_spec_error(spec, what);
		}
	}
	rc = np_add_port(np, (int)cont, slash ? slash + 1 : NULL, ip, (int)host);
	free(ip);
	if (rc < 0) {
		if (!(prefix = ohs__sprintf("port spec \"%s\"", spec)))
			return ohs__error_oom();
		ohs__error_prefix(prefix);
		free(prefix);
	}
	return rc;
}

size_t ohs_netpolicy_port_count(const ohs_netpolicy *np)
{
	return np ? np->nports : 0;
}

int ohs_netpolicy_port_container(const ohs_netpolicy *np, size_t i)
{
	return np && i < np->nports ? np->ports[i].container : -1;
}

const char *ohs_netpolicy_port_protocol(const ohs_netpolicy *np, size_t i)
{
	return np && i < np->nports ? np->ports[i].proto : NULL;
}

const char *ohs_netpolicy_port_host_ip(const ohs_netpolicy *np, size_t i)
{
	if (!np || i >= np->nports)
		return NULL;
	return np->ports[i].host_ip ? np->ports[i].host_ip : np->binding;
}

int ohs_netpolicy_port_host(const ohs_netpolicy *np, size_t i)
{
	return np && i < np->nports ? np->ports[i].host_port : -1;
}
