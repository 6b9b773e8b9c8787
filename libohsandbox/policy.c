/*
 * policy: CIS-based checks over the exact create body, profiles, modes and
 * the hardened rewrite.  Pure except for the host facts of hostpath.c
 * (bind sources resolved and stat'ed, engine socket inode and group, the
 * password and group databases), which it asks for only when the engine is
 * local; getenv("HOME") at ohs_policy_new.  See ohs_policy_new(3) and
 * ohsandbox-policy(7).
 */
#include "internal.h"
#include "policy_int.h"
#include "hostpath_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#define DEF_MEMORY (4LL * 1024 * 1024 * 1024)
#define DEF_NANO_CPUS (2LL * 1000 * 1000 * 1000)
#define DEF_PIDS 4096
#define DEF_USER "65534:65534"

#define PROFILE_NAMES "\"permissive\", \"default\" or \"hardened\""
#define MODE_NAMES "\"enforce\" or \"warn\""

struct ohs_policy {
	ohs_security_profile profile;
	ohs_security_mode mode;
	char *home;
	char *user;
	int remote;          /* the engine runs elsewhere: paths judged lexically only */
	char *engine_socket; /* NULL: the default sockets */
	int64_t memory, nano_cpus, pids;
};

enum sev { SEV_LOW = 1, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

static const char *const sev_names[] = { "", "low", "medium", "high", "critical" };

/* Every check; the order is the order of the man7 page. */
enum check {
	C_PRIVILEGED,
	C_SOCKET,
	C_SENSITIVE,
	C_HOME_RW,
	C_HOST_SOCKET,
	C_DEVICE_NODE,
	C_HOME_DOTFILE,
	C_UNRESOLVED,
	C_LEXICAL,
	C_PID,
	C_CAPADD,
	C_CAPDROP,
	C_NET,
	C_IPC,
	C_UTS,
	C_USERNS,
	C_CGROUPNS,
	C_SECCOMP,
	C_APPARMOR,
	C_LABEL,
	C_SYSPATHS,
	C_NNP,
	C_ROOTFS,
	C_PORT_ALL,
	C_PORT_ADDR,
	C_PUBLISH_ALL,
	C_PORT_PRIV,
	C_MEMORY,
	C_CPU,
	C_PIDS,
	C_DEVICES,
	C_PROPAGATION,
	C_ROOT_USER,
	C_GROUP,
	C_CREDENTIALS,
	C_SECRET_ENV,
	C_VOLUMES_FROM,
	C_MASKED_PATHS,
	C_CUSTOM_SECCOMP,
	C_CUSTOM_APPARMOR,
	C_CONTAINER_NS,
	C_RUNTIME,
	C_CGROUP_PARENT,
	C_OOM_SCORE,
	C__COUNT
};

typedef struct {
	const char *id;
	enum sev sev;
	const char *title;
	const char *remediation;
} check_def;

static const check_def checks[C__COUNT] = {
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

typedef struct {
	enum check check; /* C__COUNT: added from outside the table (def holds it) */
	char *field;
	char *value;
	char *note;    /* e.g. "resolves to /run/docker.sock"; NULL when none */
	char *message;
	int refused;
	int fixed;
	check_def *ext;   /* owned; only for check C__COUNT (ohs__findings_add) */
	int strict; /* refused under the default profile too, whatever its severity */
} finding;

struct ohs_findings {
	ohs_security_profile profile;
	ohs_security_mode mode;
	finding *v;
	size_t n, cap;
	size_t refused;
};

/* ------------------------------------------------------------ names */

static const char *const profile_names[] = { "permissive", "default", "hardened" };
static const char *const mode_names[] = { "enforce", "warn" };

int ohs_policy_profile_from_name(ohs_security_profile *out, const char *name)
{
	size_t i;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_profile_from_name: out is NULL");
	if (!name)
		return ohs__error_set(OHS_EINVAL,
			"ohs_policy_profile_from_name: name is NULL; expected " PROFILE_NAMES);
	for (i = 0; i < OHS_ARRAY_SIZE(profile_names); i++) {
		if (strcmp(name, profile_names[i]) == 0) {
			*out = (ohs_security_profile)i;
			return 0;
		}
	}
	return ohs__error_set(OHS_EINVAL, "security profile \"%s\" is unknown; expected " PROFILE_NAMES, name);
}

int ohs_policy_mode_from_name(ohs_security_mode *out, const char *name)
{
	size_t i;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_mode_from_name: out is NULL");
	if (!name)
		return ohs__error_set(OHS_EINVAL,
			"ohs_policy_mode_from_name: name is NULL; expected " MODE_NAMES);
	for (i = 0; i < OHS_ARRAY_SIZE(mode_names); i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*out = (ohs_security_mode)i;
			return 0;
		}
	}
	return ohs__error_set(OHS_EINVAL, "security mode \"%s\" is unknown; expected " MODE_NAMES, name);
}

const char *ohs_policy_profile_name(ohs_security_profile profile)
{
	return (unsigned)profile < OHS_ARRAY_SIZE(profile_names) ? profile_names[profile] : NULL;
}

const char *ohs_policy_mode_name(ohs_security_mode mode)
{
	return (unsigned)mode < OHS_ARRAY_SIZE(mode_names) ? mode_names[mode] : NULL;
}

/* ------------------------------------------------------------ paths */

#define path_clean ohs__path_clean
#define path_under ohs__path_under

/*
 * path (clean) is the same as or an ancestor of a path matching pattern,
 * whose "*" components match any one component.
 */
static int path_covers_pattern(const char *path, const char *pattern)
{
	const char *a = path, *b = pattern;

	if (strcmp(path, "/") == 0)
		return 1;
	for (;;) {
		size_t na, nb;

		while (*a == '/')
			a++;
		while (*b == '/')
			b++;
		if (!*a)
			return 1;
		if (!*b)
			return 0;
		na = strcspn(a, "/");
		nb = strcspn(b, "/");
		if (!(nb == 1 && b[0] == '*') && (na != nb || strncmp(a, b, na) != 0))
			return 0;
		a += na;
		b += nb;
	}
}

/*
 * A mount is sensitive when its source is, is inside or contains one of
 * these (system trees, engine and runtime state and socket directories).
 */
static const char *const sensitive_paths[] = {
	"/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr",
	"/bin", "/sbin", "/lib64", "/lib32", "/libx32",
	"/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/kubelet",
	"/run/docker", "/var/run/docker", "/run/containerd", "/var/run/containerd",
	"/run/podman", "/var/run/podman", "/run/k3s", "/var/run/k3s", "/run/crio", "/var/run/crio",
	"/run/buildkit", "/var/run/buildkit", "/var/spool/cron", "/var/log",
};

/* Always homes, whatever the password database says. */
static const char *const fixed_homes[] = { "/root", "/home" };

/* Writable, these run code on the host as the user (or change what runs). */
static const char *const home_dotfiles[] = {
	".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv",
	".zprofile", ".zlogin", ".cshrc", ".tcshrc", ".login", ".kshrc", ".inputrc", ".pam_environment",
	".xprofile", ".xinitrc", ".xsession", ".gitconfig", ".config", ".local/bin", ".local/share/systemd",
	".vimrc", ".emacs", ".emacs.d", ".npmrc", ".pypirc",
};

static const char *const socket_paths[] = {
	"/var/run/docker.sock", "/run/docker.sock",
	"/run/user/*/docker.sock",
	"/run/podman/podman.sock", "/var/run/podman/podman.sock",
	"/run/user/*/podman/podman.sock",
	"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
	"/run/crio/crio.sock", "/var/run/crio/crio.sock",
	"/run/buildkit/buildkitd.sock",
};

static const char *const socket_names[] = {
	"docker.sock", "podman.sock", "containerd.sock", "crio.sock", "buildkitd.sock",
	"cri-dockerd.sock", "dockershim.sock",
};

static const char *const credential_dirs[] = {
	".ssh", ".docker", ".aws", ".kube", ".gnupg", ".azure", ".config/gcloud", ".config/gh",
	".netrc", ".git-credentials",
};

static int is_sensitive(const char *path)
{
	size_t i;

	if (strcmp(path, "/") == 0)
		return 1;
	for (i = 0; i < OHS_ARRAY_SIZE(sensitive_paths); i++)
		if (path_under(path, sensitive_paths[i]) || path_under(sensitive_paths[i], path))
			return 1;
	return 0;
}

static int is_socket(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(socket_paths); i++)
		if (path_covers_pattern(path, socket_paths[i]))
			return 1;
	base = base ? base + 1 : path;
	for (i = 0; i < OHS_ARRAY_SIZE(socket_names); i++)
		if (strcmp(base, socket_names[i]) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ policy */

static int set_str(char **dst, const char *s)
{
	char *d = NULL;

	if (s && !(d = ohs__strdup(s)))
		return ohs__error_oom();
	free(*dst);
	*dst = d;
	return 0;
}

int ohs_policy_new(ohs_policy **out, const char *profile, const char *mode)
{
	ohs_policy *p;
	ohs_security_profile pr = OHS_PROFILE_DEFAULT;
	ohs_security_mode mo = OHS_MODE_ENFORCE;
	const char *home = getenv("HOME");
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new: out is NULL");
	*out = NULL;
	if (profile && (rc = ohs_policy_profile_from_name(&pr, profile)) < 0)
		return rc;
	if (mode && (rc = ohs_policy_mode_from_name(&mo, mode)) < 0)
		return rc;
	if (!(p = calloc(1, sizeof(*p))))
		return ohs__error_oom();
	p->profile = pr;
	p->mode = mo;
	p->memory = DEF_MEMORY;
	p->nano_cpus = DEF_NANO_CPUS;
	p->pids = DEF_PIDS;
	if ((rc = set_str(&p->user, DEF_USER)) < 0) {
		ohs_policy_free(p);
		return rc;
	}
	/* A relative or empty $HOME is ignored: the home checks then cover "/" only. */
	if (home && home[0] == '/' && (rc = ohs_policy_set_home(p, home)) < 0) {
		ohs_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int ohs_policy_dup(ohs_policy **out, const ohs_policy *p)
{
	ohs_policy *d;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_dup: out is NULL");
	*out = NULL;
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_dup: p is NULL");
	if (!(d = calloc(1, sizeof(*d))))
		return ohs__error_oom();
	*d = *p;
	d->home = NULL;
	d->user = NULL;
	d->engine_socket = NULL;
	if (set_str(&d->home, p->home) < 0 || set_str(&d->user, p->user) < 0 ||
	    set_str(&d->engine_socket, p->engine_socket) < 0) {
		ohs_policy_free(d);
		return OHS_ENOMEM;
	}
	*out = d;
	return 0;
}

void ohs_policy_free(ohs_policy *p)
{
	if (!p)
		return;
	free(p->home);
	free(p->user);
	free(p->engine_socket);
	free(p);
}

const char *ohs_policy_profile(const ohs_policy *p)
{
	return p ? ohs_policy_profile_name(p->profile) : NULL;
}

const char *ohs_policy_mode(const ohs_policy *p)
{
	return p ? ohs_policy_mode_name(p->mode) : NULL;
}

int ohs_policy_set_home(ohs_policy *p, const char *home)
{
	char *clean;
	int oom;

	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_home: p is NULL");
	if (!home) {
		free(p->home);
		p->home = NULL;
		return 0;
	}
	clean = path_clean(home, &oom);
	if (oom)
		return ohs__error_oom();
	if (!clean)
		return ohs__error_set(OHS_EINVAL,
			"ohs_policy_set_home: home \"%s\" must be an absolute path", home);
	free(p->home);
	p->home = clean;
	return 0;
}

const char *ohs_policy_home(const ohs_policy *p)
{
	return p ? p->home : NULL;
}

int ohs_policy_set_engine_local(ohs_policy *p, int local)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_engine_local: p is NULL");
	p->remote = !local;
	return 0;
}

int ohs_policy_engine_local(const ohs_policy *p)
{
	return p ? !p->remote : 0;
}

int ohs_policy_set_engine_socket(ohs_policy *p, const char *path)
{
	char *clean;
	int oom;

	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_engine_socket: p is NULL");
	if (!path || !*path)
		return set_str(&p->engine_socket, NULL);
	clean = path_clean(path, &oom);
	if (oom)
		return ohs__error_oom();
	if (!clean)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_engine_socket: socket path \"%s\" must be "
			"absolute, e.g. /var/run/docker.sock", path);
	free(p->engine_socket);
	p->engine_socket = clean;
	return 0;
}

const char *ohs_policy_engine_socket(const ohs_policy *p)
{
	return p ? p->engine_socket : NULL;
}

int ohs_policy_set_default_limits(ohs_policy *p, int64_t memory_bytes, int64_t nano_cpus, int64_t pids)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: p is NULL");
	if (memory_bytes < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: memory_bytes %lld is negative; "
			"expected 0 (no default) or a positive byte count", (long long)memory_bytes);
	if (nano_cpus < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: nano_cpus %lld is negative; "
			"expected 0 (no default) or a positive count of 1e-9 CPUs", (long long)nano_cpus);
	if (pids < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: pids %lld is negative; "
			"expected 0 (no default) or a positive process count", (long long)pids);
	p->memory = memory_bytes;
	p->nano_cpus = nano_cpus;
	p->pids = pids;
	return 0;
}

int ohs_policy_default_limits(int64_t *memory_bytes, int64_t *nano_cpus, int64_t *pids, const ohs_policy *p)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_default_limits: p is NULL");
	if (memory_bytes)
		*memory_bytes = p->memory;
	if (nano_cpus)
		*nano_cpus = p->nano_cpus;
	if (pids)
		*pids = p->pids;
	return 0;
}

/*
 * Whether a User value ("user[:group]") runs as uid 0.  The engine and runc
 * parse a numeric user with Go's strconv.Atoi, which takes one leading sign
 * and any number of zeros: "0", "00", "+0", "-0" and "+00:+0" are all uid 0.
 * A name other than "root" that the image maps to uid 0 cannot be seen here.
 */
static int user_is_root(const char *user)
{
	size_t n, i = 0;

	if (!user || !*user)
		return 1;
	n = strcspn(user, ":");
	if (n == 4 && strncmp(user, "root", 4) == 0)
		return 1;
	if (n == 0)
		return 1; /* ":gid" runs as the image's user: root unless the image says otherwise */
	if (user[0] == '+' || user[0] == '-')
		i = 1;
	if (i == n)
		return 0; /* "+" or "-" alone: a (strange) name */
	for (; i < n; i++)
		if (user[i] != '0')
			return 0;
	return 1;
}

int ohs__policy_check_exec_user(const ohs_findings *f, const char *user, const char *fn)
{
	if (!f || !user || !*user || f->profile != OHS_PROFILE_HARDENED || f->mode != OHS_MODE_ENFORCE ||
	    !user_is_root(user))
		return 0;
	return ohs__error_set(OHS_EPOLICY, "%s: security profile \"hardened\" refuses exec user \"%s\" "
		"(it runs as root, uid 0); expected a non-root \"UID[:GID]\" or user name, or no user "
		"(the sandbox's own)", fn, user);
}

int ohs_policy_set_default_user(ohs_policy *p, const char *user)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_user: p is NULL");
	if (user && *user && user_is_root(user))
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_user: user \"%s\" is root; "
			"expected a non-root \"UID[:GID]\" or user name", user);
	return set_str(&p->user, user && *user ? user : NULL);
}

const char *ohs_policy_default_user(const ohs_policy *p)
{
	return p ? p->user : NULL;
}

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
static const check_def *def_of(const finding *x)
{
	return x->ext ? x->ext : &checks[x->check];
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
static int findings_add_note(ohs_findings *f, enum check c, const char *field, const char *value,
	const char *note, int fixed, int strict)
{
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
	x->refused = !fixed && refuses(f->profile, checks[c].sev, x->strict);
	x->field = ohs__strdup(field);
	x->value = ohs__strdup(value ? value : "");
	x->note = note ? ohs__strdup(note) : NULL;
	x->message = ohs__sprintf("%s (%s): %s: %s=\"%s\"%s%s%s", checks[c].id, sev_names[checks[c].sev],
		checks[c].title, field, value ? value : "", note ? " (" : "", note ? note : "", note ? ")" : "");
	if (!x->field || !x->value || !x->message || (note && !x->note)) {
		finding_clear(x);
		return ohs__error_oom();
	}
	f->n++;
	if (x->refused)
		f->refused++;
	return 0;
}

static int findings_add(ohs_findings *f, enum check c, const char *field, const char *value, int fixed,
	int strict)
{
	return findings_add_note(f, c, field, value, NULL, fixed, strict);
}

static ohs_findings *findings_new(const ohs_policy *p)
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
	    (rc = findings_add(f, (enum check)0, field, value, 0, 0)) < 0) {
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
	return x ? def_of(x)->id : NULL;
}

const char *ohs_findings_severity(const ohs_findings *f, size_t i)
{
	const finding *x = FINDING(f, i);
	return x ? sev_names[def_of(x)->sev] : NULL;
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
	return x ? def_of(x)->remediation : NULL;
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
			"id", def_of(x)->id, "severity", sev_names[def_of(x)->sev],
			"field", x->field, "value", x->value, "message", x->message,
			"remediation", def_of(x)->remediation,
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

/* ------------------------------------------------------------ body access */

typedef struct {
	const ohs_policy *p;
	ohs_findings *f;
} ctx;

static int type_error(const char *path, const char *expected, const json_t *v)
{
	static const char *const names[] = { "object", "array", "string", "integer", "real", "true",
		"false", "null" };
	int t = (int)json_typeof(v);

	return ohs__error_set(OHS_EINVAL, "create body: %s must be %s, got %s", path, expected,
		t >= 0 && (size_t)t < OHS_ARRAY_SIZE(names) ? names[t] : "?");
}

/* A member that may be missing or null (-> *out NULL), else of the given type. */
static int get_typed(json_t **out, json_t *obj, const char *key, const char *path, json_type type,
	const char *expected)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) != type && !(type == JSON_TRUE && json_is_boolean(v)))
		return type_error(path, expected, v);
	*out = v;
	return 0;
}

static int get_bool(int *out, json_t *obj, const char *key, const char *path)
{
	json_t *v;
	int rc = get_typed(&v, obj, key, path, JSON_TRUE, "a boolean");

	*out = v ? json_is_true(v) : 0;
	return rc;
}

static int get_int(json_int_t *out, json_t *obj, const char *key, const char *path)
{
	json_t *v;
	int rc = get_typed(&v, obj, key, path, JSON_INTEGER, "an integer");

	*out = v ? json_integer_value(v) : 0;
	return rc;
}

static int get_str(const char **out, json_t *obj, const char *key, const char *path)
{
	json_t *v;
	int rc = get_typed(&v, obj, key, path, JSON_STRING, "a string");

	*out = v ? json_string_value(v) : NULL;
	return rc;
}

static int get_array(json_t **out, json_t *obj, const char *key, const char *path)
{
	return get_typed(out, obj, key, path, JSON_ARRAY, "an array");
}

static int get_object(json_t **out, json_t *obj, const char *key, const char *path)
{
	return get_typed(out, obj, key, path, JSON_OBJECT, "an object");
}

/*
 * The engine (Go) matches JSON keys case-insensitively, so "privileged"
 * would set HostConfig.Privileged unseen: refuse any other spelling of a
 * key the checks read.
 */
static int keys_exact(json_t *obj, const char *path, const char *const *names, size_t n)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return 0;
	json_object_foreach(obj, key, v) {
		for (i = 0; i < n; i++)
			if (strcasecmp(key, names[i]) == 0 && strcmp(key, names[i]) != 0)
				return ohs__error_set(OHS_EINVAL, "create body: key \"%s\" in %s must be spelled "
					"\"%s\" (the engine matches keys case-insensitively)", key, path, names[i]);
	}
	return 0;
}

#define KEYS_EXACT(obj, path, names) keys_exact(obj, path, names, OHS_ARRAY_SIZE(names))

/*
 * Members of the create body whose objects the engine decodes into Go maps:
 * their keys are data (label names, ports, paths, network names), matched
 * exactly.  Every other object is decoded into a struct.  Names compare
 * ASCII-case-insensitively, the way the engine matches the member itself.
 */
static const char *const map_members[] = {
	"Labels", "Volumes", "ExposedPorts", "PortBindings", "Annotations", "StorageOpt", "Tmpfs",
	"Sysctls", "Config", "Options", "EndpointsConfig", "DriverOpts",
};

static int is_map_member(const char *key)
{
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(map_members); i++)
		if (strcasecmp(key, map_members[i]) == 0)
			return 1;
	return 0;
}

static int key_is_ascii(const char *key)
{
	for (; *key; key++)
		if ((unsigned char)*key >= 0x80)
			return 0;
	return 1;
}

/*
 * Go's encoding/json matches a key to a struct field case-insensitively,
 * and for non-ASCII keys with Unicode folding that depends on the Go version
 * (U+017F long s is "s", U+212A Kelvin sign is "k"; newer versions also fold
 * U+0131 and U+0130 to "i").  So in every object decoded into a struct: a key with a byte
 * >= 0x80 is refused (no field of the Engine API has one), and two keys
 * that are equal ignoring ASCII case are refused (the engine would take the
 * later one).  Map objects (map_members) keep any key; their values are
 * walked.  The walk covers the whole body, not only the members the checks
 * read, so no spelling can reach a field unseen.
 */
static int keys_walk(json_t *v, const char *path, int is_map)
{
	const char *key;
	json_t *child, *seen = NULL;
	size_t i;
	int rc = 0;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v) && rc == 0; i++) {
			child = json_array_get(v, i);
			if (json_is_object(child) || json_is_array(child)) {
				char *sub = ohs__sprintf("%s[%zu]", path, i);

				rc = sub ? keys_walk(child, sub, 0) : ohs__error_oom();
				free(sub);
			}
		}
		return rc;
	}
	if (!json_is_object(v))
		return 0;
	if (!is_map && !(seen = json_object()))
		return ohs__error_oom();
	json_object_foreach(v, key, child) {
		char *sub;

		if (!is_map) {
			char *low;
			json_t *prev;

			if (!key_is_ascii(key)) {
				rc = ohs__error_set(OHS_EINVAL, "create body: key \"%s\" in %s is not ASCII; "
					"the engine folds Unicode letters in keys (U+017F is \"s\", U+212A "
					"is \"k\"), so it could set a field unseen; expected the field's "
					"ASCII name", key, path);
				break;
			}
			if (!(low = ohs__strdup(key))) {
				rc = ohs__error_oom();
				break;
			}
			for (i = 0; low[i]; i++)
				low[i] = (char)tolower((unsigned char)low[i]);
			prev = json_object_get(seen, low);
			if (prev) {
				rc = ohs__error_set(OHS_EINVAL, "create body: keys \"%s\" and \"%s\" in %s "
					"are the same field for the engine (it matches keys "
					"case-insensitively); expected one of them", json_string_value(prev),
					key, path);
				free(low);
				break;
			}
			rc = json_object_set_new(seen, low, json_string(key)) ? ohs__error_oom() : 0;
			free(low);
			if (rc < 0)
				break;
		}
		if (!json_is_object(child) && !json_is_array(child))
			continue;
		if (is_map)
			sub = ohs__sprintf("%s[\"%s\"]", path, key);
		else if (strcmp(path, "the body") == 0)
			sub = ohs__strdup(key);
		else
			sub = ohs__sprintf("%s.%s", path, key);
		rc = sub ? keys_walk(child, sub, !is_map && is_map_member(key)) : ohs__error_oom();
		free(sub);
		if (rc < 0)
			break;
	}
	json_decref(seen);
	return rc;
}

static const char *const top_keys[] = { "User", "Env", "ExposedPorts", "HostConfig", "NetworkingConfig" };
static const char *const hc_keys[] = {
	"Privileged", "Binds", "Mounts", "CapAdd", "CapDrop", "NetworkMode", "PidMode", "IpcMode",
	"UTSMode", "UsernsMode", "CgroupnsMode", "SecurityOpt", "ReadonlyRootfs", "PortBindings",
	"PublishAllPorts", "Memory", "MemorySwap", "NanoCpus", "CpuQuota", "CpuPeriod", "CpusetCpus",
	"PidsLimit", "Devices", "DeviceRequests", "DeviceCgroupRules", "VolumesFrom", "GroupAdd",
	"MaskedPaths", "ReadonlyPaths", "Runtime", "CgroupParent", "OomScoreAdj",
};
static const char *const nc_keys[] = { "EndpointsConfig" };
static const char *const mount_keys[] = { "Type", "Source", "ReadOnly", "BindOptions", "VolumeOptions" };
static const char *const bindopt_keys[] = { "Propagation" };
static const char *const volopt_keys[] = { "DriverConfig" };
static const char *const drvcfg_keys[] = { "Options" };
static const char *const port_keys[] = { "HostIp", "HostPort" };
static const char *const device_keys[] = { "PathOnHost" };

/* Element i of an array, which must be a string. */
static int array_str(const char **out, json_t *arr, size_t i, const char *path)
{
	json_t *v = json_array_get(arr, i);

	if (!json_is_string(v)) {
		char *p = ohs__sprintf("%s[%zu]", path, i);
		int rc = p ? type_error(p, "a string", v) : ohs__error_oom();

		free(p);
		return rc;
	}
	*out = json_string_value(v);
	return 0;
}

static int add(ctx *c, enum check k, const char *field, const char *value)
{
	return findings_add(c->f, k, field, value, 0, 0);
}

/* add() with a formatted field "prefix[i]suffix". */
static int add_at(ctx *c, enum check k, const char *prefix, size_t i, const char *suffix, const char *value)
{
	char *field = ohs__sprintf("%s[%zu]%s", prefix, i, suffix ? suffix : "");
	int rc;

	if (!field)
		return ohs__error_oom();
	rc = add(c, k, field, value);
	free(field);
	return rc;
}

/* ------------------------------------------------------------ normalisation */

/* Capability name: upper case, "CAP_" prefix removed.  Owned. */
static char *cap_norm(const char *s)
{
	char *out;
	size_t i;

	if (strncasecmp(s, "CAP_", 4) == 0)
		s += 4;
	if (!(out = ohs__strdup(s)))
		return NULL;
	for (i = 0; out[i]; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
	return out;
}

static const char *const default_caps[] = {
	"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
	"SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
};

/*
 * Capabilities the default profile refuses in CapAdd: each is a known way
 * out of a container (mount, ptrace of other processes, kernel modules, the
 * network stack, reading any file by handle, raw I/O ports, BPF).
 */
static const char *const strict_caps[] = {
	"ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN", "DAC_READ_SEARCH", "SYS_RAWIO", "BPF",
};

/* What the hardened profile adds back after CapDrop ["ALL"]. */
static const char *const hardened_caps[] = {
	"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
};

static int in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * SecurityOpt entry "key=value", "key:value" or "key": key lower-cased into
 * kbuf, value pointer (NULL when none).
 */
static const char *secopt_split(char *kbuf, size_t kcap, const char *opt)
{
	size_t n = strcspn(opt, "=:"), i;

	if (n >= kcap)
		n = kcap - 1;
	for (i = 0; i < n; i++)
		kbuf[i] = (char)tolower((unsigned char)opt[i]);
	kbuf[n] = '\0';
	return opt[n] ? opt + n + 1 : NULL;
}

/* no-new-privileges value: 1 true; 0 false or not parseable. */
static int nnp_value(const char *v)
{
	if (!v || strcasecmp(v, "true") == 0 || strcasecmp(v, "t") == 0 || strcmp(v, "1") == 0)
		return 1;
	return 0;
}

/* A mount, from a Binds string or a Mounts object. */
typedef struct {
	char *field;      /* JSON path */
	const char *text; /* offending value shown (Binds string or Source) */
	char *source;     /* clean absolute host path; NULL for volumes, tmpfs */
	int windows;      /* source is a Windows drive path, as "/c:/lower/case" */
	int writable;
	int shared;       /* shared/rshared propagation */
} mount_t;

static void mounts_clear(mount_t *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].field);
		free(m[i].source);
	}
	free(m);
}

/* "C:\\..." or "C:/..." (Docker Desktop maps it to the Windows drive). */
static int win_drive(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

/*
 * A Windows drive path of n bytes as "/c:/rest", lower case, "\\" as "/",
 * lexically clean: Windows paths are case-insensitive and never resolved here.
 */
static char *win_clean(const char *s, size_t n, int *oom)
{
	char *t = malloc(n + 2), *c;
	size_t i;

	*oom = 0;
	if (!t) {
		*oom = 1;
		return NULL;
	}
	t[0] = '/';
	for (i = 0; i < n; i++)
		t[i + 1] = s[i] == '\\' ? '/' : (char)tolower((unsigned char)s[i]);
	t[n + 1] = '\0';
	c = path_clean(t, oom);
	free(t);
	return c;
}

static int bind_parse(mount_t *m, const char *s, const char *field)
{
	const char *c1 = strchr(win_drive(s) ? s + 2 : s, ':'), *c2, *opts;
	int oom;

	if (!c1 || c1 == s || c1[1] == '\0' || c1[1] == ':')
		return ohs__error_set(OHS_EINVAL, "create body: %s (\"%s\") must be \"source:target[:options]\"",
			field, s);
	c2 = strchr(c1 + 1, ':');
	if (c2 && strchr(c2 + 1, ':'))
		return ohs__error_set(OHS_EINVAL, "create body: %s (\"%s\") has too many \":\"; "
			"expected \"source:target[:options]\"", field, s);
	opts = c2 ? c2 + 1 : "";
	m->writable = 1;
	while (*opts) {
		size_t n = strcspn(opts, ",");

		if (n == 2 && strncmp(opts, "ro", 2) == 0)
			m->writable = 0;
		else if ((n == 6 && strncmp(opts, "shared", 6) == 0) ||
			 (n == 7 && strncmp(opts, "rshared", 7) == 0))
			m->shared = 1;
		opts += n;
		if (*opts == ',')
			opts++;
	}
	if (win_drive(s)) {
		m->windows = 1;
		m->source = win_clean(s, (size_t)(c1 - s), &oom);
		if (oom)
			return ohs__error_oom();
	} else if (s[0] == '/') {
		char *src = ohs__strndup(s, (size_t)(c1 - s));

		if (!src)
			return ohs__error_oom();
		m->source = path_clean(src, &oom);
		free(src);
		if (oom)
			return ohs__error_oom();
	}
	return 0;
}

static int mount_obj_parse(mount_t *m, json_t *o, const char *field)
{
	const char *type, *src, *prop = NULL;
	json_t *bo;
	int ro, rc, oom;
	char *sub;

	if (!json_is_object(o))
		return type_error(field, "an object", o);
	if ((rc = KEYS_EXACT(o, field, mount_keys)) < 0)
		return rc;
	bo = json_object_get(o, "VolumeOptions");
	if ((rc = KEYS_EXACT(bo, "VolumeOptions", volopt_keys)) < 0 ||
	    (rc = KEYS_EXACT(json_object_get(bo, "DriverConfig"), "DriverConfig", drvcfg_keys)) < 0 ||
	    (rc = KEYS_EXACT(json_object_get(o, "BindOptions"), "BindOptions", bindopt_keys)) < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.Type", field)))
		return ohs__error_oom();
	rc = get_str(&type, o, "Type", sub);
	free(sub);
	if (rc < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.Source", field)))
		return ohs__error_oom();
	rc = get_str(&src, o, "Source", sub);
	free(sub);
	if (rc < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.ReadOnly", field)))
		return ohs__error_oom();
	rc = get_bool(&ro, o, "ReadOnly", sub);
	free(sub);
	if (rc < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.BindOptions", field)))
		return ohs__error_oom();
	rc = get_object(&bo, o, "BindOptions", sub);
	if (rc == 0 && bo) {
		char *sub2 = ohs__sprintf("%s.Propagation", sub);

		rc = sub2 ? get_str(&prop, bo, "Propagation", sub2) : ohs__error_oom();
		free(sub2);
	}
	free(sub);
	if (rc < 0)
		return rc;
	m->text = src ? src : "";
	m->writable = !ro;
	m->shared = prop && (strcmp(prop, "shared") == 0 || strcmp(prop, "rshared") == 0);
	/* A missing Type with an absolute Source is treated as a bind (fail closed). */
	if ((!type || strcmp(type, "bind") == 0) && src && win_drive(src)) {
		m->windows = 1;
		m->source = win_clean(src, strlen(src), &oom);
		if (oom)
			return ohs__error_oom();
	} else if ((!type || strcmp(type, "bind") == 0) && src && src[0] == '/') {
		m->source = path_clean(src, &oom);
		if (oom)
			return ohs__error_oom();
	} else if (type && strcmp(type, "volume") == 0) {
		/* A local volume created inline with o=bind is a bind of its device. */
		json_t *opts = json_object_get(json_object_get(json_object_get(o, "VolumeOptions"),
			"DriverConfig"), "Options");
		const char *dev = json_string_value(json_object_get(opts, "device"));
		const char *bo_opt = json_string_value(json_object_get(opts, "o"));

		if (dev && dev[0] == '/' && bo_opt && strstr(bo_opt, "bind")) {
			m->text = dev;
			m->source = path_clean(dev, &oom);
			if (oom)
				return ohs__error_oom();
		}
	}
	return 0;
}

/* Collect Binds and Mounts. */
static int mounts_collect(mount_t **out, size_t *n_out, json_t *hc)
{
	json_t *binds, *mounts;
	size_t nb, nm, i, n = 0;
	mount_t *m;
	int rc;

	*out = NULL;
	*n_out = 0;
	if ((rc = get_array(&binds, hc, "Binds", "HostConfig.Binds")) < 0 ||
	    (rc = get_array(&mounts, hc, "Mounts", "HostConfig.Mounts")) < 0)
		return rc;
	nb = binds ? json_array_size(binds) : 0;
	nm = mounts ? json_array_size(mounts) : 0;
	if (nb + nm == 0)
		return 0;
	if (!(m = calloc(nb + nm, sizeof(*m))))
		return ohs__error_oom();
	for (i = 0; i < nb; i++, n++) {
		const char *s;

		if (!(m[n].field = ohs__sprintf("HostConfig.Binds[%zu]", i))) {
			rc = ohs__error_oom();
			goto fail;
		}
		if ((rc = array_str(&s, binds, i, "HostConfig.Binds")) < 0 ||
		    (rc = bind_parse(&m[n], s, m[n].field)) < 0)
			goto fail;
		m[n].text = s;
	}
	for (i = 0; i < nm; i++, n++) {
		if (!(m[n].field = ohs__sprintf("HostConfig.Mounts[%zu]", i))) {
			rc = ohs__error_oom();
			goto fail;
		}
		if ((rc = mount_obj_parse(&m[n], json_array_get(mounts, i), m[n].field)) < 0)
			goto fail;
	}
	*out = m;
	*n_out = n;
	return 0;
fail:
	mounts_clear(m, nb + nm);
	return rc;
}

/* ------------------------------------------------------------ checks */

/*
 * Host facts for the mount and group checks: homes and engine sockets.
 * Only what is static (fixed homes, the policy's home, the spelled socket
 * paths) when the engine is remote; the password database, the caller's and
 * the sandbox user's homes and the sockets' real paths when it is local.
 */
typedef struct {
	ohs__strvec own;     /* the caller's, the sandbox user's and the policy's homes */
	ohs__strvec other;   /* /root, /home and every home of the password database */
	ohs__strvec sockets; /* engine sockets as spelled, plus their real paths (local) */
	size_t nspelled;     /* sockets.v[0 .. nspelled) are the spelled ones */
} facts;

static const char *const default_sockets[] = { "/var/run/docker.sock", "/run/docker.sock" };

static void facts_clear(facts *h)
{
	ohs__strvec_clear(&h->own);
	ohs__strvec_clear(&h->other);
	ohs__strvec_clear(&h->sockets);
}

static int push_clean(ohs__strvec *v, char *s)
{
	int oom;
	char *c;

	if (!s)
		return 0;
	c = path_clean(s, &oom);
	free(s);
	if (oom)
		return ohs__error_oom();
	return c ? ohs__strvec_push_owned(v, c) : 0;
}

static int facts_get(facts *h, const ohs_policy *p, json_t *body)
{
	const char *user = json_string_value(json_object_get(body, "User"));
	size_t i, n;
	int rc = 0, oom = 0;
	char *s;

	memset(h, 0, sizeof(*h));
	if (p->home && (rc = ohs__strvec_push(&h->own, p->home)) < 0)
		goto fail;
	for (i = 0; i < OHS_ARRAY_SIZE(fixed_homes); i++)
		if ((rc = ohs__strvec_push(&h->other, fixed_homes[i])) < 0)
			goto fail;
	if (p->engine_socket)
		rc = ohs__strvec_push(&h->sockets, p->engine_socket);
	for (i = 0; rc == 0 && !p->engine_socket && i < OHS_ARRAY_SIZE(default_sockets); i++)
		rc = ohs__strvec_push(&h->sockets, default_sockets[i]);
	if (rc < 0)
		goto fail;
	h->nspelled = h->sockets.n;
	if (p->remote)
		return 0;
	s = ohs__hostpath_home_of_uid(getuid(), &oom);
	if (oom || (rc = push_clean(&h->own, s)) < 0)
		goto fail;
	if (user && *user) {
		char *name = ohs__strndup(user, strcspn(user, ":"));

		if (!name)
			goto oom;
		s = ohs__hostpath_home_of(name, &oom);
		free(name);
		if (oom || (rc = push_clean(&h->own, s)) < 0)
			goto fail;
	}
	n = h->other.n;
	if ((rc = ohs__hostpath_passwd_homes(&h->other)) < 0)
		goto fail;
	for (i = n; i < h->other.n; i++) {
		char *c = path_clean(h->other.v[i], &oom);

		if (oom || !c)
			goto oom;
		free(h->other.v[i]);
		h->other.v[i] = c;
	}
	for (i = 0; i < h->nspelled; i++)
		if ((s = ohs__hostpath_realpath(h->sockets.v[i])) != NULL &&
		    (rc = ohs__strvec_push_owned(&h->sockets, s)) < 0)
			goto fail;
	return 0;
oom:
	rc = ohs__error_oom();
fail:
	if (oom && rc == 0)
		rc = ohs__error_oom();
	facts_clear(h);
	return rc;
}

static int in_vec(const ohs__strvec *v, const char *s)
{
	return in_list(s, (const char *const *)v->v, v->n);
}

/* What the rules say about one spelling of a source (clean, absolute). */
enum {
	F_SOCKET = 1 << 0, F_SENSITIVE = 1 << 1, F_HOME_RW = 1 << 2, F_CRED = 1 << 3,
	F_DOTFILE = 1 << 4,
};

/* base + "/" + rel; NULL on OOM. */
static char *path_join(const char *base, const char *rel)
{
	return ohs__sprintf("%s%s%s", base, strcmp(base, "/") ? "/" : "", rel);
}

static int home_rules(int *flags, const char *src, const char *h, int writable)
{
	size_t k;

	if (writable && path_under(h, src))
		*flags |= F_HOME_RW;
	for (k = 0; k < OHS_ARRAY_SIZE(credential_dirs); k++) {
		char *cred = path_join(h, credential_dirs[k]);

		if (!cred)
			return ohs__error_oom();
		if (path_under(src, cred) || path_under(cred, src))
			*flags |= F_CRED;
		free(cred);
	}
	for (k = 0; writable && !path_under(h, src) && k < OHS_ARRAY_SIZE(home_dotfiles); k++) {
		char *dot = path_join(h, home_dotfiles[k]);

		if (!dot)
			return ohs__error_oom();
		if (path_under(src, dot) || path_under(dot, src))
			*flags |= F_DOTFILE;
		free(dot);
	}
	return 0;
}

static int path_rules(int *flags, const char *src, int writable, const facts *h)
{
	size_t i;
	int rc;

	if (is_socket(src))
		*flags |= F_SOCKET;
	if (is_sensitive(src))
		*flags |= F_SENSITIVE;
	if (writable && strcmp(src, "/") == 0)
		*flags |= F_HOME_RW;
	for (i = h->nspelled; i < h->sockets.n; i++)
		if (path_under(h->sockets.v[i], src))
			*flags |= F_SOCKET; /* holds the engine's socket */
	for (i = 0; i < h->own.n; i++)
		if ((rc = home_rules(flags, src, h->own.v[i], writable)) < 0)
			return rc;
	for (i = 0; i < h->other.n; i++) {
		if ((rc = home_rules(flags, src, h->other.v[i], writable)) < 0)
			return rc;
		/* another user's home (or /home, /root) is private even read-only */
		if (!in_vec(&h->own, h->other.v[i]) && path_under(h->other.v[i], src))
			*flags |= F_SENSITIVE;
	}
	return 0;
}

/* Windows drive paths ("/c:/..." here), lexically, like the Linux rules. */
static int windows_rules(int *flags, const char *src, int writable)
{
	static const char *const sys[] = { "/*:/windows", "/*:/program files", "/*:/program files (x86)",
		"/*:/programdata" };
	const char *rest = strlen(src) >= 3 ? src + 3 : ""; /* after "/c:" ("c:/.." is "/") */
	size_t i;

	if (!*rest) {
		*flags |= F_SENSITIVE | (writable ? F_HOME_RW : 0); /* the whole drive */
		return 0;
	}
	for (i = 0; i < OHS_ARRAY_SIZE(sys); i++)
		if (path_under(rest, sys[i] + 3) || path_under(sys[i] + 3, rest))
			*flags |= F_SENSITIVE;
	if (strcmp(rest, "/users") == 0) {
		*flags |= F_SENSITIVE | (writable ? F_HOME_RW : 0);
	} else if (strncmp(rest, "/users/", 7) == 0) {
		char *home = ohs__strndup(rest, 7 + strcspn(rest + 7, "/"));
		int rc;

		if (!home)
			return ohs__error_oom();
		rc = home_rules(flags, rest, home, writable);
		free(home);
		return rc;
	}
	return 0;
}

static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT: return "a dangling symbolic link";
	case ELOOP: return "a symbolic link loop";
	case EACCES: return "a directory the caller cannot search";
	case ENOTDIR: return "a file used as a directory";
	case ENAMETOOLONG: return "a name too long";
	default: return "an error";
	}
}

static int check_one_mount(ctx *c, const mount_t *m, const facts *h)
{
	ohs__hostpath hp = {0};
	int flags = 0, rc = 0;
	char *note = NULL;
	size_t i;

	if (m->windows) {
		if ((rc = windows_rules(&flags, m->source, m->writable)) < 0)
			return rc;
	} else {
		if ((rc = path_rules(&flags, m->source, m->writable, h)) < 0)
			return rc;
		if (!c->p->remote) {
			if ((rc = ohs__hostpath_resolve(&hp, m->source)) < 0)
				return rc;
			if (hp.resolved && strcmp(hp.resolved, m->source) != 0) {
				if ((rc = path_rules(&flags, hp.resolved, m->writable, h)) < 0)
					goto out;
				if (!(note = ohs__sprintf("resolves to %s", hp.resolved))) {
					rc = ohs__error_oom();
					goto out;
				}
			}
			for (i = 0; hp.resolved && i < h->nspelled; i++)
				if (ohs__hostpath_same_file(&hp, h->sockets.v[i]))
					flags |= F_SOCKET;
		}
	}
#define ADD_IF(cond, k) \
	if ((cond) && (rc = findings_add_note(c->f, k, m->field, m->text, note, 0, 0)) < 0) \
		goto out
	ADD_IF(flags & F_SOCKET, C_SOCKET);
	ADD_IF(hp.is_socket && !(flags & F_SOCKET), C_HOST_SOCKET);
	ADD_IF(hp.is_device, C_DEVICE_NODE);
	ADD_IF(flags & F_SENSITIVE, C_SENSITIVE);
	ADD_IF(flags & F_HOME_RW, C_HOME_RW);
	ADD_IF((flags & F_DOTFILE) && !(flags & F_HOME_RW), C_HOME_DOTFILE);
	ADD_IF(flags & F_CRED, C_CREDENTIALS);
#undef ADD_IF
	if (!m->windows && !c->p->remote && !hp.resolved)
		rc = findings_add_note(c->f, C_UNRESOLVED, m->field, m->text, errno_text(hp.err), 0, 0);
	else if (m->windows || c->p->remote)
		rc = add(c, C_LEXICAL, m->field, m->text);
out:
	free(note);
	ohs__hostpath_clear(&hp);
	return rc;
}

static int check_mounts(ctx *c, json_t *hc, json_t *body)
{
	mount_t *m;
	facts h;
	size_t n, i;
	int rc;

	if ((rc = mounts_collect(&m, &n, hc)) < 0)
		return rc;
	if (n == 0)
		return 0;
	if ((rc = facts_get(&h, c->p, body)) < 0) {
		mounts_clear(m, n);
		return rc;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (m[i].shared && (rc = add(c, C_PROPAGATION, m[i].field, m[i].text)) < 0)
			break;
		if (m[i].source)
			rc = check_one_mount(c, &m[i], &h);
	}
	facts_clear(&h);
	mounts_clear(m, n);
	return rc;
}

static int check_caps(ctx *c, json_t *hc)
{
	json_t *add_arr, *drop;
	size_t i;
	int rc, has_all = 0;

	if ((rc = get_array(&add_arr, hc, "CapAdd", "HostConfig.CapAdd")) < 0 ||
	    (rc = get_array(&drop, hc, "CapDrop", "HostConfig.CapDrop")) < 0)
		return rc;
	for (i = 0; add_arr && i < json_array_size(add_arr); i++) {
		const char *s;
		char *cap;

		if ((rc = array_str(&s, add_arr, i, "HostConfig.CapAdd")) < 0)
			return rc;
		if (!(cap = cap_norm(s)))
			return ohs__error_oom();
		if (!in_list(cap, default_caps, OHS_ARRAY_SIZE(default_caps))) {
			char *field = ohs__sprintf("HostConfig.CapAdd[%zu]", i);

			rc = field ? findings_add(c->f, C_CAPADD, field, s, 0,
				in_list(cap, strict_caps, OHS_ARRAY_SIZE(strict_caps))) : ohs__error_oom();
			free(field);
		}
		free(cap);
		if (rc < 0)
			return rc;
	}
	for (i = 0; drop && i < json_array_size(drop); i++) {
		const char *s;
		char *cap;

		if ((rc = array_str(&s, drop, i, "HostConfig.CapDrop")) < 0)
			return rc;
		if (!(cap = cap_norm(s)))
			return ohs__error_oom();
		has_all |= strcmp(cap, "ALL") == 0;
		free(cap);
	}
	if (!has_all) {
		char *v = drop ? json_dumps(drop, JSON_COMPACT) : NULL;

		if (drop && !v)
			return ohs__error_oom();
		rc = add(c, C_CAPDROP, "HostConfig.CapDrop", v ? v : "");
		free(v);
	}
	return rc;
}

/*
 * A custom seccomp profile (JSON text) whose default action lets every
 * system call through that no rule names: as good as "unconfined".
 */
static int seccomp_allows_all(const char *profile)
{
	json_t *j = json_loads(profile, 0, NULL);
	const char *act = json_string_value(json_object_get(j, "defaultAction"));
	int all = act && (strcasecmp(act, "SCMP_ACT_ALLOW") == 0 || strcasecmp(act, "SCMP_ACT_LOG") == 0 ||
		strncasecmp(act, "SCMP_ACT_TRACE", 14) == 0 || strncasecmp(act, "SCMP_ACT_NOTIFY", 15) == 0);

	json_decref(j);
	return all;
}

/* label=disable, or an SELinux type that is not confined (spc_t, unconfined_t). */
static int label_unconfined(const char *v)
{
	if (strcasecmp(v, "disable") == 0)
		return 1;
	return strncasecmp(v, "type:", 5) == 0 &&
		(strcmp(v + 5, "spc_t") == 0 || strcmp(v + 5, "unconfined_t") == 0);
}

static int check_secopts(ctx *c, json_t *hc)
{
	json_t *arr;
	size_t i;
	int rc, nnp = 0;
	const char *nnp_text = "";
	char nnp_field[64] = "HostConfig.SecurityOpt";

	if ((rc = get_array(&arr, hc, "SecurityOpt", "HostConfig.SecurityOpt")) < 0)
		return rc;
	for (i = 0; arr && i < json_array_size(arr); i++) {
		const char *s, *v;
		char key[32];
		enum check k = C__COUNT;

		if ((rc = array_str(&s, arr, i, "HostConfig.SecurityOpt")) < 0)
			return rc;
		v = secopt_split(key, sizeof(key), s);
		if (strcmp(key, "no-new-privileges") == 0) {
			nnp = nnp_value(v);
			nnp_text = s;
			snprintf(nnp_field, sizeof(nnp_field), "HostConfig.SecurityOpt[%zu]", i);
			continue;
		}
		if (!v)
			continue;
		if (strcmp(key, "seccomp") == 0)
			k = strcasecmp(v, "unconfined") == 0 || seccomp_allows_all(v) ? C_SECCOMP :
				strcmp(v, "builtin") == 0 ? C__COUNT : C_CUSTOM_SECCOMP;
		else if (strcmp(key, "apparmor") == 0)
			k = strcasecmp(v, "unconfined") == 0 ? C_APPARMOR :
				strcmp(v, "docker-default") == 0 ? C__COUNT : C_CUSTOM_APPARMOR;
		else if (strcmp(key, "label") == 0 && label_unconfined(v))
			k = C_LABEL;
		else if (strcmp(key, "systempaths") == 0 && strcasecmp(v, "unconfined") == 0)
			k = C_SYSPATHS;
		if (k != C__COUNT) {
			/* a profile is JSON text: show its beginning only */
			char *shown = strlen(s) > 80 ? ohs__sprintf("%.72s...", s) : NULL;

			if (strlen(s) > 80 && !shown)
				return ohs__error_oom();
			rc = add_at(c, k, "HostConfig.SecurityOpt", i, NULL, shown ? shown : s);
			free(shown);
			if (rc < 0)
				return rc;
		}
	}
	if (!nnp)
		rc = add(c, C_NNP, nnp_field, nnp_text);
	return rc;
}

static int check_ns(ctx *c, json_t *hc, json_t *body)
{
	static const struct {
		const char *key;
		enum check k;
	} ns[] = {
		{ "NetworkMode", C_NET }, { "PidMode", C_PID }, { "IpcMode", C_IPC },
		{ "UTSMode", C_UTS }, { "UsernsMode", C_USERNS }, { "CgroupnsMode", C_CGROUPNS },
	};
	json_t *nc, *eps;
	size_t i;
	int rc;

	for (i = 0; i < OHS_ARRAY_SIZE(ns); i++) {
		char field[64];
		const char *v;

		snprintf(field, sizeof(field), "HostConfig.%s", ns[i].key);
		if ((rc = get_str(&v, hc, ns[i].key, field)) < 0)
			return rc;
		if (v && strcasecmp(v, "host") == 0 && (rc = add(c, ns[i].k, field, v)) < 0)
			return rc;
		/* only these three take "container:<id>"; the engine refuses it elsewhere */
		if (v && strncasecmp(v, "container:", 10) == 0 &&
		    (ns[i].k == C_NET || ns[i].k == C_PID || ns[i].k == C_IPC) &&
		    (rc = add(c, C_CONTAINER_NS, field, v)) < 0)
			return rc;
	}
	if ((rc = get_object(&nc, body, "NetworkingConfig", "NetworkingConfig")) < 0 ||
	    (rc = get_object(&eps, nc, "EndpointsConfig", "NetworkingConfig.EndpointsConfig")) < 0)
		return rc;
	if (eps && json_object_get(eps, "host"))
		rc = add(c, C_NET, "NetworkingConfig.EndpointsConfig", "host");
	return rc;
}

/* Any spelling of "every interface" (see ohs__hostpath_ip_kind). */
static int hostip_all(const char *ip)
{
	return ohs__hostpath_ip_kind(ip) == OHS__IP_ANY;
}

/* Host port: "" / missing (random) -> 0; "N" or "N-M" -> N; else -1. */
static long hostport_value(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	v = strtol(s, &end, 10);
	if (*end == '-' && isdigit((unsigned char)end[1])) {
		strtol(end + 1, &end, 10);
	}
	if (*end || v > 65535)
		return -1;
	return v;
}

static int check_ports(ctx *c, json_t *hc)
{
	json_t *pb, *arr;
	const char *key;
	int rc, all;

	if ((rc = get_bool(&all, hc, "PublishAllPorts", "HostConfig.PublishAllPorts")) < 0)
		return rc;
	if (all && (rc = add(c, C_PUBLISH_ALL, "HostConfig.PublishAllPorts", "true")) < 0)
		return rc;
	if ((rc = get_object(&pb, hc, "PortBindings", "HostConfig.PortBindings")) < 0 || !pb)
		return rc;
	json_object_foreach(pb, key, arr) {
		size_t i;
		char *base = ohs__sprintf("HostConfig.PortBindings[\"%s\"]", key);

		if (!base)
			return ohs__error_oom();
		if (!json_is_null(arr) && !json_is_array(arr)) {
			rc = type_error(base, "an array", arr);
			free(base);
			return rc;
		}
		for (i = 0; rc == 0 && json_is_array(arr) && i < json_array_size(arr); i++) {
			json_t *b = json_array_get(arr, i);
			char *f = ohs__sprintf("%s[%zu]", base, i);
			char *fip = ohs__sprintf("%s[%zu].HostIp", base, i);
			char *fport = ohs__sprintf("%s[%zu].HostPort", base, i);
			const char *ip = NULL, *port = NULL;
			long pv;

			if (!f || !fip || !fport)
				rc = ohs__error_oom();
			else if (!json_is_object(b))
				rc = type_error(f, "an object", b);
			else if ((rc = KEYS_EXACT(b, f, port_keys)) == 0 &&
				 (rc = get_str(&ip, b, "HostIp", fip)) == 0 &&
				 (rc = get_str(&port, b, "HostPort", fport)) == 0) {
				pv = hostport_value(port);
				if (pv < 0)
					rc = ohs__error_set(OHS_EINVAL, "create body: %s (\"%s\") must be a port "
						"number, a range \"N-M\" or empty", fport, port);
				else if (hostip_all(ip))
					rc = add(c, C_PORT_ALL, fip, ip ? ip : "");
				else if (ohs__hostpath_ip_kind(ip) == OHS__IP_OTHER)
					rc = add(c, C_PORT_ADDR, fip, ip);
				if (rc == 0 && pv > 0 && pv < 1025)
					rc = add(c, C_PORT_PRIV, fport, port);
			}
			free(f);
			free(fip);
			free(fport);
		}
		free(base);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_limits(ctx *c, json_t *hc)
{
	json_int_t mem, nano, quota, pids;
	const char *cpuset;
	int rc;

	if ((rc = get_int(&mem, hc, "Memory", "HostConfig.Memory")) < 0 ||
	    (rc = get_int(&nano, hc, "NanoCpus", "HostConfig.NanoCpus")) < 0 ||
	    (rc = get_int(&quota, hc, "CpuQuota", "HostConfig.CpuQuota")) < 0 ||
	    (rc = get_str(&cpuset, hc, "CpusetCpus", "HostConfig.CpusetCpus")) < 0 ||
	    (rc = get_int(&pids, hc, "PidsLimit", "HostConfig.PidsLimit")) < 0)
		return rc;
	if (mem <= 0 && (rc = add(c, C_MEMORY, "HostConfig.Memory", mem ? "unlimited" : "0")) < 0)
		return rc;
	if (nano <= 0 && quota <= 0 && (!cpuset || !*cpuset) &&
	    (rc = add(c, C_CPU, "HostConfig.NanoCpus", "0")) < 0)
		return rc;
	if (pids <= 0 && (rc = add(c, C_PIDS, "HostConfig.PidsLimit", pids ? "unlimited" : "0")) < 0)
		return rc;
	return 0;
}

static int check_devices(ctx *c, json_t *hc)
{
	static const char *const keys[] = { "Devices", "DeviceRequests", "DeviceCgroupRules" };
	size_t k, i;
	int rc;

	for (k = 0; k < OHS_ARRAY_SIZE(keys); k++) {
		char path[64];
		json_t *arr;

		snprintf(path, sizeof(path), "HostConfig.%s", keys[k]);
		if ((rc = get_array(&arr, hc, keys[k], path)) < 0)
			return rc;
		for (i = 0; arr && i < json_array_size(arr); i++) {
			json_t *e = json_array_get(arr, i);
			json_t *poh = json_is_object(e) ? json_object_get(e, "PathOnHost") : NULL;
			char *v;

			if ((rc = KEYS_EXACT(e, path, device_keys)) < 0)
				return rc;
			if (json_is_string(poh))
				v = ohs__strdup(json_string_value(poh));
			else if (json_is_string(e))
				v = ohs__strdup(json_string_value(e));
			else
				v = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
			if (!v)
				return ohs__error_oom();
			rc = add_at(c, C_DEVICES, path, i, NULL, v);
			free(v);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/*
 * A group that opens the host: gid 0, the engine socket's group, shadow
 * (by number or name; "+0" and "-0" are 0, as the runtime's Atoi reads
 * them).  Names and the socket's group are looked up only on a local engine.
 */
static int group_privileged(const ohs_policy *p, const char *g)
{
	static const char *const names[] = { "root", "shadow", "docker" };
	const char *d = g + (g[0] == '+' || g[0] == '-');
	gid_t gid, x;
	size_t i;

	if (!*g)
		return 0;
	if (*d && strspn(d, "0123456789") == strlen(d)) {
		if (strspn(d, "0") == strlen(d))
			return 1;
		if (strlen(d) > 10)
			return 0;
		gid = (gid_t)strtoul(d, NULL, 10);
	} else {
		if (in_list(g, names, OHS_ARRAY_SIZE(names)))
			return 1;
		if (p->remote || ohs__hostpath_group_gid(&gid, g) < 0)
			return 0;
		if (gid == 0)
			return 1;
	}
	if (p->remote)
		return 0;
	if (ohs__hostpath_group_gid(&x, "shadow") == 0 && x == gid)
		return 1;
	if (p->engine_socket)
		return ohs__hostpath_file_gid(&x, p->engine_socket) == 0 && x == gid;
	for (i = 0; i < OHS_ARRAY_SIZE(default_sockets); i++)
		if (ohs__hostpath_file_gid(&x, default_sockets[i]) == 0 && x == gid)
			return 1;
	return 0;
}

static int check_groups(ctx *c, json_t *body, json_t *hc)
{
	const char *user = json_string_value(json_object_get(body, "User"));
	const char *colon = user ? strchr(user, ':') : NULL;
	json_t *ga;
	size_t i;
	int rc;

	/* a root user is 4.1 already (and the hardened rewrite replaces it) */
	if (colon && !user_is_root(user) && group_privileged(c->p, colon + 1) &&
	    (rc = add(c, C_GROUP, "User", user)) < 0)
		return rc;
	if ((rc = get_array(&ga, hc, "GroupAdd", "HostConfig.GroupAdd")) < 0)
		return rc;
	for (i = 0; ga && i < json_array_size(ga); i++) {
		const char *g;

		if ((rc = array_str(&g, ga, i, "HostConfig.GroupAdd")) < 0)
			return rc;
		if (group_privileged(c->p, g) && (rc = add_at(c, C_GROUP, "HostConfig.GroupAdd", i, NULL, g)) < 0)
			return rc;
	}
	return 0;
}

/* Docker's defaults the engine applies when MaskedPaths / ReadonlyPaths are missing or null. */
static const char *const default_masked[] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
};
static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/*
 * A MaskedPaths or ReadonlyPaths list replaces Docker's (an empty one
 * unmasks everything, like systempaths=unconfined): each default path must
 * be in it, or under an entry of it.
 */
static int check_syspath_list(ctx *c, json_t *hc, const char *key, const char *const *defs, size_t ndefs)
{
	char field[64];
	json_t *arr;
	size_t i, j;
	int rc;

	snprintf(field, sizeof(field), "HostConfig.%s", key);
	if ((rc = get_array(&arr, hc, key, field)) < 0 || !arr)
		return rc;
	for (i = 0; i < ndefs; i++) {
		int found = 0;

		for (j = 0; j < json_array_size(arr) && !found; j++) {
			const char *s;
			char *clean;
			int oom;

			if ((rc = array_str(&s, arr, j, field)) < 0)
				return rc;
			clean = path_clean(s, &oom);
			if (oom)
				return ohs__error_oom();
			found = clean && path_under(defs[i], clean);
			free(clean);
		}
		if (!found) {
			char *v = json_dumps(arr, JSON_COMPACT);

			if (!v)
				return ohs__error_oom();
			rc = add(c, C_MASKED_PATHS, field, strlen(v) > 80 ? "[...]" : v);
			free(v);
			return rc;
		}
	}
	return 0;
}

static int check_fields(ctx *c, json_t *hc)
{
	const char *rt, *cgp;
	json_int_t oom;
	int rc;

	if ((rc = check_syspath_list(c, hc, "MaskedPaths", default_masked,
			OHS_ARRAY_SIZE(default_masked))) < 0 ||
	    (rc = check_syspath_list(c, hc, "ReadonlyPaths", default_readonly,
			OHS_ARRAY_SIZE(default_readonly))) < 0 ||
	    (rc = get_str(&rt, hc, "Runtime", "HostConfig.Runtime")) < 0 ||
	    (rc = get_str(&cgp, hc, "CgroupParent", "HostConfig.CgroupParent")) < 0 ||
	    (rc = get_int(&oom, hc, "OomScoreAdj", "HostConfig.OomScoreAdj")) < 0)
		return rc;
	if (rt && *rt && strcmp(rt, "runc") != 0 && (rc = add(c, C_RUNTIME, "HostConfig.Runtime", rt)) < 0)
		return rc;
	if (cgp && *cgp && (rc = add(c, C_CGROUP_PARENT, "HostConfig.CgroupParent", cgp)) < 0)
		return rc;
	if (oom < 0) {
		char v[32];

		snprintf(v, sizeof(v), "%lld", (long long)oom);
		if ((rc = add(c, C_OOM_SCORE, "HostConfig.OomScoreAdj", v)) < 0)
			return rc;
	}
	return 0;
}

static int check_user_env(ctx *c, json_t *body)
{
	static const char *const words[] = { "TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY" };
	const char *user;
	json_t *env;
	size_t i, k;
	int rc;

	if ((rc = get_str(&user, body, "User", "User")) < 0)
		return rc;
	if (user_is_root(user) && (rc = add(c, C_ROOT_USER, "User", user ? user : "")) < 0)
		return rc;
	if ((rc = get_array(&env, body, "Env", "Env")) < 0)
		return rc;
	for (i = 0; env && i < json_array_size(env); i++) {
		const char *s;
		char *name;
		size_t n, j;

		if ((rc = array_str(&s, env, i, "Env")) < 0)
			return rc;
		n = strcspn(s, "=");
		if (!(name = ohs__strndup(s, n)))
			return ohs__error_oom();
		for (j = 0; j < n; j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		for (k = 0; k < OHS_ARRAY_SIZE(words); k++)
			if (strstr(name, words[k]))
				break;
		if (k < OHS_ARRAY_SIZE(words)) {
			memcpy(name, s, n); /* report the name as written, never the value */
			rc = add_at(c, C_SECRET_ENV, "Env", i, NULL, name);
		}
		free(name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_body(ohs_findings *f, const ohs_policy *p, json_t *body)
{
	ctx c = { p, f };
	json_t *hc, *vf;
	int rc, b;
	size_t i;

	if (!json_is_object(body))
		return type_error("the body", "a JSON object", body);
	if ((rc = keys_walk(body, "the body", 0)) < 0 ||
	    (rc = KEYS_EXACT(body, "the body", top_keys)) < 0 ||
	    (rc = get_object(&hc, body, "HostConfig", "HostConfig")) < 0 ||
	    (rc = KEYS_EXACT(hc, "HostConfig", hc_keys)) < 0 ||
	    (rc = KEYS_EXACT(json_object_get(body, "NetworkingConfig"), "NetworkingConfig", nc_keys)) < 0)
		return rc;
	if ((rc = get_bool(&b, hc, "Privileged", "HostConfig.Privileged")) < 0)
		return rc;
	if (b && (rc = add(&c, C_PRIVILEGED, "HostConfig.Privileged", "true")) < 0)
		return rc;
	if ((rc = check_mounts(&c, hc, body)) < 0 ||
	    (rc = check_caps(&c, hc)) < 0 ||
	    (rc = check_ns(&c, hc, body)) < 0 ||
	    (rc = check_secopts(&c, hc)) < 0)
		return rc;
	if ((rc = get_bool(&b, hc, "ReadonlyRootfs", "HostConfig.ReadonlyRootfs")) < 0)
		return rc;
	if (!b && (rc = add(&c, C_ROOTFS, "HostConfig.ReadonlyRootfs", "false")) < 0)
		return rc;
	if ((rc = check_ports(&c, hc)) < 0 ||
	    (rc = check_limits(&c, hc)) < 0 ||
	    (rc = check_devices(&c, hc)) < 0 ||
	    (rc = check_user_env(&c, body)) < 0 ||
	    (rc = check_groups(&c, body, hc)) < 0 ||
	    (rc = check_fields(&c, hc)) < 0)
		return rc;
	if ((rc = get_array(&vf, hc, "VolumesFrom", "HostConfig.VolumesFrom")) < 0)
		return rc;
	for (i = 0; vf && i < json_array_size(vf); i++) {
		const char *s;

		if ((rc = array_str(&s, vf, i, "HostConfig.VolumesFrom")) < 0 ||
		    (rc = add_at(&c, C_VOLUMES_FROM, "HostConfig.VolumesFrom", i, NULL, s)) < 0)
			return rc;
	}
	return 0;
}

static int parse_body(json_t **out, const char *fn, const char *body)
{
	json_error_t err;

	*out = json_loads(body, JSON_REJECT_DUPLICATES, &err);
	if (!*out)
		return ohs__error_set(OHS_EINVAL, "%s: create body is not valid JSON "
			"(line %d, column %d: %s); refusing to check it", fn, err.line, err.column, err.text);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EINVAL, "%s: create body must be a JSON object", fn);
	}
	return 0;
}

static int run_checks(ohs_findings **out, const ohs_policy *p, json_t *body, const char *fn)
{
	ohs_findings *f = findings_new(p);
	int rc;

	*out = NULL;
	if (!f)
		return ohs__error_oom();
	if ((rc = check_body(f, p, body)) < 0) {
		ohs_findings_free(f);
		ohs__error_prefix(fn);
		return rc;
	}
	*out = f;
	return 0;
}

int ohs_policy_check(ohs_findings **out, const ohs_policy *p, const char *create_body)
{
	json_t *body;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_check: out is NULL");
	*out = NULL;
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_check: p is NULL");
	if (!create_body)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_check: create_body is NULL");
	if ((rc = parse_body(&body, "ohs_policy_check", create_body)) < 0)
		return rc;
	rc = run_checks(out, p, body, "ohs_policy_check");
	json_decref(body);
	return rc;
}

/* ------------------------------------------------------------ hardened rewrite */

static int set_new(json_t *obj, const char *key, json_t *v)
{
	return v && json_object_set_new(obj, key, v) == 0 ? 0 : ohs__error_oom();
}

static int rewrite_ports(json_t *body, json_t *hc)
{
	json_t *pb = json_object_get(hc, "PortBindings");
	json_t *exposed = json_object_get(body, "ExposedPorts");
	const char *key;
	json_t *arr;
	int rc;

	if (json_is_true(json_object_get(hc, "PublishAllPorts"))) {
		/* Publish every exposed port on 127.0.0.1 (random host port) instead. */
		if ((rc = set_new(hc, "PublishAllPorts", json_false())) < 0)
			return rc;
		if (!json_is_object(pb)) {
			if ((rc = set_new(hc, "PortBindings", json_object())) < 0)
				return rc;
			pb = json_object_get(hc, "PortBindings");
		}
		if (json_is_object(exposed)) {
			json_t *v;

			json_object_foreach(exposed, key, v) {
				json_t *cur = json_object_get(pb, key);

				if (json_is_array(cur) && json_array_size(cur) > 0)
					continue;
				if ((rc = set_new(pb, key, json_pack("[{s:s, s:s}]", "HostIp", "127.0.0.1",
						"HostPort", ""))) < 0)
					return rc;
			}
		}
	}
	if (!json_is_object(pb))
		return 0;
	json_object_foreach(pb, key, arr) {
		size_t i, j;

		if (!json_is_array(arr))
			continue;
		for (i = 0; i < json_array_size(arr); i++) {
			json_t *b = json_array_get(arr, i);

			if (hostip_all(json_string_value(json_object_get(b, "HostIp"))) &&
			    (rc = set_new(b, "HostIp", json_string("127.0.0.1"))) < 0)
				return rc;
		}
		/* 0.0.0.0 and :: bindings of one port now collide: keep one. */
		for (i = 0; i < json_array_size(arr); i++) {
			for (j = i + 1; j < json_array_size(arr);) {
				if (json_equal(json_array_get(arr, i), json_array_get(arr, j)))
					json_array_remove(arr, j);
				else
					j++;
			}
		}
	}
	return 0;
}

static int rewrite_caps(json_t *hc)
{
	json_t *add_arr = json_object_get(hc, "CapAdd");
	json_t *drop = json_object_get(hc, "CapDrop");
	json_t *na = json_array(), *nd = NULL;
	ohs__strvec dropped = {0};
	size_t i;
	int rc = 0;

	if (!na)
		return ohs__error_oom();
	for (i = 0; json_is_array(drop) && i < json_array_size(drop); i++) {
		char *cap = cap_norm(json_string_value(json_array_get(drop, i)));

		if ((rc = ohs__strvec_push_owned(&dropped, cap)) < 0)
			goto out;
	}
	/*
	 * The minimal set, minus what the body dropped itself (nothing when the
	 * body already drops ALL: its CapAdd is then the chosen set) ...
	 */
	for (i = 0; !in_list("ALL", (const char *const *)dropped.v, dropped.n) &&
	     i < OHS_ARRAY_SIZE(hardened_caps); i++) {
		if (in_list(hardened_caps[i], (const char *const *)dropped.v, dropped.n))
			continue;
		if (json_array_append_new(na, json_string(hardened_caps[i]))) {
			rc = ohs__error_oom();
			goto out;
		}
	}
	/* ... plus what the body added (extra ones stay, and stay reported). */
	for (i = 0; json_is_array(add_arr) && i < json_array_size(add_arr); i++) {
		char *cap = cap_norm(json_string_value(json_array_get(add_arr, i)));
		size_t j;
		int dup = 0;

		if (!cap) {
			rc = ohs__error_oom();
			goto out;
		}
		for (j = 0; j < json_array_size(na); j++)
			dup |= strcmp(json_string_value(json_array_get(na, j)), cap) == 0;
		rc = dup ? 0 : json_array_append_new(na, json_string(cap)) ? ohs__error_oom() : 0;
		free(cap);
		if (rc < 0)
			goto out;
	}
	nd = json_pack("[s]", "ALL");
	if ((rc = set_new(hc, "CapDrop", nd)) < 0) {
		nd = NULL;
		goto out;
	}
	rc = set_new(hc, "CapAdd", na);
	na = NULL;
out:
	json_decref(na);
	ohs__strvec_clear(&dropped);
	return rc;
}

static int rewrite_secopt(json_t *hc)
{
	json_t *arr = json_object_get(hc, "SecurityOpt");
	size_t i;
	int rc;

	if (!json_is_array(arr)) {
		if ((rc = set_new(hc, "SecurityOpt", json_array())) < 0)
			return rc;
		arr = json_object_get(hc, "SecurityOpt");
	}
	for (i = 0; i < json_array_size(arr);) {
		char key[32];

		secopt_split(key, sizeof(key), json_string_value(json_array_get(arr, i)));
		if (strcmp(key, "no-new-privileges") == 0)
			json_array_remove(arr, i);
		else
			i++;
	}
	return json_array_append_new(arr, json_string("no-new-privileges:true")) ? ohs__error_oom() : 0;
}

static int rewrite_limits(const ohs_policy *p, json_t *hc)
{
	json_int_t mem = json_integer_value(json_object_get(hc, "Memory"));
	json_int_t swap = json_integer_value(json_object_get(hc, "MemorySwap"));
	json_int_t nano = json_integer_value(json_object_get(hc, "NanoCpus"));
	json_int_t quota = json_integer_value(json_object_get(hc, "CpuQuota"));
	json_int_t period = json_integer_value(json_object_get(hc, "CpuPeriod"));
	json_int_t pids = json_integer_value(json_object_get(hc, "PidsLimit"));
	const char *cpuset = json_string_value(json_object_get(hc, "CpusetCpus"));
	int rc;

	if (mem <= 0 && p->memory > 0) {
		json_int_t m = p->memory;

		/* The engine refuses MemorySwap below Memory. */
		if (swap > 0 && swap < m)
			m = swap;
		if ((rc = set_new(hc, "Memory", json_integer(m))) < 0)
			return rc;
	}
	/* NanoCpus conflicts with CpuQuota/CpuPeriod: set it only when neither is. */
	if (nano <= 0 && quota <= 0 && period <= 0 && (!cpuset || !*cpuset) && p->nano_cpus > 0 &&
	    (rc = set_new(hc, "NanoCpus", json_integer(p->nano_cpus))) < 0)
		return rc;
	if (pids <= 0 && p->pids > 0 && (rc = set_new(hc, "PidsLimit", json_integer(p->pids))) < 0)
		return rc;
	return 0;
}

static int rewrite_hardened(const ohs_policy *p, json_t *body)
{
	json_t *hc = json_object_get(body, "HostConfig");
	int rc;

	/* missing or null (the checks accept both) */
	if (!json_is_object(hc)) {
		if ((rc = set_new(body, "HostConfig", json_object())) < 0)
			return rc;
		hc = json_object_get(body, "HostConfig");
	}
	if ((rc = rewrite_ports(body, hc)) < 0 ||
	    (rc = rewrite_caps(hc)) < 0 ||
	    (rc = rewrite_secopt(hc)) < 0 ||
	    (rc = rewrite_limits(p, hc)) < 0)
		return rc;
	if (p->user && user_is_root(json_string_value(json_object_get(body, "User"))) &&
	    (rc = set_new(body, "User", json_string(p->user))) < 0)
		return rc;
	return 0;
}

static int same_finding(const finding *a, const finding *b)
{
	return a->check == b->check && strcmp(a->field, b->field) == 0 && strcmp(a->value, b->value) == 0;
}

/*
 * Findings of the rewritten body, in the order of the original ones; an
 * original finding that the rewrite removed is kept, marked fixed.
 */
static int merge_findings(ohs_findings **out, const ohs_policy *p, const ohs_findings *before,
	const ohs_findings *after)
{
	ohs_findings *m = findings_new(p);
	char *used = calloc(after->n + 1, 1);
	size_t i, j;
	int rc = 0;

	*out = NULL;
	if (!m || !used) {
		ohs_findings_free(m);
		free(used);
		return ohs__error_oom();
	}
	for (i = 0; i < before->n && rc == 0; i++) {
		const finding *a = &before->v[i];

		for (j = 0; j < after->n; j++)
			if (!used[j] && same_finding(a, &after->v[j]))
				break;
		if (j < after->n)
			used[j] = 1;
		rc = findings_add_note(m, a->check, a->field, a->value, a->note, j == after->n, a->strict);
	}
	for (j = 0; j < after->n && rc == 0; j++)
		if (!used[j])
			rc = findings_add_note(m, after->v[j].check, after->v[j].field, after->v[j].value,
				after->v[j].note, 0, after->v[j].strict);
	free(used);
	if (rc < 0) {
		ohs_findings_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* OHS_EPOLICY with every refused finding named. */
static int refusal_error(const ohs_policy *p, const ohs_findings *f)
{
	ohs__buf b = {0};
	size_t i, k = 0;
	int rc;

	for (i = 0; i < f->n; i++) {
		const finding *x = &f->v[i];
		char *s;

		if (!x->refused)
			continue;
		s = ohs__sprintf("%s%s %s=\"%s\" (%s)", k++ ? "; " : "", def_of(x)->id, x->field,
			x->value, def_of(x)->title);
		if (!s || ohs__buf_puts(&b, s) < 0) {
			free(s);
			ohs__buf_clear(&b);
			return ohs__error_oom();
		}
		free(s);
	}
	rc = ohs__error_set(OHS_EPOLICY, "security profile \"%s\" (mode \"%s\") refuses the sandbox: %zu "
		"refused finding%s: %s", ohs_policy_profile_name(p->profile), ohs_policy_mode_name(p->mode),
		f->refused, f->refused == 1 ? "" : "s", b.data ? b.data : "");
	ohs__buf_clear(&b);
	return rc;
}

int ohs_policy_apply(char **out_body, ohs_findings **out_findings, const ohs_policy *p,
	const char *create_body)
{
	static const char fn[] = "ohs_policy_apply";
	json_t *body = NULL;
	ohs_findings *before = NULL, *after = NULL, *f = NULL;
	char *out = NULL;
	int rc;

	if (out_findings)
		*out_findings = NULL;
	if (!out_body)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_apply: out_body is NULL");
	*out_body = NULL;
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_apply: p is NULL");
	if (!create_body)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_apply: create_body is NULL");
	if ((rc = parse_body(&body, fn, create_body)) < 0)
		return rc;
	if ((rc = run_checks(&before, p, body, fn)) < 0)
		goto out;
	if (p->profile == OHS_PROFILE_HARDENED) {
		if ((rc = rewrite_hardened(p, body)) < 0 ||
		    (rc = run_checks(&after, p, body, fn)) < 0 ||
		    (rc = merge_findings(&f, p, before, after)) < 0)
			goto out;
		if (!(out = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
			rc = ohs__error_oom();
			goto out;
		}
	} else {
		f = before;
		before = NULL;
		if (!(out = ohs__strdup(create_body))) {
			rc = ohs__error_oom();
			goto out;
		}
	}
	if (p->mode == OHS_MODE_ENFORCE && f->refused > 0) {
		rc = refusal_error(p, f);
		free(out);
		out = NULL;
		if (rc == OHS_EPOLICY && out_findings) {
			*out_findings = f;
			f = NULL;
		}
		goto out;
	}
	*out_body = out;
	out = NULL;
	if (out_findings) {
		*out_findings = f;
		f = NULL;
	}
out:
	free(out);
	ohs_findings_free(before);
	ohs_findings_free(after);
	ohs_findings_free(f);
	json_decref(body);
	return rc;
}

/* ------------------------------------------------------------ session hook */

int ohs__policy_apply_client(char **out_body, ohs_findings **out_findings, const ohs_config *cfg,
	const char *docker_host)
{
	ohs_policy *pol = cfg ? ohs_config_policy((ohs_config *)cfg) : NULL;
	ohs_config *d = NULL;
	char *sock = NULL;
	int local, rc;

	if (!pol)
		return ohs_config_apply_policy(out_body, out_findings, cfg);
	if ((local = ohs__hostpath_docker_host_local(docker_host, &sock)) < 0)
		return local;
	/* Judge with the facts of the engine the session really talks to. */
	if (pol->remote || (local && (!sock || pol->engine_socket ||
	    in_list(sock, default_sockets, OHS_ARRAY_SIZE(default_sockets))))) {
		free(sock);
		return ohs_config_apply_policy(out_body, out_findings, cfg);
	}
	if ((rc = ohs_config_dup(&d, cfg)) == 0) {
		pol = ohs_config_policy(d);
		rc = local ? ohs_policy_set_engine_socket(pol, sock) : ohs_policy_set_engine_local(pol, 0);
		if (rc == 0)
			rc = ohs_config_apply_policy(out_body, out_findings, d);
	}
	ohs_config_free(d);
	free(sock);
	return rc;
}

/* ------------------------------------------------------------ API 1.1 additions */

int ohs_policy_new_enum(ohs_policy **out, ohs_security_profile profile, ohs_security_mode mode)
{
	const char *pn = ohs_policy_profile_name(profile), *mn = ohs_policy_mode_name(mode);

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new_enum: out is NULL");
	*out = NULL;
	if (!pn)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new_enum: profile %d is not an "
			"ohs_security_profile (0 permissive, 1 default, 2 hardened)", (int)profile);
	if (!mn)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new_enum: mode %d is not an "
			"ohs_security_mode (0 enforce, 1 warn)", (int)mode);
	return ohs_policy_new(out, pn, mn);
}

const char *ohs_findings_profile(const ohs_findings *f)
{
	return f ? ohs_policy_profile_name(f->profile) : NULL;
}

const char *ohs_findings_mode(const ohs_findings *f)
{
	return f ? ohs_policy_mode_name(f->mode) : NULL;
}
