/*
 * netpolicy: binding address, mode, additional networks, ports.
 */
#include "internal.h"
#include "testutil.h"

static ohs_netpolicy *new_np(void)
{
	ohs_netpolicy *np = NULL;

	ck_assert_ohs_ok(ohs_netpolicy_new(&np));
	ck_assert_ptr_nonnull(np);
	return np;
}

/* ---- defaults, NULL handles ------------------------------------------- */

START_TEST(test_defaults)
{
	ohs_netpolicy *np = new_np();

	ck_assert_str_eq(ohs_netpolicy_binding_address(np), "0.0.0.0");
	ck_assert_str_eq(ohs_netpolicy_mode(np), "bridge");
	ck_assert_int_eq(ohs_netpolicy_internal(np), 0);
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), 0);
	ck_assert_uint_eq(ohs_netpolicy_port_count(np), 0);
	ck_assert_ptr_null(ohs_netpolicy_network(np, 0));
	ck_assert_int_eq(ohs_netpolicy_port_container(np, 0), -1);
	ck_assert_int_eq(ohs_netpolicy_port_host(np, 0), -1);
	ck_assert_ptr_null(ohs_netpolicy_port_protocol(np, 0));
	ck_assert_ptr_null(ohs_netpolicy_port_host_ip(np, 0));
	ohs_netpolicy_free(np);
}
END_TEST

START_TEST(test_null_args)
{
	ohs_netpolicy *np = new_np(), *out = (ohs_netpolicy *)1;

	ck_assert_ohs_error(ohs_netpolicy_new(NULL), OHS_EINVAL, "ohs_netpolicy_new: out is NULL");
	ck_assert_ohs_error(ohs_netpolicy_dup(NULL, np), OHS_EINVAL, "ohs_netpolicy_dup: out is NULL");
	ck_assert_ohs_error(ohs_netpolicy_dup(&out, NULL), OHS_EINVAL, "ohs_netpolicy_dup: np is NULL");
	ck_assert_ptr_null(out);
	ck_assert_ohs_error(ohs_netpolicy_set_binding_address(NULL, "::1"), OHS_EINVAL,
		"ohs_netpolicy_set_binding_address: np is NULL");
	ck_assert_ohs_error(ohs_netpolicy_set_binding_address(np, NULL), OHS_EINVAL,
		"ohs_netpolicy_set_binding_address: addr is NULL");
	ck_assert_ohs_error(ohs_netpolicy_set_mode(NULL, "host"), OHS_EINVAL,
		"ohs_netpolicy_set_mode: np is NULL");
	ck_assert_ohs_error(ohs_netpolicy_set_mode(np, NULL), OHS_EINVAL,
		"ohs_netpolicy_set_mode: mode is NULL");
	ck_assert_ohs_error(ohs_netpolicy_set_internal(NULL, 1), OHS_EINVAL,
		"ohs_netpolicy_set_internal: np is NULL");
	ck_assert_ohs_error(ohs_netpolicy_add_network(NULL, "a"), OHS_EINVAL,
		"ohs_netpolicy_add_network: np is NULL");
	ck_assert_ohs_error(ohs_netpolicy_add_network(np, NULL), OHS_EINVAL,
		"ohs_netpolicy_add_network: name is NULL");
	ck_assert_ohs_error(ohs_netpolicy_parse_networks(NULL, "[]"), OHS_EINVAL,
		"ohs_netpolicy_parse_networks: np is NULL");
	ck_assert_ohs_error(ohs_netpolicy_parse_networks(np, NULL), OHS_EINVAL,
		"ohs_netpolicy_parse_networks: value is NULL");
	ck_assert_ohs_error(ohs_netpolicy_add_port(NULL, 80, NULL, NULL, 0), OHS_EINVAL,
		"ohs_netpolicy_add_port: np is NULL");
	ck_assert_ohs_error(ohs_netpolicy_parse_port(NULL, "80"), OHS_EINVAL,
		"ohs_netpolicy_parse_port: np is NULL");
	ck_assert_ohs_error(ohs_netpolicy_parse_port(np, NULL), OHS_EINVAL,
		"ohs_netpolicy_parse_port: spec is NULL");

	/* getters on a NULL handle */
	ck_assert_ptr_null(ohs_netpolicy_binding_address(NULL));
	ck_assert_ptr_null(ohs_netpolicy_mode(NULL));
	ck_assert_int_eq(ohs_netpolicy_internal(NULL), -1);
	ck_assert_uint_eq(ohs_netpolicy_network_count(NULL), 0);
	ck_assert_ptr_null(ohs_netpolicy_network(NULL, 0));
	ck_assert_uint_eq(ohs_netpolicy_port_count(NULL), 0);
	ck_assert_int_eq(ohs_netpolicy_port_container(NULL, 0), -1);
	ck_assert_ptr_null(ohs_netpolicy_port_protocol(NULL, 0));
	ck_assert_ptr_null(ohs_netpolicy_port_host_ip(NULL, 0));
	ck_assert_int_eq(ohs_netpolicy_port_host(NULL, 0), -1);

	ohs_netpolicy_free(NULL);
	ohs_netpolicy_free(np);
}
END_TEST

/* ---- binding address -------------------------------------------------- */

static const struct {
	const char *in, *stored;
} good_addrs[] = {
	{ "127.0.0.1", "127.0.0.1" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "192.168.1.20", "192.168.1.20" },
	{ "::1", "::1" },
	{ "::", "::" },
	{ "fe80::1:2", "fe80::1:2" },
	{ "[::1]", "::1" },
	{ "[2001:db8::7]", "2001:db8::7" },
	{ "::ffff:127.0.0.1", "::ffff:127.0.0.1" },
};

START_TEST(test_binding_good)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, good_addrs[_i].in));
	ck_assert_str_eq(ohs_netpolicy_binding_address(np), good_addrs[_i].stored);
	ohs_netpolicy_free(np);
}
END_TEST

static const struct {
	const char *in, *needle;
} bad_addrs[] = {
	{ "localhost", "binding address \"localhost\" is not an IPv4 or IPv6 literal (expected e.g. 127.0.0.1, 0.0.0.0 or ::1)" },
	{ "example.com", "\"example.com\" is not an IPv4 or IPv6 literal" },
	{ "garbage!", "\"garbage!\" is not an IPv4 or IPv6 literal" },
	{ "256.1.1.1", "\"256.1.1.1\" is not an IPv4" },
	{ "127.0.0.1:80", "\"127.0.0.1:80\" is not an IPv4" },
	{ " 127.0.0.1", "\" 127.0.0.1\" is not an IPv4" },
	{ "", "binding address is empty (expected e.g. 127.0.0.1" },
	{ "[127.0.0.1]", "\"[127.0.0.1]\" is not an IPv6 literal in brackets" },
	{ "[::1", "\"[::1\" has an unbalanced \"[\"" },
	{ "[]", "\"[]\" has an unbalanced" },
	{ "::1]", "\"::1]\" is not an IPv4 or IPv6 literal" },
	{ "fe80::1%eth0", "\"fe80::1%eth0\" is not an IPv4" },
};

START_TEST(test_binding_bad)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	ck_assert_ohs_error(ohs_netpolicy_set_binding_address(np, bad_addrs[_i].in),
		OHS_EINVAL, bad_addrs[_i].needle);
	/* unchanged on error */
	ck_assert_str_eq(ohs_netpolicy_binding_address(np), "127.0.0.1");
	ohs_netpolicy_free(np);
}
END_TEST

/* ---- mode ------------------------------------------------------------- */

static const char *good_modes[] = {
	"none", "bridge", "host", "openhands-network", "my_net.1", "a", "9net",
	"myscope_openhands-sccache", "ohs-test-net",
};

START_TEST(test_mode_good)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, good_modes[_i]));
	ck_assert_str_eq(ohs_netpolicy_mode(np), good_modes[_i]);
	ohs_netpolicy_free(np);
}
END_TEST

static const struct {
	const char *in, *needle;
} bad_modes[] = {
	{ "container:abc123", "network mode \"container:abc123\" (sharing another container's network) is not supported" },
	{ "container:", "\"container:\" (sharing another container's network) is not supported" },
	{ "", "network mode is empty (expected \"none\", \"bridge\", \"host\" or a network name" },
	{ "bad name", "network mode \"bad name\" is not valid (expected \"none\", \"bridge\", \"host\" or a network name: a letter or digit" },
	{ "-net", "network mode \"-net\" is not valid" },
	{ "_net", "\"_net\" is not valid" },
	{ ".net", "\".net\" is not valid" },
	{ "net/1", "\"net/1\" is not valid" },
	{ "net:1", "\"net:1\" is not valid" },
	{ "n\xc3\xa9t", "is not valid" },
};

START_TEST(test_mode_bad)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_error(ohs_netpolicy_set_mode(np, bad_modes[_i].in), OHS_EINVAL,
		bad_modes[_i].needle);
	ck_assert_str_eq(ohs_netpolicy_mode(np), "bridge");
	ohs_netpolicy_free(np);
}
END_TEST

START_TEST(test_mode_name_length)
{
	ohs_netpolicy *np = new_np();
	char name[300];

	memset(name, 'a', 255);
	name[255] = '\0';
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, name));
	ck_assert_ohs_ok(ohs_netpolicy_add_network(np, name));
	name[255] = 'a';
	name[256] = '\0';
	ck_assert_ohs_error(ohs_netpolicy_set_mode(np, name), OHS_EINVAL, "at most 255 characters");
	ck_assert_ohs_error(ohs_netpolicy_add_network(np, name), OHS_EINVAL, "at most 255 characters");
	ohs_netpolicy_free(np);
}
END_TEST

START_TEST(test_internal)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_set_internal(np, 7));
	ck_assert_int_eq(ohs_netpolicy_internal(np), 1);
	ck_assert_ohs_ok(ohs_netpolicy_set_internal(np, 0));
	ck_assert_int_eq(ohs_netpolicy_internal(np), 0);
	ohs_netpolicy_free(np);
}
END_TEST

/* ---- additional networks ---------------------------------------------- */

static const struct {
	const char *in;
	size_t n;
	const char *names[4];
} good_nets[] = {
	{ "[\"openhands-sccache\"]", 1, { "openhands-sccache" } },
	{ "[\"net1\", \"net2\"]", 2, { "net1", "net2" } },
	{ "[\"net1\",\"net2\",\"net3\"]", 3, { "net1", "net2", "net3" } },
	{ "['net1', 'net2']", 2, { "net1", "net2" } },
	{ "['net1', \"net2\"]", 2, { "net1", "net2" } },
	{ "  [ 'a' ,\t'b.c' ]  ", 2, { "a", "b.c" } },
	{ "['a', 'b',]", 2, { "a", "b" } },
	{ "[\"a\",]", 1, { "a" } },
	{ "['a',\n 'b' , ]", 2, { "a", "b" } },
	{ "[]", 0, { NULL } },
	{ "[ ]", 0, { NULL } },
	{ "", 0, { NULL } },
	{ "   ", 0, { NULL } },
	{ "[\"a\", \"b\", \"a\"]", 2, { "a", "b" } },
	{ "['x', 'x', 'y', 'x']", 2, { "x", "y" } },
	{ "[\"bridge\"]", 1, { "bridge" } },
	{ "[\"myscope_openhands-sccache\"]", 1, { "myscope_openhands-sccache" } },
	{ "[\"\\u0061b\"]", 1, { "ab" } },
};

START_TEST(test_networks_good)
{
	ohs_netpolicy *np = new_np();
	size_t i;

	ck_assert_ohs_ok(ohs_netpolicy_parse_networks(np, good_nets[_i].in));
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), good_nets[_i].n);
	for (i = 0; i < good_nets[_i].n; i++)
		ck_assert_str_eq(ohs_netpolicy_network(np, i), good_nets[_i].names[i]);
	ck_assert_ptr_null(ohs_netpolicy_network(np, good_nets[_i].n));
	ohs_netpolicy_free(np);
}
END_TEST

#define NETS_EXPECTED "expected a JSON array of network names such as [\"net1\", \"net2\"]"

static const struct {
	const char *in, *needle;
} bad_nets[] = {
	{ "net1,net2", "SANDBOX_ADDITIONAL_NETWORKS (\"net1,net2\"): " NETS_EXPECTED },
	{ "net1", "SANDBOX_ADDITIONAL_NETWORKS (\"net1\"): " NETS_EXPECTED },
	{ "[1]", "SANDBOX_ADDITIONAL_NETWORKS (\"[1]\"): element 1 is a number, not a string; " NETS_EXPECTED },
	{ "[\"a\", null]", "(\"[\"a\", null]\"): element 2 is null, not a string" },
	{ "[\"a\", [\"b\"]]", "element 2 is an array, not a string" },
	{ "[true]", "element 1 is a boolean, not a string" },
	{ "['a', 1]", "SANDBOX_ADDITIONAL_NETWORKS (\"['a', 1]\"): element 2 is not a quoted string; " NETS_EXPECTED },
	{ "[\"bad name\"]", "SANDBOX_ADDITIONAL_NETWORKS (\"[\"bad name\"]\"): element 1: network name \"bad name\" is invalid (expected a letter or digit" },
	{ "['ok', 'no/slash']", "element 2: network name \"no/slash\" is invalid" },
	{ "[\"\"]", "SANDBOX_ADDITIONAL_NETWORKS (\"[\"\"]\"): element 1: network name is empty" },
	{ "['']", "element 1: network name is empty" },
	{ "[\"host\"]", "element 1: network \"host\" cannot be an additional network" },
	{ "['none']", "network \"none\" cannot be an additional network" },
	{ "[\"a\"", "SANDBOX_ADDITIONAL_NETWORKS (\"[\"a\"\"): missing closing \"]\"; " NETS_EXPECTED },
	{ "[", "(\"[\"): missing closing \"]\"" },
	{ "{\"a\":1}", "SANDBOX_ADDITIONAL_NETWORKS (\"{\"a\":1}\"): the value is an object, not an array; " NETS_EXPECTED },
	{ "\"net1\"", "the value is a string, not an array" },
	{ "42", "the value is a number, not an array" },
	{ "['a]", "SANDBOX_ADDITIONAL_NETWORKS (\"['a]\"): element 1 has an unterminated single quote; " NETS_EXPECTED },
	{ "[\"a]", "element 1 has an unterminated double quote" },
	{ "['a' 'b']", "expected \",\" or \"]\" after element 1" },
	{ "['a'] x", "unexpected text after the closing \"]\"" },
	{ "[,]", "element 1 is not a quoted string" },
	{ "['a',,]", "element 2 is not a quoted string" },
};

START_TEST(test_networks_bad)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_add_network(np, "keep"));
	ck_assert_ohs_error(ohs_netpolicy_parse_networks(np, bad_nets[_i].in), OHS_EINVAL,
		bad_nets[_i].needle);
	/* atomic: nothing added, existing kept */
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), 1);
	ck_assert_str_eq(ohs_netpolicy_network(np, 0), "keep");
	ohs_netpolicy_free(np);
}
END_TEST

START_TEST(test_networks_atomic_and_merge)
{
	ohs_netpolicy *np = new_np();

	/* a valid first element followed by a bad one adds nothing */
	ck_assert_ohs_error(ohs_netpolicy_parse_networks(np, "[\"good\", \"bad name\"]"),
		OHS_EINVAL, "element 2");
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), 0);
	ck_assert_ohs_error(ohs_netpolicy_parse_networks(np, "['good', 'x"),
		OHS_EINVAL, "unterminated");
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), 0);

	/* successive calls merge, keeping the first appearance */
	ck_assert_ohs_ok(ohs_netpolicy_add_network(np, "b"));
	ck_assert_ohs_ok(ohs_netpolicy_add_network(np, "b"));
	ck_assert_ohs_ok(ohs_netpolicy_parse_networks(np, "['a', 'b', 'c']"));
	ck_assert_ohs_ok(ohs_netpolicy_parse_networks(np, "[\"c\", \"d\"]"));
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), 4);
	ck_assert_str_eq(ohs_netpolicy_network(np, 0), "b");
	ck_assert_str_eq(ohs_netpolicy_network(np, 1), "a");
	ck_assert_str_eq(ohs_netpolicy_network(np, 2), "c");
	ck_assert_str_eq(ohs_netpolicy_network(np, 3), "d");
	ohs_netpolicy_free(np);
}
END_TEST

static const struct {
	const char *in, *needle;
} bad_add_nets[] = {
	{ "", "network name is empty (expected a letter or digit" },
	{ "bad name", "network name \"bad name\" is invalid (expected a letter or digit followed by letters, digits, \"_\", \".\" or \"-\"" },
	{ "-x", "network name \"-x\" is invalid" },
	{ "a:b", "network name \"a:b\" is invalid" },
	{ "host", "network \"host\" cannot be an additional network (set it as the network mode instead)" },
	{ "none", "network \"none\" cannot be an additional network" },
};

START_TEST(test_add_network_bad)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_error(ohs_netpolicy_add_network(np, bad_add_nets[_i].in), OHS_EINVAL,
		bad_add_nets[_i].needle);
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), 0);
	ohs_netpolicy_free(np);
}
END_TEST

/* ---- ports ------------------------------------------------------------ */

START_TEST(test_add_port_good)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 80, NULL, NULL, 0));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 80, "udp", "127.0.0.1", 8080));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 3000, "TCP", "[::1]", 3000));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 65535, "sctp", "::", 65535));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 1, "tcp", NULL, 1));
	ck_assert_uint_eq(ohs_netpolicy_port_count(np), 5);

	ck_assert_int_eq(ohs_netpolicy_port_container(np, 0), 80);
	ck_assert_str_eq(ohs_netpolicy_port_protocol(np, 0), "tcp");
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 0), "0.0.0.0");
	ck_assert_int_eq(ohs_netpolicy_port_host(np, 0), 0);

	ck_assert_int_eq(ohs_netpolicy_port_container(np, 1), 80);
	ck_assert_str_eq(ohs_netpolicy_port_protocol(np, 1), "udp");
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 1), "127.0.0.1");
	ck_assert_int_eq(ohs_netpolicy_port_host(np, 1), 8080);

	ck_assert_str_eq(ohs_netpolicy_port_protocol(np, 2), "tcp");
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 2), "::1");
	ck_assert_str_eq(ohs_netpolicy_port_protocol(np, 3), "sctp");
	ck_assert_int_eq(ohs_netpolicy_port_host(np, 3), 65535);
	ck_assert_int_eq(ohs_netpolicy_port_container(np, 4), 1);

	ck_assert_int_eq(ohs_netpolicy_port_container(np, 5), -1);
	ck_assert_ptr_null(ohs_netpolicy_port_host_ip(np, 5));
	ohs_netpolicy_free(np);
}
END_TEST

static const struct {
	int cport;
	const char *proto, *ip;
	int hport;
	const char *needle;
} bad_ports[] = {
	{ 0, NULL, NULL, 0, "container port 0 is out of range (expected 1..65535)" },
	{ -1, NULL, NULL, 0, "container port -1 is out of range" },
	{ 65536, NULL, NULL, 0, "container port 65536 is out of range" },
	{ 80, NULL, NULL, -1, "host port -1 is out of range (expected 0..65535" },
	{ 80, NULL, NULL, 65536, "host port 65536 is out of range" },
	{ 80, "icmp", NULL, 0, "protocol \"icmp\" is not supported (expected \"tcp\", \"udp\" or \"sctp\")" },
	{ 80, "", NULL, 0, "protocol \"\" is not supported" },
	{ 80, NULL, "localhost", 0, "host IP \"localhost\" is not an IPv4 or IPv6 literal" },
	{ 80, NULL, "", 0, "host IP is empty" },
	{ 80, NULL, "[1.2.3.4]", 0, "host IP \"[1.2.3.4]\" is not an IPv6 literal in brackets" },
	/* duplicates of the port added in the test */
	{ 8080, NULL, NULL, 0, "container port 8080/tcp is already published" },
	{ 8080, "tcp", "127.0.0.1", 1234, "container port 8080/tcp is already published" },
	{ 81, NULL, NULL, 9000, "host port 9000/tcp is already used by container port 8080" },
};

START_TEST(test_add_port_bad)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 8080, "tcp", NULL, 9000));
	ck_assert_ohs_error(ohs_netpolicy_add_port(np, bad_ports[_i].cport, bad_ports[_i].proto,
		bad_ports[_i].ip, bad_ports[_i].hport), OHS_EINVAL, bad_ports[_i].needle);
	ck_assert_uint_eq(ohs_netpolicy_port_count(np), 1);
	ohs_netpolicy_free(np);
}
END_TEST

START_TEST(test_port_host_conflicts)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 80, NULL, "127.0.0.1", 8080));
	/* same host port on another IP or protocol is fine, 0 never conflicts */
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 81, NULL, "127.0.0.2", 8080));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 81, "udp", "127.0.0.1", 8080));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 82, NULL, NULL, 0));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 83, NULL, NULL, 0));
	ck_assert_ohs_error(ohs_netpolicy_add_port(np, 84, NULL, "127.0.0.1", 8080), OHS_EINVAL,
		"host port 127.0.0.1:8080/tcp is already used by container port 80");
	ck_assert_ohs_error(ohs_netpolicy_add_port(np, 81, "udp", NULL, 0), OHS_EINVAL,
		"container port 81/udp is already published");
	ck_assert_uint_eq(ohs_netpolicy_port_count(np), 5);
	ohs_netpolicy_free(np);
}
END_TEST

START_TEST(test_port_follows_binding)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 3000, NULL, NULL, 0));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 3001, NULL, "10.0.0.1", 0));
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 0), "0.0.0.0");
	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 0), "127.0.0.1");
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 1), "10.0.0.1");
	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "[::1]"));
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 0), "::1");
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 1), "10.0.0.1");
	ohs_netpolicy_free(np);
}
END_TEST

static const struct {
	const char *spec;
	int cport;
	const char *proto;
	const char *ip; /* expected host IP; binding is 127.0.0.9 */
	int hport;
} good_specs[] = {
	{ "80", 80, "tcp", "127.0.0.9", 0 },
	{ "80/udp", 80, "udp", "127.0.0.9", 0 },
	{ "53/UDP", 53, "udp", "127.0.0.9", 0 },
	{ "8080:80", 80, "tcp", "127.0.0.9", 8080 },
	{ "8080:80/tcp", 80, "tcp", "127.0.0.9", 8080 },
	{ "0:80", 80, "tcp", "127.0.0.9", 0 },
	{ ":80", 80, "tcp", "127.0.0.9", 0 },
	{ "127.0.0.1:3000:3000", 3000, "tcp", "127.0.0.1", 3000 },
	{ "127.0.0.1::3000", 3000, "tcp", "127.0.0.1", 0 },
	{ "0.0.0.0:5000:5000/sctp", 5000, "sctp", "0.0.0.0", 5000 },
	{ ":8080:80", 80, "tcp", "127.0.0.9", 8080 },
	{ "::80", 80, "tcp", "127.0.0.9", 0 },
	{ "[::1]:8080:80", 80, "tcp", "::1", 8080 },
	{ "[::1]::80/udp", 80, "udp", "::1", 0 },
	{ "[2001:db8::1]:65535:65535", 65535, "tcp", "2001:db8::1", 65535 },
	{ "1:1", 1, "tcp", "127.0.0.9", 1 },
	{ "00080", 80, "tcp", "127.0.0.9", 0 },
};

START_TEST(test_parse_port_good)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.9"));
	ck_assert_ohs_ok(ohs_netpolicy_parse_port(np, good_specs[_i].spec));
	ck_assert_uint_eq(ohs_netpolicy_port_count(np), 1);
	ck_assert_int_eq(ohs_netpolicy_port_container(np, 0), good_specs[_i].cport);
	ck_assert_str_eq(ohs_netpolicy_port_protocol(np, 0), good_specs[_i].proto);
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 0), good_specs[_i].ip);
	ck_assert_int_eq(ohs_netpolicy_port_host(np, 0), good_specs[_i].hport);
	ohs_netpolicy_free(np);
}
END_TEST

#define SPEC_EXPECTED "expected [IP:]HOSTPORT:CONTAINERPORT[/PROTO]"

static const struct {
	const char *spec, *needle;
} bad_specs[] = {
	{ "", "port spec \"\": the spec is empty; " SPEC_EXPECTED },
	{ "abc", "port spec \"abc\": container port \"abc\" must be a number in 1..65535; " SPEC_EXPECTED },
	{ "0", "port spec \"0\": container port \"0\" must be a number in 1..65535" },
	{ "65536", "container port \"65536\" must be a number in 1..65535" },
	{ "1234567", "container port \"1234567\" must be a number" },
	{ "-1", "container port \"-1\" must be a number" },
	{ "+80", "container port \"+80\" must be a number" },
	{ " 80", "container port \" 80\" must be a number" },
	{ "8080:", "port spec \"8080:\": container port \"\" must be a number in 1..65535" },
	{ "80/icmp", "port spec \"80/icmp\": protocol \"icmp\" is not supported (expected tcp, udp or sctp); " SPEC_EXPECTED },
	{ "80/", "protocol \"\" is not supported" },
	{ "x:80", "port spec \"x:80\": host port \"x\" must be a number in 0..65535" },
	{ "70000:80", "host port \"70000\" must be a number in 0..65535" },
	{ "8000-8010:80", "host port \"8000-8010\" must be a number" },
	{ "localhost:8080:80", "port spec \"localhost:8080:80\": host IP \"localhost\" is not an IPv4 or IPv6 literal" },
	{ "1.2.3:8080:80", "host IP \"1.2.3\" is not an IPv4 or IPv6 literal" },
	{ "::1:8080:80", "port spec \"::1:8080:80\": too many \":\" (write an IPv6 address in brackets, e.g. [::1]:8080:80); " SPEC_EXPECTED },
	{ "[::1:8080:80", "missing \"]\" after the IPv6 address" },
	{ "[::1]", "expected \":HOSTPORT:CONTAINERPORT\" after the IPv6 address" },
	{ "[::1]:80", "expected \":HOSTPORT:CONTAINERPORT\" after the IPv6 address" },
	{ "[::1]:1:2:3", "too many \":\"" },
	{ "[1.2.3.4]:80:80", "host IP \"[1.2.3.4]\" is not an IPv6 literal in brackets" },
	{ "[nothost]:80:80", "is not an IPv6 literal in brackets" },
	/* duplicates of the "8080:80" added in the test */
	{ "80", "port spec \"80\": container port 80/tcp is already published" },
	{ "127.0.0.1:9000:80/tcp", "port spec \"127.0.0.1:9000:80/tcp\": container port 80/tcp is already published" },
	{ "8080:81", "port spec \"8080:81\": host port 8080/tcp is already used by container port 80" },
};

START_TEST(test_parse_port_bad)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_parse_port(np, "8080:80"));
	ck_assert_ohs_error(ohs_netpolicy_parse_port(np, bad_specs[_i].spec), OHS_EINVAL,
		bad_specs[_i].needle);
	ck_assert_uint_eq(ohs_netpolicy_port_count(np), 1);
	ohs_netpolicy_free(np);
}
END_TEST

START_TEST(test_parse_port_follows_binding)
{
	ohs_netpolicy *np = new_np();

	ck_assert_ohs_ok(ohs_netpolicy_parse_port(np, "3000:3000"));
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 0), "0.0.0.0");
	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(np, 0), "127.0.0.1");
	ohs_netpolicy_free(np);
}
END_TEST

/* ---- dup -------------------------------------------------------------- */

START_TEST(test_dup)
{
	ohs_netpolicy *np = new_np(), *c = NULL, *e = NULL;

	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "ohs-test-net"));
	ck_assert_ohs_ok(ohs_netpolicy_set_internal(np, 1));
	ck_assert_ohs_ok(ohs_netpolicy_parse_networks(np, "['a', 'b']"));
	ck_assert_ohs_ok(ohs_netpolicy_parse_port(np, "8080:80"));
	ck_assert_ohs_ok(ohs_netpolicy_parse_port(np, "[::1]::53/udp"));

	ck_assert_ohs_ok(ohs_netpolicy_dup(&c, np));
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c, np);
	/* change the original: the copy must not follow */
	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "::"));
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "host"));
	ck_assert_ohs_ok(ohs_netpolicy_set_internal(np, 0));
	ck_assert_ohs_ok(ohs_netpolicy_add_network(np, "c"));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 22, NULL, NULL, 0));
	ohs_netpolicy_free(np);

	ck_assert_str_eq(ohs_netpolicy_binding_address(c), "127.0.0.1");
	ck_assert_str_eq(ohs_netpolicy_mode(c), "ohs-test-net");
	ck_assert_int_eq(ohs_netpolicy_internal(c), 1);
	ck_assert_uint_eq(ohs_netpolicy_network_count(c), 2);
	ck_assert_str_eq(ohs_netpolicy_network(c, 0), "a");
	ck_assert_str_eq(ohs_netpolicy_network(c, 1), "b");
	ck_assert_uint_eq(ohs_netpolicy_port_count(c), 2);
	ck_assert_int_eq(ohs_netpolicy_port_container(c, 0), 80);
	ck_assert_int_eq(ohs_netpolicy_port_host(c, 0), 8080);
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(c, 0), "127.0.0.1");
	ck_assert_str_eq(ohs_netpolicy_port_host_ip(c, 1), "::1");
	ck_assert_str_eq(ohs_netpolicy_port_protocol(c, 1), "udp");

	/* a copy of an empty policy */
	ck_assert_ohs_ok(ohs_netpolicy_new(&e));
	ohs_netpolicy_free(c);
	c = NULL;
	ck_assert_ohs_ok(ohs_netpolicy_dup(&c, e));
	ck_assert_uint_eq(ohs_netpolicy_port_count(c), 0);
	ck_assert_str_eq(ohs_netpolicy_mode(c), "bridge");
	ohs_netpolicy_free(c);
	ohs_netpolicy_free(e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netpolicy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_null_args);
	tcase_add_loop_test(tc, test_binding_good, 0, OHS_ARRAY_SIZE(good_addrs));
	tcase_add_loop_test(tc, test_binding_bad, 0, OHS_ARRAY_SIZE(bad_addrs));
	tcase_add_loop_test(tc, test_mode_good, 0, OHS_ARRAY_SIZE(good_modes));
	tcase_add_loop_test(tc, test_mode_bad, 0, OHS_ARRAY_SIZE(bad_modes));
	tcase_add_test(tc, test_mode_name_length);
	tcase_add_test(tc, test_internal);
	tcase_add_loop_test(tc, test_networks_good, 0, OHS_ARRAY_SIZE(good_nets));
	tcase_add_loop_test(tc, test_networks_bad, 0, OHS_ARRAY_SIZE(bad_nets));
	tcase_add_test(tc, test_networks_atomic_and_merge);
	tcase_add_loop_test(tc, test_add_network_bad, 0, OHS_ARRAY_SIZE(bad_add_nets));
	tcase_add_test(tc, test_add_port_good);
	tcase_add_loop_test(tc, test_add_port_bad, 0, OHS_ARRAY_SIZE(bad_ports));
	tcase_add_test(tc, test_port_host_conflicts);
	tcase_add_test(tc, test_port_follows_binding);
	tcase_add_loop_test(tc, test_parse_port_good, 0, OHS_ARRAY_SIZE(good_specs));
	tcase_add_loop_test(tc, test_parse_port_bad, 0, OHS_ARRAY_SIZE(bad_specs));
	tcase_add_test(tc, test_parse_port_follows_binding);
	tcase_add_test(tc, test_dup);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
