/*
 * policy_report: the names of the profiles and modes, the check table (id,
 * severity, title, remediation of every check, in the order of
 * ohsandbox-policy(7)) and the findings a check produces: which the profile
 * refuses, their getters and their JSON.  The bottom of the policy module:
 * it calls no other policy file.  Used by env.c and floor.c (names), the
 * other policy files (they add findings), session.c (its own network and
 * volume findings through ohs__findings_add), config_render.c (findings
 * JSON) and callers of ohsandbox/policy.h.
 */
#include "policy_impl_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PROFILE_NAMES "\"permissive\", \"default\" or \"hardened\""
#define MODE_NAMES "\"enforce\" or \"warn\""

/* ------------------------------------------------------------ names */

static const char *const profile_names[] = { "permissive", "default", "hardened" };
static const char *const mode_names[] = { "enforce", "warn" };

/*
 * Index of name in names (0 with *out set), else OHS_EINVAL naming fn and
 * `what` ("security profile", "security mode") with the expected names.
 */
static int name_index(int *out, const char *const *names, size_t n, const char *name, const char *fn,
	const char *what, const char *expected)
{
	size_t i;

	if (!name)
		return ohs__error_set(OHS_EINVAL, "%s: name is NULL; expected %s", fn, expected);
	for (i = 0; i < n; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	return ohs__error_set(OHS_EINVAL, "%s \"%s\" is unknown; expected %s", what, name, expected);
}

int ohs_policy_profile_from_name(ohs_security_profile *out, const char *name)
{
	int i = 0, rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_profile_from_name: out is NULL");
	if ((rc = name_index(&i, profile_names, OHS_ARRAY_SIZE(profile_names), name,
			"ohs_policy_profile_from_name", "security profile", PROFILE_NAMES)) == 0)
		*out = (ohs_security_profile)i;
	return rc;
}

int ohs_policy_mode_from_name(ohs_security_mode *out, const char *name)
{
	int i = 0, rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_mode_from_name: out is NULL");
	if ((rc = name_index(&i, mode_names, OHS_ARRAY_SIZE(mode_names), name,
			"ohs_policy_mode_from_name", "security mode", MODE_NAMES)) == 0)
		*out = (ohs_security_mode)i;
	return rc;
}

const char *ohs_policy_profile_name(ohs_security_profile profile)
{
	return (unsigned)profile < OHS_ARRAY_SIZE(profile_names) ? profile_names[profile] : NULL;
}

const char *ohs_policy_mode_name(ohs_security_mode mode)
{
	return (unsigned)mode < OHS_ARRAY_SIZE(mode_names) ? mode_names[mode] : NULL;
}

static const char *const sev_names[] = { "", "low", "medium", "high", "critical" };

const check_def ohs__policy_checks[C__COUNT] = {
	[C_PRIVILEGED] = { "5.4", SEV_CRITICAL, "privileged container (all devices, all capabilities, no confinement)",
		"remove HostConfig.Privileged; add only the capabilities or devices needed" },
	[C_SOCKET] = { "5.31", SEV_CRITICAL, "container runtime socket mounted (full control of the host), even read-only",
		"do not mount the Docker, Podman, containerd or CRI-O socket, a link to it or a directory holding it" },
	[C_SENSITIVE] = { "5.5", SEV_CRITICAL, "sensitive host directory mounted (a system tree, engine or runtime state, or a directory holding one; or another user's home)",
		"do not mount /, /boot, /dev, /etc, /lib*, /proc, /sys, /usr, /root, /home, /var/lib/docker, /run/docker, /var/log, "
		"/var/spool/cron and the like, their parents, or links to them; mount a project directory instead" },
	[C_HOME_RW] = { "ohs-home-writable", SEV_CRITICAL, "a home directory (of the password database, $HOME, /root or /home) or one of its ancestors mounted writable: the agent can delete or change any of the user's files",
		"mount only the project directory, or mount the home read-only" },
	[C_HOST_SOCKET] = { "ohs-host-socket", SEV_CRITICAL, "unix socket of the host mounted (a host service answers the sandbox)",
		"do not mount sockets; mount a project directory instead" },
	[C_DEVICE_NODE] = { "ohs-device-node", SEV_CRITICAL, "device node of the host mounted through a bind (raw access to the device)",
		"do not bind device nodes; use HostConfig.Devices if a device is really needed" },
	[C_HOME_DOTFILE] = { "ohs-home-dotfile", SEV_HIGH, "startup file, configuration or ~/.local/bin of a home mounted writable (code runs on the host as the user)",
		"mount ~/.bashrc, ~/.profile, ~/.zshrc, ~/.gitconfig, ~/.config, ~/.local/bin and the like read-only, or not at all" },
	[C_UNRESOLVED] = { "ohs-path-unresolved", SEV_HIGH, "bind source cannot be resolved on this host (dangling symlink, loop, or a directory that cannot be searched): what the engine would mount is unknown",
		"mount an existing path that the caller can resolve, without symbolic links" },
	[C_LEXICAL] = { "ohs-path-lexical", SEV_LOW, "host path judged lexically only (the engine is remote, or a Windows drive path): symlinks, hard links, sockets and device nodes on the engine's host were not checked",
		"use a local engine (unix socket) for path checks by what a path is, or mount only paths known on the engine's host" },
	[C_PID] = { "5.15", SEV_CRITICAL, "host PID namespace shared (host processes visible and signalable)",
		"remove HostConfig.PidMode \"host\"" },
	[C_CAPADD] = { "5.3", SEV_HIGH, "capability added beyond Docker's default set",
		"remove the capability from HostConfig.CapAdd" },
	[C_CAPDROP] = { "5.3", SEV_MEDIUM, "capabilities not dropped (HostConfig.CapDrop lacks \"ALL\")",
		"set HostConfig.CapDrop to [\"ALL\"] and add back only the capabilities needed (the hardened profile does this)" },
	[C_NET] = { "5.9", SEV_HIGH, "host network namespace shared",
		"use a bridge or an internal network instead of \"host\"" },
	[C_IPC] = { "5.16", SEV_HIGH, "host IPC namespace shared",
		"remove HostConfig.IpcMode \"host\"" },
	[C_UTS] = { "5.20", SEV_HIGH, "host UTS namespace shared",
		"remove HostConfig.UTSMode \"host\"" },
	[C_USERNS] = { "5.30", SEV_HIGH, "host user namespace shared (daemon user-namespace remapping disabled)",
		"remove HostConfig.UsernsMode \"host\"" },
	[C_CGROUPNS] = { "ohs-cgroupns-host", SEV_HIGH, "host cgroup namespace shared",
		"remove HostConfig.CgroupnsMode \"host\" (use \"private\")" },
	[C_SECCOMP] = { "5.21", SEV_HIGH, "seccomp profile disabled",
		"remove \"seccomp=unconfined\" from HostConfig.SecurityOpt" },
	[C_APPARMOR] = { "5.1", SEV_HIGH, "AppArmor profile disabled",
		"remove \"apparmor=unconfined\" from HostConfig.SecurityOpt" },
	[C_LABEL] = { "5.2", SEV_HIGH, "SELinux labelling disabled",
		"remove \"label=disable\" from HostConfig.SecurityOpt" },
	[C_SYSPATHS] = { "ohs-systempaths-unconfined", SEV_HIGH, "masked /proc and /sys paths exposed",
		"remove \"systempaths=unconfined\" from HostConfig.SecurityOpt" },
	[C_NNP] = { "5.25", SEV_MEDIUM, "processes may gain privileges (no-new-privileges not set)",
		"add \"no-new-privileges:true\" to HostConfig.SecurityOpt (the hardened profile does this)" },
	[C_ROOTFS] = { "5.12", SEV_LOW, "root filesystem writable",
		"set HostConfig.ReadonlyRootfs true with a Tmpfs for /tmp, if the image allows it" },
	[C_PORT_ALL] = { "5.13", SEV_HIGH, "port published on all host interfaces (empty HostIp, 0.0.0.0, ::, ::ffff:0.0.0.0 or any other spelling)",
		"bind to 127.0.0.1 (SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1; the hardened profile does this)" },
	[C_PORT_ADDR] = { "ohs-port-address", SEV_HIGH, "port published on a specific non-loopback host address (reachable from that network)",
		"bind to 127.0.0.1 or ::1 (SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1)" },
	[C_PUBLISH_ALL] = { "ohs-publish-all", SEV_HIGH, "every exposed port published on all host interfaces",
		"remove HostConfig.PublishAllPorts and publish the ports needed on 127.0.0.1 (the hardened profile does this)" },
	[C_PORT_PRIV] = { "5.7", SEV_MEDIUM, "privileged host port (below 1025) mapped",
		"publish on a host port above 1024" },
	[C_MEMORY] = { "5.10", SEV_MEDIUM, "no memory limit",
		"set HostConfig.Memory (ohs_config_set_memory_limit; the hardened profile supplies a default)" },
	[C_CPU] = { "5.11", SEV_MEDIUM, "no CPU limit",
		"set HostConfig.NanoCpus (ohs_config_set_nano_cpus; the hardened profile supplies a default)" },
	[C_PIDS] = { "5.28", SEV_MEDIUM, "no pids limit (fork bombs reach the host)",
		"set HostConfig.PidsLimit (ohs_config_set_pids_limit; the hardened profile supplies a default)" },
	[C_DEVICES] = { "5.17", SEV_HIGH, "host device exposed",
		"remove the entry from HostConfig.Devices, DeviceRequests or DeviceCgroupRules" },
	[C_PROPAGATION] = { "5.19", SEV_MEDIUM, "shared mount propagation",
		"use private propagation (the default) for the mount" },
	[C_ROOT_USER] = { "4.1", SEV_HIGH, "container runs as root",
		"set User to a non-root \"UID:GID\" (SANDBOX_USER_ID; the hardened profile uses its default user)" },
	[C_GROUP] = { "ohs-privileged-group", SEV_HIGH, "container runs with a privileged group (gid 0, the engine socket's group, or shadow)",
		"use an unprivileged group in User (\"UID:GID\") and HostConfig.GroupAdd" },
	[C_CREDENTIALS] = { "ohs-credentials", SEV_HIGH, "credential folder of a home mounted (or a directory holding one)",
		"do not mount ~/.ssh, ~/.docker, ~/.aws, ~/.kube, ~/.gnupg, ~/.azure, ~/.config/gcloud, ~/.config/gh, ~/.netrc, ~/.git-credentials or a parent of them" },
	[C_SECRET_ENV] = { "ohs-secret-env", SEV_LOW, "environment variable name looks like a secret",
		"pass only the secrets the agent needs; prefer short-lived, narrowly scoped tokens" },
	[C_VOLUMES_FROM] = { "ohs-volumes-from", SEV_HIGH, "volumes of another container mounted (not checkable)",
		"remove HostConfig.VolumesFrom; mount the needed paths explicitly" },
	[C_MASKED_PATHS] = { "ohs-masked-paths", SEV_HIGH, "Docker's masked or read-only /proc and /sys paths "
		"removed (HostConfig.MaskedPaths or ReadonlyPaths set without them: like systempaths=unconfined)",
		"remove HostConfig.MaskedPaths and HostConfig.ReadonlyPaths (the engine then applies its defaults)" },
	[C_CUSTOM_SECCOMP] = { "ohs-custom-seccomp", SEV_HIGH, "custom seccomp profile (not checkable; it may allow "
		"every system call)",
		"remove the \"seccomp=...\" entry from HostConfig.SecurityOpt to use the engine's default profile" },
	[C_CUSTOM_APPARMOR] = { "ohs-custom-apparmor", SEV_HIGH, "custom AppArmor profile (not checkable; it may "
		"confine less than docker-default)",
		"remove the \"apparmor=...\" entry from HostConfig.SecurityOpt (or use \"apparmor=docker-default\")" },
	[C_CONTAINER_NS] = { "ohs-container-ns", SEV_HIGH, "namespace of another container joined (its processes, "
		"files through /proc, IPC or network are reachable; its network policy applies instead of this one)",
		"remove the \"container:<id>\" value of HostConfig.PidMode, IpcMode or NetworkMode" },
	[C_RUNTIME] = { "ohs-runtime", SEV_LOW, "OCI runtime other than the engine's default runc "
		"(the isolation depends on it; not checked)",
		"remove HostConfig.Runtime, or make sure the named runtime isolates at least as well as runc" },
	[C_CGROUP_PARENT] = { "ohs-cgroup-parent", SEV_MEDIUM, "container placed in a chosen parent cgroup (the limits "
		"and accounting of that cgroup apply, not only the sandbox's own)",
		"remove HostConfig.CgroupParent" },
	[C_OOM_SCORE] = { "ohs-oom-score-adj", SEV_LOW, "negative OOM score adjustment (host processes are killed "
		"before the sandbox when memory runs out)",
		"remove HostConfig.OomScoreAdj or set it to 0 or more" },
};

/* ------------------------------------------------------------ findings */

static void finding_clear(finding *f)
{
	free(f->field);
	free(f->value);
	free(f->note);
	free(f->message);
	if (f->ext) {
		free((char *)f->ext->id);
		free((char *)f->ext->title);
		free((char *)f->ext->remediation);
		free(f->ext);
	}
}

/* The check a finding reports: the table's, or its own (ohs__findings_add). */
const check_def *ohs__policy_def_of(const finding *x)
{
	return x->ext ? x->ext : &ohs__policy_checks[x->check];
}

void ohs_findings_free(ohs_findings *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		finding_clear(&f->v[i]);
	free(f->v);
	free(f);
}

/*
 * Checks the default profile refuses although they are only high: each of
 * them takes away one of the boundaries between the sandbox and the host
 * (the host's network stack, seccomp, AppArmor, SELinux, the masked /proc
 * paths, host devices).  Dangerous CapAdd entries are marked per finding.
 */
static int default_refuses(enum check c)
{
	switch (c) {
	case C_NET:
	case C_SECCOMP:
	case C_APPARMOR:
	case C_LABEL:
	case C_SYSPATHS:
	case C_MASKED_PATHS:
	case C_DEVICES:
		return 1;
	default:
		return 0;
	}
}

static int refuses(ohs_security_profile profile, enum sev sev, int strict)
{
	switch (profile) {
	case OHS_PROFILE_DEFAULT: return sev >= SEV_CRITICAL || strict;
	case OHS_PROFILE_HARDENED: return sev >= SEV_HIGH || strict;
	default: return 0;
	}
}

/*
 * Append a finding (takes nothing; copies field, value and note).  strict:
 * refused by the default profile whatever the check's severity.
 */
int ohs__policy_findings_add_note(ohs_findings *f, enum check c, const char *field, const char *value,
	const char *note, int fixed, int strict)
{
	const check_def *d = &ohs__policy_checks[c];
	finding *x;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		finding *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return ohs__error_oom();
		f->v = v;
		f->cap = cap;
	}
	x = &f->v[f->n];
	memset(x, 0, sizeof(*x));
	x->check = c;
	x->fixed = fixed;
	x->strict = strict || default_refuses(c);
	x->refused = !fixed && refuses(f->profile, d->sev, x->strict);
	x->field = ohs__strdup(field);
	x->value = ohs__strdup(value ? value : "");
	x->note = note ? ohs__strdup(note) : NULL;
	x->message = ohs__sprintf("%s (%s): %s: %s=\"%s\"%s%s%s", d->id, sev_names[d->sev], d->title,
		field, value ? value : "", note ? " (" : "", note ? note : "", note ? ")" : "");
	if (!x->field || !x->value || !x->message || (note && !x->note)) {
		finding_clear(x);
		return ohs__error_oom();
	}
	f->n++;
	if (x->refused)
		f->refused++;
	return 0;
}

int ohs__policy_findings_add(ohs_findings *f, enum check c, const char *field, const char *value, int fixed,
	int strict)
{
	return ohs__policy_findings_add_note(f, c, field, value, NULL, fixed, strict);
}

ohs_findings *ohs__policy_findings_new(const ohs_policy *p)
{
	ohs_findings *f = calloc(1, sizeof(*f));

	if (f) {
		f->profile = p->profile;
		f->mode = p->mode;
	}
	return f;
}

int ohs__findings_add(ohs_findings *f, const char *id, const char *severity, const char *field,
	const char *value, const char *message, const char *remediation, int refused)
{
	check_def *d;
	finding *x;
	size_t i;
	int rc;

	if (!f || !id || !severity || !field || !message || !remediation)
		return ohs__error_set(OHS_EINVAL, "ohs__findings_add: a required argument is NULL");
	for (i = 1; i < OHS_ARRAY_SIZE(sev_names); i++)
		if (strcmp(severity, sev_names[i]) == 0)
			break;
	if (i == OHS_ARRAY_SIZE(sev_names))
		return ohs__error_set(OHS_EINVAL, "ohs__findings_add: severity \"%s\" is unknown; "
			"expected \"low\", \"medium\", \"high\" or \"critical\"", severity);
	if (!(d = calloc(1, sizeof(*d))))
		return ohs__error_oom();
	d->sev = (enum sev)i;
	d->id = ohs__strdup(id);
	d->title = ohs__strdup(message);
	d->remediation = ohs__strdup(remediation);
	/* added as the first check, then turned into this one */
	if (!d->id || !d->title || !d->remediation ||
	    (rc = ohs__policy_findings_add(f, (enum check)0, field, value, 0, 0)) < 0) {
		free((char *)d->id);
		free((char *)d->title);
		free((char *)d->remediation);
		free(d);
		return ohs__error_oom();
	}
	x = &f->v[f->n - 1];
	if (x->refused)
		f->refused--;
	x->check = C__COUNT;
	x->ext = d;
	x->strict = 0;
	x->refused = refused ? 1 : 0;
	if (x->refused)
		f->refused++;
	free(x->message);
	if (!(x->message = ohs__sprintf("%s (%s): %s: %s=\"%s\"", d->id, sev_names[d->sev], d->title,
			field, value ? value : ""))) {
		f->n--;
		f->refused -= x->refused;
		finding_clear(x);
		return ohs__error_oom();
	}
	return 0;
}

size_t ohs_findings_count(const ohs_findings *f)
{
	return f ? f->n : 0;
}

size_t ohs_findings_refused_count(const ohs_findings *f)
{
	return f ? f->refused : 0;
}

#define FINDING(f, i) ((f) && (i) < (f)->n ? &(f)->v[i] : NULL)

const char *ohs_findings_id(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? ohs__policy_def_of(x)->id : NULL;
}

const char *ohs_findings_severity(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? sev_names[ohs__policy_def_of(x)->sev] : NULL;
}

const char *ohs_findings_field(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? x->field : NULL;
}

const char *ohs_findings_value(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? x->value : NULL;
}

const char *ohs_findings_message(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? x->message : NULL;
}

const char *ohs_findings_remediation(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? ohs__policy_def_of(x)->remediation : NULL;
}

int ohs_findings_refused(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? x->refused : 0;
}

int ohs_findings_fixed(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? x->fixed : 0;
}

int ohs_findings_to_json(char **out, const ohs_findings *f)
{
	json_t *root, *arr;
	size_t i;
	char *s;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_findings_to_json: out is NULL");
	*out = NULL;
	if (!f)
		return ohs__error_set(OHS_EINVAL, "ohs_findings_to_json: f is NULL");
	root = json_object();
	arr = json_array();
	if (!root || !arr)
		goto oom;
	if (json_object_set_new(root, "profile", json_string(ohs_policy_profile_name(f->profile))) ||
	    json_object_set_new(root, "mode", json_string(ohs_policy_mode_name(f->mode))) ||
	    json_object_set_new(root, "refused", json_integer((json_int_t)f->refused)) ||
	    json_object_set(root, "findings", arr))
		goto oom;
	for (i = 0; i < f->n; i++) {
		const finding *x = &f->v[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}",
			"id", ohs__policy_def_of(x)->id, "severity", sev_names[ohs__policy_def_of(x)->sev],
			"field", x->field, "value", x->value, "message", x->message,
			"remediation", ohs__policy_def_of(x)->remediation,
			"refused", x->refused, "fixed", x->fixed);

		if (!o || json_array_append_new(arr, o))
			goto oom;
	}
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s)
		goto oom;
	json_decref(arr);
	json_decref(root);
	*out = s;
	return 0;
oom:
	json_decref(arr);
	json_decref(root);
	return ohs__error_oom();
}
