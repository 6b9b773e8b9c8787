/*
 * libohsandbox - network policy: binding address, network mode, additional
 * networks and published ports.  See ohs_netpolicy_new(3).
 *
 * Not thread-safe: one handle from one thread at a time.
 */
#ifndef OHSANDBOX_NETPOLICY_H
#define OHSANDBOX_NETPOLICY_H

#include "common.h"

OHS_BEGIN_DECL

typedef struct ohs_netpolicy ohs_netpolicy;

/** Defaults: binding address "0.0.0.0", mode "bridge", no networks, no ports. */
OHS_EXTERN(int) ohs_netpolicy_new(ohs_netpolicy **out);
OHS_EXTERN(int) ohs_netpolicy_dup(ohs_netpolicy **out, const ohs_netpolicy *np);
OHS_EXTERN(void) ohs_netpolicy_free(ohs_netpolicy *np);

/** An IPv4 or IPv6 literal (SANDBOX_RUNTIME_BINDING_ADDRESS); hostnames are refused. */
OHS_EXTERN(int) ohs_netpolicy_set_binding_address(ohs_netpolicy *np, const char *addr);
OHS_EXTERN(const char *) ohs_netpolicy_binding_address(const ohs_netpolicy *np);

/** "none", "bridge", "host" or a user network name (SANDBOX_NETWORK). */
OHS_EXTERN(int) ohs_netpolicy_set_mode(ohs_netpolicy *np, const char *mode);
OHS_EXTERN(const char *) ohs_netpolicy_mode(const ohs_netpolicy *np);

/** Whether the session's own user network, when created, is internal (no outside access). */
OHS_EXTERN(int) ohs_netpolicy_set_internal(ohs_netpolicy *np, int internal);
OHS_EXTERN(int) ohs_netpolicy_internal(const ohs_netpolicy *np);

/** Add one additional network by name (Docker network-name rules). Duplicates are ignored. */
OHS_EXTERN(int) ohs_netpolicy_add_network(ohs_netpolicy *np, const char *name);

/**
 * Add the networks of a SANDBOX_ADDITIONAL_NETWORKS value: a JSON array of
 * strings, or the Python-literal form "['a', 'b']".  Empty value: nothing.
 */
OHS_EXTERN(int) ohs_netpolicy_parse_networks(ohs_netpolicy *np, const char *value);

OHS_EXTERN(size_t) ohs_netpolicy_network_count(const ohs_netpolicy *np);
OHS_EXTERN(const char *) ohs_netpolicy_network(const ohs_netpolicy *np, size_t i);

/**
 * Publish a container port.  `protocol` "tcp" (NULL) or "udp"; `host_ip`
 * NULL means the binding address (resolved when rendered); `host_port` 0
 * lets the engine choose.  Publishing the same container port/protocol
 * twice is an error.
 */
OHS_EXTERN(int) ohs_netpolicy_add_port(ohs_netpolicy *np, int container_port,
	const char *protocol, const char *host_ip, int host_port);

/** Parse and add a "-p" spec: [IP:]HOSTPORT:CONTAINERPORT[/PROTO] or CONTAINERPORT[/PROTO]. */
OHS_EXTERN(int) ohs_netpolicy_parse_port(ohs_netpolicy *np, const char *spec);

OHS_EXTERN(size_t) ohs_netpolicy_port_count(const ohs_netpolicy *np);
OHS_EXTERN(int) ohs_netpolicy_port_container(const ohs_netpolicy *np, size_t i);
OHS_EXTERN(const char *) ohs_netpolicy_port_protocol(const ohs_netpolicy *np, size_t i);
/** Host IP the port is published on (the binding address when none was given). */
OHS_EXTERN(const char *) ohs_netpolicy_port_host_ip(const ohs_netpolicy *np, size_t i);
OHS_EXTERN(int) ohs_netpolicy_port_host(const ohs_netpolicy *np, size_t i);

OHS_END_DECL

#endif
