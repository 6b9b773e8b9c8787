/*
 * Internal policy API for checks made outside the pure policy (the session
 * judges networks and named volumes, which need the engine).  Not installed.
 */
#ifndef OHS_POLICY_INT_H
#define OHS_POLICY_INT_H

#include "ohsandbox/policy.h"

/*
 * Append a finding that is not in the policy's check table: stable `id`,
 * `severity` ("low", "medium", "high" or "critical"), JSON `field`,
 * offending `value` (never a secret), `message` (the check's title; the
 * finding's message is built from it as for every other finding: "ID
 * (SEVERITY): MESSAGE: FIELD=\"VALUE\""), `remediation`, and whether the
 * profile refuses it (the caller decides; ohs_findings_refused_count()
 * counts it).  All strings are copied.  OHS_EINVAL for a NULL argument
 * (value may be NULL) or an unknown severity.
 */
int ohs__findings_add(ohs_findings *f, const char *id, const char *severity, const char *field,
	const char *value, const char *message, const char *remediation, int refused);

/*
 * The policy to judge a body sent to the engine at docker_host (a
 * DOCKER_HOST value, as ohs_client_host gives it): *out is a new copy of p
 * with engine locality off (a remote engine) or with the engine's unix
 * socket as its engine socket (a local socket that is not a default one,
 * unless the caller set one); *out is NULL when p already describes that
 * engine.  0, or OHS_ENOMEM.
 */
int ohs__policy_for_host(ohs_policy **out, const ohs_policy *p, const char *docker_host);

#endif
