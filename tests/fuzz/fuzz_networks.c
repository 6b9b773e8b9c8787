/*
 * fuzz_networks: SANDBOX_ADDITIONAL_NETWORKS (ohs_netpolicy_parse_networks,
 * JSON or Python-literal list) on the first line of the input, and port
 * specifications (ohs_netpolicy_parse_port) on each following line.
 * Every accepted value must be readable back and survive ohs_netpolicy_dup().
 */
#include "fuzz_common.h"

static void check_readable(const ohs_netpolicy *np)
{
	size_t i, n = ohs_netpolicy_network_count(np);

	for (i = 0; i < n; i++)
		if (!ohs_netpolicy_network(np, i) || !*ohs_netpolicy_network(np, i))
			fuzz_fail("network %zu is NULL or empty", i);
	if (ohs_netpolicy_network(np, n))
		fuzz_fail("network past the end is not NULL");
	n = ohs_netpolicy_port_count(np);
	for (i = 0; i < n; i++) {
		int c = ohs_netpolicy_port_container(np, i), h = ohs_netpolicy_port_host(np, i);
		const char *proto = ohs_netpolicy_port_protocol(np, i);

		if (c < 1 || c > 65535)
			fuzz_fail("port %zu: container port %d out of range", i, c);
		if (h < 0 || h > 65535)
			fuzz_fail("port %zu: host port %d out of range", i, h);
		if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp")))
			fuzz_fail("port %zu: protocol \"%s\"", i, proto ? proto : "(null)");
		if (!ohs_netpolicy_port_host_ip(np, i))
			fuzz_fail("port %zu: host ip is NULL", i);
	}
}

static void check_same(const ohs_netpolicy *a, const ohs_netpolicy *b)
{
	size_t i;

	if (ohs_netpolicy_network_count(a) != ohs_netpolicy_network_count(b) ||
	    ohs_netpolicy_port_count(a) != ohs_netpolicy_port_count(b))
		fuzz_fail("dup changed the counts");
	for (i = 0; i < ohs_netpolicy_network_count(a); i++)
		if (strcmp(ohs_netpolicy_network(a, i), ohs_netpolicy_network(b, i)))
			fuzz_fail("dup changed network %zu", i);
	for (i = 0; i < ohs_netpolicy_port_count(a); i++)
		if (ohs_netpolicy_port_container(a, i) != ohs_netpolicy_port_container(b, i) ||
		    ohs_netpolicy_port_host(a, i) != ohs_netpolicy_port_host(b, i) ||
		    strcmp(ohs_netpolicy_port_protocol(a, i), ohs_netpolicy_port_protocol(b, i)) ||
		    strcmp(ohs_netpolicy_port_host_ip(a, i), ohs_netpolicy_port_host_ip(b, i)))
			fuzz_fail("dup changed port %zu", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *line, *nl;
	ohs_netpolicy *np = NULL, *copy = NULL;
	size_t before;
	int rc;

	if (ohs_netpolicy_new(&np) < 0)
		fuzz_fail("ohs_netpolicy_new: %s", ohs_error_last());

	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	ohs_error_clear();
	rc = ohs_netpolicy_parse_networks(np, text);
	fuzz_check_error(rc, "ohs_netpolicy_parse_networks");
	if (rc < 0 && ohs_netpolicy_network_count(np) != 0)
		fuzz_fail("parse_networks failed but left %zu networks",
			ohs_netpolicy_network_count(np));

	for (line = nl ? nl + 1 : NULL; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		before = ohs_netpolicy_port_count(np);
		ohs_error_clear();
		rc = ohs_netpolicy_parse_port(np, line);
		fuzz_check_error(rc, "ohs_netpolicy_parse_port");
		if (rc < 0 && ohs_netpolicy_port_count(np) != before)
			fuzz_fail("parse_port failed but changed the port count");
		if (rc >= 0 && ohs_netpolicy_port_count(np) != before + 1)
			fuzz_fail("parse_port succeeded but did not add exactly one port");
	}

	check_readable(np);
	if (ohs_netpolicy_dup(&copy, np) < 0)
		fuzz_fail("ohs_netpolicy_dup: %s", ohs_error_last());
	check_same(np, copy);
	ohs_netpolicy_free(copy);
	ohs_netpolicy_free(np);
	free(text);
	return 0;
}
