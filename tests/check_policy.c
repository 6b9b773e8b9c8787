/*
 * policy: every check (failing and passing case), normalisation, the profile
 * refusal matrix, enforce vs warn, the hardened rewrite, fail-closed errors.
 * Unit: no engine.
 */
#include "internal.h"
#include "config_int.h"
#include "hostpath_int.h"
#include "testutil.h"

#include <jansson.h>

#define HOME "/home/u"

/* A body that triggers no finding at all. */
static const char clean_body[] =
	"{\"Image\":\"ohs-test:latest\",\"User\":\"1000:1000\",\"Env\":[\"PATH=/bin\",\"LANG=C\"],"
	"\"HostConfig\":{\"CapDrop\":[\"ALL\"],\"SecurityOpt\":[\"no-new-privileges:true\"],"
	"\"ReadonlyRootfs\":true,\"Memory\":1073741824,\"NanoCpus\":1000000000,\"PidsLimit\":100}}";

/* clean_body with the top-level keys of frag replaced and its HostConfig keys merged in. */
static char *body_with(const char *frag)
{
	json_error_t err;
	json_t *base = json_loads(clean_body, 0, &err), *f = json_loads(frag, 0, &err);
	json_t *fhc;
	char *out;

	ck_assert_msg(base != NULL, "clean body: %s", err.text);
	ck_assert_msg(f != NULL, "fragment %s: %s", frag, err.text);
	fhc = json_object_get(f, "HostConfig");
	if (fhc) {
		json_object_update(json_object_get(base, "HostConfig"), fhc);
		json_object_del(f, "HostConfig");
	}
	json_object_update(base, f);
	out = json_dumps(base, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(base);
	json_decref(f);
	return out;
}

static ohs_policy *policy(const char *profile, const char *mode)
{
	ohs_policy *p = NULL;

	ck_assert_ohs_ok(ohs_policy_new(&p, profile, mode));
	ck_assert_ohs_ok(ohs_policy_set_home(p, HOME));
	return p;
}

/* Index of the finding with id (and field, when not NULL), or -1. */
static long find(const ohs_findings *f, const char *id, const char *field)
{
	size_t i;

	for (i = 0; i < ohs_findings_count(f); i++)
		if (strcmp(ohs_findings_id(f, i), id) == 0 &&
		    (!field || strcmp(ohs_findings_field(f, i), field) == 0))
			return (long)i;
	return -1;
}

static char *dump_findings(const ohs_findings *f)
{
	char *s = NULL;

	ohs_findings_to_json(&s, f);
	return s;
}

/* ------------------------------------------------------------ every check */

typedef struct {
	const char *frag;
	const char *id;
	const char *field;    /* NULL: a passing case (no finding with id) */
	const char *value;
	const char *severity;
} check_case;

static const check_case cases[] = {
	/* 5.4 privileged */
	{ "{\"HostConfig\":{\"Privileged\":true}}", "5.4", "HostConfig.Privileged", "true", "critical" },
	{ "{\"HostConfig\":{\"Privileged\":false}}", "5.4", NULL, NULL, NULL },
	/* 5.3 capabilities: added beyond the defaults, with or without CAP_, any case */
	{ "{\"HostConfig\":{\"CapAdd\":[\"CHOWN\",\"cap_sys_admin\"]}}", "5.3", "HostConfig.CapAdd[1]", "cap_sys_admin", "high" },
	{ "{\"HostConfig\":{\"CapAdd\":[\"NET_ADMIN\"]}}", "5.3", "HostConfig.CapAdd[0]", "NET_ADMIN", "high" },
	{ "{\"HostConfig\":{\"CapAdd\":[\"ALL\"]}}", "5.3", "HostConfig.CapAdd[0]", "ALL", "high" },
	{ "{\"HostConfig\":{\"CapAdd\":[\"CAP_NET_BIND_SERVICE\",\"chown\",\"Kill\"]}}", "5.3", NULL, NULL, NULL },
	/* 5.3 CapDrop without ALL */
	{ "{\"HostConfig\":{\"CapDrop\":[\"NET_RAW\"]}}", "5.3", "HostConfig.CapDrop", "[\"NET_RAW\"]", "medium" },
	{ "{\"HostConfig\":{\"CapDrop\":null}}", "5.3", "HostConfig.CapDrop", "", "medium" },
	{ "{\"HostConfig\":{\"CapDrop\":[\"all\"]}}", "5.3", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"CapDrop\":[\"CAP_ALL\"]}}", "5.3", NULL, NULL, NULL },
	/* 5.5 sensitive host paths: Binds and Mounts, normalised */
	{ "{\"HostConfig\":{\"Binds\":[\"/etc:/host/etc:ro\"]}}", "5.5", "HostConfig.Binds[0]", "/etc:/host/etc:ro", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/srv:/srv\",\"//etc/./ssl/:/x\"]}}", "5.5", "HostConfig.Binds[1]", "//etc/./ssl/:/x", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/srv/../proc:/p\"]}}", "5.5", "HostConfig.Binds[0]", "/srv/../proc:/p", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/:/host:ro\"]}}", "5.5", "HostConfig.Binds[0]", "/:/host:ro", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/sys/fs/cgroup:/c\"]}}", "5.5", "HostConfig.Binds[0]", "/sys/fs/cgroup:/c", "critical" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/usr/lib/\",\"Target\":\"/x\",\"ReadOnly\":true}]}}",
	  "5.5", "HostConfig.Mounts[0]", "/usr/lib/", "critical" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Source\":\"/boot\",\"Target\":\"/x\"}]}}", "5.5", "HostConfig.Mounts[0]", "/boot", "critical" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Target\":\"/x\",\"VolumeOptions\":{\"DriverConfig\":"
	  "{\"Name\":\"local\",\"Options\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/etc\"}}}}]}}",
	  "5.5", "HostConfig.Mounts[0]", "/etc", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/etcetera:/x\",\"/srv/etc:/y\",\"etc:/z\"]}}", "5.5", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"data\",\"Target\":\"/data\"},"
	  "{\"Type\":\"tmpfs\",\"Target\":\"/tmp\"}]}}", "5.5", NULL, NULL, NULL },
	/* 5.31 runtime sockets, even read-only, and directories holding them */
	{ "{\"HostConfig\":{\"Binds\":[\"/var/run/docker.sock:/var/run/docker.sock:ro\"]}}", "5.31",
	  "HostConfig.Binds[0]", "/var/run/docker.sock:/var/run/docker.sock:ro", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/run//docker.sock:/d.sock\"]}}", "5.31", "HostConfig.Binds[0]", "/run//docker.sock:/d.sock", "critical" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/run/user/1000/podman/podman.sock\",\"Target\":\"/p\",\"ReadOnly\":true}]}}",
	  "5.31", "HostConfig.Mounts[0]", "/run/user/1000/podman/podman.sock", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/run/podman/podman.sock:/p\"]}}", "5.31", "HostConfig.Binds[0]", "/run/podman/podman.sock:/p", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/run/containerd:/c:ro\"]}}", "5.31", "HostConfig.Binds[0]", "/run/containerd:/c:ro", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/var/run:/r\"]}}", "5.31", "HostConfig.Binds[0]", "/var/run:/r", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/srv/x/docker.sock:/d\"]}}", "5.31", "HostConfig.Binds[0]", "/srv/x/docker.sock:/d", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/run/user/1000/app:/a\",\"/srv/docker.socket:/b\"]}}", "5.31", NULL, NULL, NULL },
	/* ohs-home-writable: $HOME or an ancestor, writable */
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u:/workspace\"]}}", "ohs-home-writable", "HostConfig.Binds[0]", "/home/u:/workspace", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u/:/w:rw,z\"]}}", "ohs-home-writable", "HostConfig.Binds[0]", "/home/u/:/w:rw,z", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home:/h\"]}}", "ohs-home-writable", "HostConfig.Binds[0]", "/home:/h", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/:/host\"]}}", "ohs-home-writable", "HostConfig.Binds[0]", "/:/host", "critical" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/home/u\",\"Target\":\"/w\",\"ReadOnly\":false}]}}",
	  "ohs-home-writable", "HostConfig.Mounts[0]", "/home/u", "critical" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u:/w:ro\",\"/home/u/project:/workspace:rw\",\"/home/uu:/x\"]}}",
	  "ohs-home-writable", NULL, NULL, NULL },
	/* ohs-credentials: the folders, below them, or a directory holding them */
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u/.ssh:/root/.ssh:ro\"]}}", "ohs-credentials", "HostConfig.Binds[0]", "/home/u/.ssh:/root/.ssh:ro", "high" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u/.aws/credentials:/c:ro\"]}}", "ohs-credentials", "HostConfig.Binds[0]", "/home/u/.aws/credentials:/c:ro", "high" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/home/u/.kube\",\"Target\":\"/k\",\"ReadOnly\":true}]}}",
	  "ohs-credentials", "HostConfig.Mounts[0]", "/home/u/.kube", "high" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u/.config:/c:ro\"]}}", "ohs-credentials", "HostConfig.Binds[0]", "/home/u/.config:/c:ro", "high" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u:/h:ro\"]}}", "ohs-credentials", "HostConfig.Binds[0]", "/home/u:/h:ro", "high" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u/.docker:/d\"]}}", "ohs-credentials", "HostConfig.Binds[0]", "/home/u/.docker:/d", "high" },
	{ "{\"HostConfig\":{\"Binds\":[\"/home/u/.sshx:/x\",\"/home/u/project/.ssh-keys:/y\",\"/home/u/.config/nvim:/n\"]}}",
	  "ohs-credentials", NULL, NULL, NULL },
	/* host namespaces */
	{ "{\"HostConfig\":{\"PidMode\":\"host\"}}", "5.15", "HostConfig.PidMode", "host", "critical" },
	{ "{\"HostConfig\":{\"PidMode\":\"\"}}", "5.15", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"NetworkMode\":\"host\"}}", "5.9", "HostConfig.NetworkMode", "host", "high" },
	{ "{\"NetworkingConfig\":{\"EndpointsConfig\":{\"host\":{}}}}", "5.9", "NetworkingConfig.EndpointsConfig", "host", "high" },
	{ "{\"HostConfig\":{\"NetworkMode\":\"bridge\"},\"NetworkingConfig\":{\"EndpointsConfig\":{\"ohs-net\":{}}}}", "5.9", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"IpcMode\":\"host\"}}", "5.16", "HostConfig.IpcMode", "host", "high" },
	{ "{\"HostConfig\":{\"IpcMode\":\"private\"}}", "5.16", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"UTSMode\":\"host\"}}", "5.20", "HostConfig.UTSMode", "host", "high" },
	{ "{\"HostConfig\":{\"UTSMode\":\"\"}}", "5.20", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"UsernsMode\":\"host\"}}", "5.30", "HostConfig.UsernsMode", "host", "high" },
	{ "{\"HostConfig\":{\"UsernsMode\":\"\"}}", "5.30", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"CgroupnsMode\":\"host\"}}", "ohs-cgroupns-host", "HostConfig.CgroupnsMode", "host", "high" },
	{ "{\"HostConfig\":{\"CgroupnsMode\":\"private\"}}", "ohs-cgroupns-host", NULL, NULL, NULL },
	/* unconfined profiles, "=" and ":" forms */
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"seccomp=unconfined\"]}}", "5.21", "HostConfig.SecurityOpt[1]", "seccomp=unconfined", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"seccomp:unconfined\"]}}", "5.21", "HostConfig.SecurityOpt[0]", "seccomp:unconfined", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"seccomp=/etc/seccomp.json\"]}}", "5.21", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"apparmor=unconfined\"]}}", "5.1", "HostConfig.SecurityOpt[0]", "apparmor=unconfined", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"apparmor:unconfined\"]}}", "5.1", "HostConfig.SecurityOpt[0]", "apparmor:unconfined", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"apparmor=docker-default\"]}}", "5.1", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"label=disable\"]}}", "5.2", "HostConfig.SecurityOpt[0]", "label=disable", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"label:disable\"]}}", "5.2", "HostConfig.SecurityOpt[0]", "label:disable", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"label=type:svirt_t\"]}}", "5.2", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"systempaths=unconfined\"]}}", "ohs-systempaths-unconfined",
	  "HostConfig.SecurityOpt[0]", "systempaths=unconfined", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[]}}", "ohs-systempaths-unconfined", NULL, NULL, NULL },
	/* 5.25 no-new-privileges, every spelling */
	{ "{\"HostConfig\":{\"SecurityOpt\":[]}}", "5.25", "HostConfig.SecurityOpt", "", "medium" },
	{ "{\"HostConfig\":{\"SecurityOpt\":null}}", "5.25", "HostConfig.SecurityOpt", "", "medium" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges:false\"]}}", "5.25", "HostConfig.SecurityOpt[0]", "no-new-privileges:false", "medium" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges=false\"]}}", "5.25", "HostConfig.SecurityOpt[0]", "no-new-privileges=false", "medium" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\"]}}", "5.25", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges=true\"]}}", "5.25", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"No-New-Privileges:TRUE\"]}}", "5.25", NULL, NULL, NULL },
	/* 5.12 writable root filesystem */
	{ "{\"HostConfig\":{\"ReadonlyRootfs\":false}}", "5.12", "HostConfig.ReadonlyRootfs", "false", "low" },
	{ "{\"HostConfig\":{\"ReadonlyRootfs\":true}}", "5.12", NULL, NULL, NULL },
	/* 5.13 published on all interfaces: "", missing, 0.0.0.0, :: */
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]}}}", "5.13",
	  "HostConfig.PortBindings[\"80/tcp\"][0].HostIp", "", "high" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostPort\":\"8080\"}]}}}", "5.13",
	  "HostConfig.PortBindings[\"80/tcp\"][0].HostIp", "", "high" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"},{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]}}}",
	  "5.13", "HostConfig.PortBindings[\"80/tcp\"][1].HostIp", "0.0.0.0", "high" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"53/udp\":[{\"HostIp\":\"::\",\"HostPort\":\"5353\"}]}}}", "5.13",
	  "HostConfig.PortBindings[\"53/udp\"][0].HostIp", "::", "high" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"53/udp\":[{\"HostIp\":\"0:0:0:0:0:0:0:0\",\"HostPort\":\"5353\"}]}}}", "5.13",
	  "HostConfig.PortBindings[\"53/udp\"][0].HostIp", "0:0:0:0:0:0:0:0", "high" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"53/udp\":[{\"HostIp\":\"[::]\",\"HostPort\":\"5353\"}]}}}", "5.13",
	  "HostConfig.PortBindings[\"53/udp\"][0].HostIp", "[::]", "high" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"10.0.0.1\",\"HostPort\":\"8080\"},{\"HostIp\":\"::1\"}]}}}", "5.13", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}],\"81/tcp\":null}}}", "5.13", NULL, NULL, NULL },
	/* ohs-publish-all */
	{ "{\"HostConfig\":{\"PublishAllPorts\":true}}", "ohs-publish-all", "HostConfig.PublishAllPorts", "true", "high" },
	{ "{\"HostConfig\":{\"PublishAllPorts\":false}}", "ohs-publish-all", NULL, NULL, NULL },
	/* 5.7 host ports below 1025 */
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"80\"}]}}}", "5.7",
	  "HostConfig.PortBindings[\"80/tcp\"][0].HostPort", "80", "medium" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"1024-1030\"}]}}}", "5.7",
	  "HostConfig.PortBindings[\"80/tcp\"][0].HostPort", "1024-1030", "medium" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"1025\"},{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]}}}",
	  "5.7", NULL, NULL, NULL },
	/* 5.10, 5.11, 5.28 limits */
	{ "{\"HostConfig\":{\"Memory\":0}}", "5.10", "HostConfig.Memory", "0", "medium" },
	{ "{\"HostConfig\":{\"Memory\":268435456}}", "5.10", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"NanoCpus\":0}}", "5.11", "HostConfig.NanoCpus", "0", "medium" },
	{ "{\"HostConfig\":{\"NanoCpus\":0,\"CpuShares\":512}}", "5.11", "HostConfig.NanoCpus", "0", "medium" },
	{ "{\"HostConfig\":{\"NanoCpus\":0,\"CpuQuota\":50000,\"CpuPeriod\":100000}}", "5.11", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"NanoCpus\":0,\"CpusetCpus\":\"0\"}}", "5.11", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"PidsLimit\":-1}}", "5.28", "HostConfig.PidsLimit", "unlimited", "medium" },
	{ "{\"HostConfig\":{\"PidsLimit\":null}}", "5.28", "HostConfig.PidsLimit", "0", "medium" },
	{ "{\"HostConfig\":{\"PidsLimit\":1}}", "5.28", NULL, NULL, NULL },
	/* 5.17 devices */
	{ "{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/kvm\",\"PathInContainer\":\"/dev/kvm\",\"CgroupPermissions\":\"rwm\"}]}}",
	  "5.17", "HostConfig.Devices[0]", "/dev/kvm", "high" },
	{ "{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":-1}]}}", "5.17",
	  "HostConfig.DeviceRequests[0]", "{\"Driver\":\"nvidia\",\"Count\":-1}", "high" },
	{ "{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 mr\"]}}", "5.17", "HostConfig.DeviceCgroupRules[0]", "c 1:3 mr", "high" },
	{ "{\"HostConfig\":{\"Devices\":[],\"DeviceRequests\":null}}", "5.17", NULL, NULL, NULL },
	/* 5.19 shared propagation */
	{ "{\"HostConfig\":{\"Binds\":[\"/srv/data:/data:ro,rshared\"]}}", "5.19", "HostConfig.Binds[0]", "/srv/data:/data:ro,rshared", "medium" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/data\",\"Target\":\"/d\",\"BindOptions\":{\"Propagation\":\"shared\"}}]}}",
	  "5.19", "HostConfig.Mounts[0]", "/srv/data", "medium" },
	{ "{\"HostConfig\":{\"Binds\":[\"/srv/data:/data:rprivate\",\"/srv/x:/x:rslave\"]}}", "5.19", NULL, NULL, NULL },
	/* 4.1 root user */
	{ "{\"User\":\"\"}", "4.1", "User", "", "high" },
	{ "{\"User\":null}", "4.1", "User", "", "high" },
	{ "{\"User\":\"root\"}", "4.1", "User", "root", "high" },
	{ "{\"User\":\"0\"}", "4.1", "User", "0", "high" },
	{ "{\"User\":\"0:1000\"}", "4.1", "User", "0:1000", "high" },
	{ "{\"User\":\"root:wheel\"}", "4.1", "User", "root:wheel", "high" },
	{ "{\"User\":\"000\"}", "4.1", "User", "000", "high" },
	{ "{\"User\":\"1000:0\"}", "4.1", NULL, NULL, NULL },
	{ "{\"User\":\"openhands\"}", "4.1", NULL, NULL, NULL },
	{ "{\"User\":\"10\"}", "4.1", NULL, NULL, NULL },
	/* ohs-secret-env: the name only, never the value */
	{ "{\"Env\":[\"PATH=/bin\",\"GITHUB_TOKEN=ghp_s3cr3t\"]}", "ohs-secret-env", "Env[1]", "GITHUB_TOKEN", "low" },
	{ "{\"Env\":[\"my_api_key=s3cr3t\"]}", "ohs-secret-env", "Env[0]", "my_api_key", "low" },
	{ "{\"Env\":[\"DB_PASSWD=s3cr3t\"]}", "ohs-secret-env", "Env[0]", "DB_PASSWD", "low" },
	{ "{\"Env\":[\"Client_Secret=s3cr3t\"]}", "ohs-secret-env", "Env[0]", "Client_Secret", "low" },
	{ "{\"Env\":[\"PGPASSWORD\"]}", "ohs-secret-env", "Env[0]", "PGPASSWORD", "low" },
	{ "{\"Env\":[\"PATH=/bin\",\"HOME=/root\",\"TOK=x\"]}", "ohs-secret-env", NULL, NULL, NULL },
	/* ohs-volumes-from */
	{ "{\"HostConfig\":{\"VolumesFrom\":[\"other:ro\"]}}", "ohs-volumes-from", "HostConfig.VolumesFrom[0]", "other:ro", "high" },
	{ "{\"HostConfig\":{\"VolumesFrom\":[]}}", "ohs-volumes-from", NULL, NULL, NULL },
	/* 4.1: users that runc's Atoi reads as uid 0 (review 2C) */
	{ "{\"User\":\"+0\"}", "4.1", "User", "+0", "high" },
	{ "{\"User\":\"-0\"}", "4.1", "User", "-0", "high" },
	{ "{\"User\":\"+0:+0\"}", "4.1", "User", "+0:+0", "high" },
	{ "{\"User\":\"-00:1000\"}", "4.1", "User", "-00:1000", "high" },
	{ "{\"User\":\"00\"}", "4.1", "User", "00", "high" },
	{ "{\"User\":\"root:root\"}", "4.1", "User", "root:root", "high" },
	{ "{\"User\":\":0\"}", "4.1", "User", ":0", "high" },
	{ "{\"User\":\"+1000\"}", "4.1", NULL, NULL, NULL },
	{ "{\"User\":\"-\"}", "4.1", NULL, NULL, NULL },
	{ "{\"User\":\"rooty\"}", "4.1", NULL, NULL, NULL },
	/* ohs-masked-paths: MaskedPaths / ReadonlyPaths emptied or without Docker's defaults (review 2B, A3) */
	{ "{\"HostConfig\":{\"MaskedPaths\":[]}}", "ohs-masked-paths", "HostConfig.MaskedPaths", "[]", "high" },
	{ "{\"HostConfig\":{\"ReadonlyPaths\":[]}}", "ohs-masked-paths", "HostConfig.ReadonlyPaths", "[]", "high" },
	{ "{\"HostConfig\":{\"ReadonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sysrq-trigger\"]}}",
	  "ohs-masked-paths", "HostConfig.ReadonlyPaths", "[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sysrq-trigger\"]", "high" },
	{ "{\"HostConfig\":{\"MaskedPaths\":null,\"ReadonlyPaths\":null}}", "ohs-masked-paths", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"ReadonlyPaths\":[\"/proc\",\"/x\"],\"MaskedPaths\":[\"/proc/asound\",\"/proc/acpi\","
	  "\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\","
	  "\"/proc/sched_debug\",\"/proc/scsi\",\"/sys/firmware\",\"/sys/devices/virtual/powercap\"]}}",
	  "ohs-masked-paths", NULL, NULL, NULL },
	/* ohs-custom-seccomp, and an allow-all profile is seccomp disabled */
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"seccomp={\\\"defaultAction\\\":\\\"SCMP_ACT_ERRNO\\\"}\"]}}", "ohs-custom-seccomp",
	  "HostConfig.SecurityOpt[0]", "seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\"}", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=/etc/seccomp.json\"]}}", "ohs-custom-seccomp",
	  "HostConfig.SecurityOpt[0]", "seccomp=/etc/seccomp.json", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"seccomp={\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"}\"]}}", "5.21",
	  "HostConfig.SecurityOpt[0]", "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"seccomp=builtin\"]}}", "ohs-custom-seccomp", NULL, NULL, NULL },
	/* ohs-custom-apparmor */
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"apparmor=my-profile\"]}}", "ohs-custom-apparmor",
	  "HostConfig.SecurityOpt[0]", "apparmor=my-profile", "high" },
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"apparmor=docker-default\"]}}", "ohs-custom-apparmor", NULL, NULL, NULL },
	/* 5.2: unconfined SELinux types */
	{ "{\"HostConfig\":{\"SecurityOpt\":[\"label=type:spc_t\"]}}", "5.2", "HostConfig.SecurityOpt[0]", "label=type:spc_t", "high" },
	/* ohs-container-ns */
	{ "{\"HostConfig\":{\"PidMode\":\"container:abc\"}}", "ohs-container-ns", "HostConfig.PidMode", "container:abc", "high" },
	{ "{\"HostConfig\":{\"IpcMode\":\"container:abc\"}}", "ohs-container-ns", "HostConfig.IpcMode", "container:abc", "high" },
	{ "{\"HostConfig\":{\"NetworkMode\":\"container:abc\"}}", "ohs-container-ns", "HostConfig.NetworkMode", "container:abc", "high" },
	{ "{\"HostConfig\":{\"IpcMode\":\"shareable\",\"NetworkMode\":\"bridge\"}}", "ohs-container-ns", NULL, NULL, NULL },
	/* 5.9 etc.: any case of "host" */
	{ "{\"HostConfig\":{\"NetworkMode\":\"HOST\"}}", "5.9", "HostConfig.NetworkMode", "HOST", "high" },
	/* ohs-runtime, ohs-cgroup-parent, ohs-oom-score-adj */
	{ "{\"HostConfig\":{\"Runtime\":\"runsc\"}}", "ohs-runtime", "HostConfig.Runtime", "runsc", "low" },
	{ "{\"HostConfig\":{\"Runtime\":\"runc\"}}", "ohs-runtime", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"Runtime\":\"\"}}", "ohs-runtime", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"CgroupParent\":\"/system.slice\"}}", "ohs-cgroup-parent", "HostConfig.CgroupParent", "/system.slice", "medium" },
	{ "{\"HostConfig\":{\"CgroupParent\":\"\"}}", "ohs-cgroup-parent", NULL, NULL, NULL },
	{ "{\"HostConfig\":{\"OomScoreAdj\":-1000}}", "ohs-oom-score-adj", "HostConfig.OomScoreAdj", "-1000", "low" },
	{ "{\"HostConfig\":{\"OomScoreAdj\":500}}", "ohs-oom-score-adj", NULL, NULL, NULL },
};

START_TEST(test_clean_body_has_no_finding)
{
	ohs_policy *p = policy("hardened", "enforce");
	ohs_findings *f = NULL;
	char *s;

	ck_assert_ohs_ok(ohs_policy_check(&f, p, clean_body));
	s = dump_findings(f);
	ck_assert_msg(ohs_findings_count(f) == 0, "findings: %s", s);
	free(s);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

START_TEST(test_check_table)
{
	const check_case *c = &cases[_i];
	ohs_policy *p = policy("permissive", "enforce");
	ohs_findings *f = NULL;
	char *body = body_with(c->frag);
	char *s;
	long k;
	size_t i;

	ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
	s = dump_findings(f);
	k = find(f, c->id, c->field);
	if (c->field) {
		ck_assert_msg(k >= 0, "case %d %s: no %s at %s; findings: %s", _i, c->frag, c->id, c->field, s);
		ck_assert_str_eq(ohs_findings_value(f, (size_t)k), c->value);
		ck_assert_str_eq(ohs_findings_severity(f, (size_t)k), c->severity);
		ck_assert_ptr_nonnull(strstr(ohs_findings_message(f, (size_t)k), c->id));
		ck_assert_ptr_nonnull(strstr(ohs_findings_message(f, (size_t)k), c->field));
		ck_assert_str_ne(ohs_findings_remediation(f, (size_t)k), "");
		ck_assert_int_eq(ohs_findings_refused(f, (size_t)k), 0); /* permissive */
		ck_assert_int_eq(ohs_findings_fixed(f, (size_t)k), 0);
	} else {
		ck_assert_msg(k < 0, "case %d %s: unexpected %s; findings: %s", _i, c->frag, c->id, s);
	}
	/* A secret's value never shows up anywhere. */
	ck_assert_msg(strstr(s, "s3cr3t") == NULL, "secret leaked: %s", s);
	for (i = 0; i < ohs_findings_count(f); i++)
		ck_assert_ptr_null(strstr(ohs_findings_message(f, i), "s3cr3t"));
	free(s);
	free(body);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

/*
 * Without an extra home the home checks still cover the homes of the
 * password database, /root and /home: forgetting it never disables them.
 */
START_TEST(test_no_home)
{
	ohs_policy *p = policy("default", "enforce");
	ohs_findings *f = NULL;
	char *body;

	ck_assert_ohs_ok(ohs_policy_set_home(p, NULL));
	ck_assert_ptr_null(ohs_policy_home(p));
	body = body_with("{\"HostConfig\":{\"Binds\":[\"/home/u:/w\",\"/:/host\",\"/root:/r:ro\"]}}");
	ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
	ck_assert_int_lt(find(f, "ohs-home-writable", "HostConfig.Binds[0]"), 0);
	ck_assert_int_ge(find(f, "ohs-home-writable", "HostConfig.Binds[1]"), 0);
	ck_assert_int_ge(find(f, "ohs-credentials", "HostConfig.Binds[1]"), 0); /* holds /root/.ssh */
	ck_assert_int_ge(find(f, "ohs-credentials", "HostConfig.Binds[2]"), 0);
	free(body);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

START_TEST(test_home_from_environment)
{
	ohs_policy *p = NULL;
	const char *old = getenv("HOME");
	char *saved = old ? strdup(old) : NULL;

	setenv("HOME", "/srv//people/ann/", 1);
	ck_assert_ohs_ok(ohs_policy_new(&p, NULL, NULL));
	ck_assert_str_eq(ohs_policy_home(p), "/srv/people/ann");
	ck_assert_str_eq(ohs_policy_profile(p), "default");
	ck_assert_str_eq(ohs_policy_mode(p), "enforce");
	ohs_policy_free(p);
	setenv("HOME", "relative", 1);
	ck_assert_ohs_ok(ohs_policy_new(&p, NULL, NULL));
	ck_assert_ptr_null(ohs_policy_home(p));
	ohs_policy_free(p);
	if (saved)
		setenv("HOME", saved, 1);
	else
		unsetenv("HOME");
	free(saved);
}
END_TEST

/* ------------------------------------------------------------ profiles and modes */

START_TEST(test_refusal_matrix)
{
	static const char *const profiles[] = { "permissive", "default", "hardened" };
	/* finding -> refused by permissive, default, hardened */
	static const struct {
		const char *frag, *id;
		int refused[3];
	} m[] = {
		{ "{\"HostConfig\":{\"Privileged\":true}}", "5.4", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"Binds\":[\"/run/docker.sock:/s:ro\"]}}", "5.31", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"Binds\":[\"/etc:/e:ro\"]}}", "5.5", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"Binds\":[\"/home/u:/w\"]}}", "ohs-home-writable", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"PidMode\":\"host\"}}", "5.15", { 0, 1, 1 } },
		/* refused by default although high (issue 10, "Also") */
		{ "{\"HostConfig\":{\"NetworkMode\":\"host\"}}", "5.9", { 0, 1, 1 } },
		{ "{\"NetworkingConfig\":{\"EndpointsConfig\":{\"host\":{}}}}", "5.9", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"CapAdd\":[\"SYS_ADMIN\"]}}", "5.3", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"CapAdd\":[\"cap_sys_ptrace\"]}}", "5.3", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"CapAdd\":[\"CAP_SYS_MODULE\"]}}", "5.3", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"CapAdd\":[\"net_admin\"]}}", "5.3", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"CapAdd\":[\"DAC_READ_SEARCH\"]}}", "5.3", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"CapAdd\":[\"all\"]}}", "5.3", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"CapAdd\":[\"SYS_RAWIO\"]}}", "5.3", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"seccomp=unconfined\"]}}", "5.21", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"apparmor=unconfined\"]}}", "5.1", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"label=disable\"]}}", "5.2", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"systempaths=unconfined\"]}}",
		  "ohs-systempaths-unconfined", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"MaskedPaths\":[]}}", "ohs-masked-paths", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/fuse\"}]}}", "5.17", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 mr\"]}}", "5.17", { 0, 1, 1 } },
		{ "{\"HostConfig\":{\"DeviceRequests\":[{\"Driver\":\"nvidia\",\"Count\":-1}]}}", "5.17", { 0, 1, 1 } },
		/* high, reported by default, refused by hardened */
		{ "{\"HostConfig\":{\"CapAdd\":[\"SYS_NICE\"]}}", "5.3", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"seccomp={}\"]}}", "ohs-custom-seccomp", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"SecurityOpt\":[\"no-new-privileges\",\"apparmor=mine\"]}}", "ohs-custom-apparmor", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"PidMode\":\"container:x\"}}", "ohs-container-ns", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"IpcMode\":\"container:x\"}}", "ohs-container-ns", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"NetworkMode\":\"container:x\"}}", "ohs-container-ns", { 0, 0, 1 } },
		/* reported only */
		{ "{\"HostConfig\":{\"CgroupParent\":\"x\"}}", "ohs-cgroup-parent", { 0, 0, 0 } },
		{ "{\"HostConfig\":{\"Runtime\":\"runsc\"}}", "ohs-runtime", { 0, 0, 0 } },
		{ "{\"HostConfig\":{\"OomScoreAdj\":-1}}", "ohs-oom-score-adj", { 0, 0, 0 } },
		{ "{\"User\":\"root\"}", "4.1", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostPort\":\"8080\"}]}}}", "5.13", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"Binds\":[\"/home/u/.ssh:/s:ro\"]}}", "ohs-credentials", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"VolumesFrom\":[\"x\"]}}", "ohs-volumes-from", { 0, 0, 1 } },
		{ "{\"HostConfig\":{\"SecurityOpt\":[]}}", "5.25", { 0, 0, 0 } },
		{ "{\"HostConfig\":{\"Memory\":0}}", "5.10", { 0, 0, 0 } },
		{ "{\"HostConfig\":{\"ReadonlyRootfs\":false}}", "5.12", { 0, 0, 0 } },
		{ "{\"Env\":[\"API_KEY=1\"]}", "ohs-secret-env", { 0, 0, 0 } },
	};
	size_t i, j;

	for (i = 0; i < OHS_ARRAY_SIZE(m); i++) {
		char *body = body_with(m[i].frag);

		for (j = 0; j < 3; j++) {
			ohs_policy *p = policy(profiles[j], "warn");
			ohs_findings *f = NULL;
			long k;

			ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
			k = find(f, m[i].id, NULL);
			ck_assert_msg(k >= 0, "%s: no %s", m[i].frag, m[i].id);
			ck_assert_msg(ohs_findings_refused(f, (size_t)k) == m[i].refused[j],
				"%s under %s: refused %d, expected %d", m[i].id, profiles[j],
				ohs_findings_refused(f, (size_t)k), m[i].refused[j]);
			/* Other findings of the same body may be refused too (e.g. credentials). */
			ck_assert_uint_ge(ohs_findings_refused_count(f), (size_t)m[i].refused[j]);
			if (j == 0)
				ck_assert_uint_eq(ohs_findings_refused_count(f), 0);
			ohs_findings_free(f);
			ohs_policy_free(p);
		}
		free(body);
	}
}
END_TEST

START_TEST(test_enforce_refuses)
{
	ohs_policy *p = policy("default", "enforce");
	ohs_findings *f = NULL;
	char *out = (char *)"untouched";
	char *body = body_with("{\"HostConfig\":{\"Privileged\":true,"
		"\"Binds\":[\"/srv:/srv\",\"/var/run/docker.sock:/var/run/docker.sock:ro\"]}}");

	ck_assert_ohs_error(ohs_policy_apply(&out, &f, p, body), OHS_EPOLICY,
		"5.4 HostConfig.Privileged=\"true\"");
	ck_assert_ptr_nonnull(strstr(ohs_error_last(),
		"5.31 HostConfig.Binds[1]=\"/var/run/docker.sock:/var/run/docker.sock:ro\""));
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "security profile \"default\""));
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "2 refused findings"));
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(ohs_findings_refused_count(f), 2);
	ohs_findings_free(f);

	/* Without an out_findings. */
	ck_assert_ohs_error(ohs_policy_apply(&out, NULL, p, body), OHS_EPOLICY, "5.4");
	ck_assert_ptr_null(out);
	free(body);
	ohs_policy_free(p);
}
END_TEST

START_TEST(test_warn_reports)
{
	ohs_policy *p = policy("default", "warn");
	ohs_findings *f = NULL;
	char *out = NULL;
	char *body = body_with("{\"HostConfig\":{\"Privileged\":true}}");

	ck_assert_ohs_ok(ohs_policy_apply(&out, &f, p, body));
	ck_assert_str_eq(out, body); /* non-hardened: the exact body */
	ck_assert_uint_eq(ohs_findings_refused_count(f), 1);
	ck_assert_int_eq(ohs_findings_refused(f, (size_t)find(f, "5.4", NULL)), 1);
	ohs_free(out);
	ohs_findings_free(f);
	ohs_policy_free(p);

	/* Permissive enforce refuses nothing. */
	p = policy("permissive", "enforce");
	ck_assert_ohs_ok(ohs_policy_apply(&out, NULL, p, body));
	ck_assert_str_eq(out, body);
	ohs_free(out);
	ohs_policy_free(p);
	free(body);
}
END_TEST

START_TEST(test_default_accepts_openhands_body)
{
	/* What OpenHands sends by default: root, 0.0.0.0 ports, a workspace bind, no limits. */
	static const char body[] =
		"{\"Image\":\"ohs-test:latest\",\"User\":\"root\",\"Env\":[\"LLM_API_KEY=x\"],"
		"\"ExposedPorts\":{\"30000/tcp\":{}},\"HostConfig\":{\"Binds\":[\"/home/u/project:/workspace:rw\"],"
		"\"PortBindings\":{\"30000/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"30000\"}]}}}";
	ohs_policy *p = policy("default", "enforce");
	ohs_findings *f = NULL;
	char *out = NULL;

	ck_assert_ohs_ok(ohs_policy_apply(&out, &f, p, body));
	ck_assert_str_eq(out, body);
	ck_assert_uint_gt(ohs_findings_count(f), 5);
	ck_assert_uint_eq(ohs_findings_refused_count(f), 0);
	ohs_free(out);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ hardened rewrite */

static json_t *load(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, 0, &err);

	ck_assert_msg(j != NULL, "%s: %s", s, err.text);
	return j;
}

START_TEST(test_hardened_rewrite)
{
	static const char body[] =
		"{\"Image\":\"ohs-test:latest\",\"User\":\"\",\"Env\":[\"A=1\"],"
		"\"ExposedPorts\":{\"8000/tcp\":{},\"9000/tcp\":{}},"
		"\"HostConfig\":{\"Binds\":[\"/home/u/project:/workspace:rw\"],"
		"\"PortBindings\":{\"8000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8000\"},{\"HostIp\":\"::\",\"HostPort\":\"8000\"}]},"
		"\"PublishAllPorts\":true,\"CapAdd\":[\"cap_net_bind_service\"],\"CapDrop\":[\"MKNOD\",\"chown\"],"
		"\"SecurityOpt\":[\"no-new-privileges:false\",\"label=type:svirt_t\"],\"Init\":true}}";
	static const char expected_hc[] =
		"{\"Binds\":[\"/home/u/project:/workspace:rw\"],"
		"\"PortBindings\":{\"8000/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8000\"}],"
		"\"9000/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]},"
		"\"PublishAllPorts\":false,"
		"\"CapAdd\":[\"DAC_OVERRIDE\",\"FOWNER\",\"FSETID\",\"KILL\",\"SETGID\",\"SETUID\",\"NET_BIND_SERVICE\"],"
		"\"CapDrop\":[\"ALL\"],"
		"\"SecurityOpt\":[\"label=type:svirt_t\",\"no-new-privileges:true\"],\"Init\":true,"
		"\"Memory\":4294967296,\"NanoCpus\":2000000000,\"PidsLimit\":4096}";
	ohs_policy *p = policy("hardened", "enforce");
	ohs_findings *f = NULL, *re = NULL;
	char *out = NULL, *s;
	json_t *j, *exp;
	size_t i;
	static const char *const fixed_ids[] = { "5.13", "ohs-publish-all", "5.25", "5.10", "5.11", "5.28", "4.1" };

	ck_assert_ohs_ok(ohs_policy_apply(&out, &f, p, body));
	j = load(out);
	exp = load(expected_hc);
	s = json_dumps(json_object_get(j, "HostConfig"), JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_msg(json_equal(json_object_get(j, "HostConfig"), exp), "HostConfig %s\nexpected %s", s, expected_hc);
	/* Existing keys keep their place; new ones come last. */
	ck_assert_str_eq(s, expected_hc);
	free(s);
	ck_assert_str_eq(json_string_value(json_object_get(j, "User")), "65534:65534");
	ck_assert_str_eq(json_string_value(json_object_get(j, "Image")), "ohs-test:latest");

	/* The findings show what was fixed; what remains is not refused. */
	s = dump_findings(f);
	for (i = 0; i < OHS_ARRAY_SIZE(fixed_ids); i++) {
		long k = find(f, fixed_ids[i], NULL);

		ck_assert_msg(k >= 0, "no %s in %s", fixed_ids[i], s);
		ck_assert_msg(ohs_findings_fixed(f, (size_t)k), "%s not fixed: %s", fixed_ids[i], s);
		ck_assert_int_eq(ohs_findings_refused(f, (size_t)k), 0);
	}
	ck_assert_int_ge(find(f, "5.13", "HostConfig.PortBindings[\"8000/tcp\"][1].HostIp"), 0);
	ck_assert_int_eq(ohs_findings_fixed(f, (size_t)find(f, "5.3", "HostConfig.CapDrop")), 1);
	ck_assert_int_eq(ohs_findings_fixed(f, (size_t)find(f, "5.12", NULL)), 0);
	ck_assert_uint_eq(ohs_findings_refused_count(f), 0);
	free(s);

	/* Re-checking the result finds nothing refused, and nothing above low. */
	ck_assert_ohs_ok(ohs_policy_check(&re, p, out));
	s = dump_findings(re);
	ck_assert_uint_eq(ohs_findings_refused_count(re), 0);
	for (i = 0; i < ohs_findings_count(re); i++)
		ck_assert_msg(strcmp(ohs_findings_severity(re, i), "low") == 0, "left: %s", s);
	free(s);

	/* Applying again is a fixed point. */
	{
		char *out2 = NULL;

		ck_assert_ohs_ok(ohs_policy_apply(&out2, NULL, p, out));
		ck_assert_str_eq(out2, out);
		ohs_free(out2);
	}
	json_decref(j);
	json_decref(exp);
	ohs_free(out);
	ohs_findings_free(f);
	ohs_findings_free(re);
	ohs_policy_free(p);
}
END_TEST

START_TEST(test_hardened_keeps_user_limits)
{
	static const char body[] =
		"{\"Image\":\"i\",\"User\":\"1000:1000\",\"HostConfig\":{\"Memory\":536870912,"
		"\"CpuQuota\":50000,\"CpuPeriod\":100000,\"PidsLimit\":64}}";
	ohs_policy *p = policy("hardened", "enforce");
	char *out = NULL;
	json_t *j, *hc;

	ck_assert_ohs_ok(ohs_policy_apply(&out, NULL, p, body));
	j = load(out);
	hc = json_object_get(j, "HostConfig");
	ck_assert_int_eq(json_integer_value(json_object_get(hc, "Memory")), 536870912);
	ck_assert_ptr_null(json_object_get(hc, "NanoCpus")); /* conflicts with CpuQuota */
	ck_assert_int_eq(json_integer_value(json_object_get(hc, "PidsLimit")), 64);
	ck_assert_str_eq(json_string_value(json_object_get(j, "User")), "1000:1000");
	ck_assert_ptr_nonnull(json_object_get(hc, "CapDrop"));
	json_decref(j);
	ohs_free(out);

	/* No HostConfig at all; custom defaults, 0 = leave unset. */
	ck_assert_ohs_ok(ohs_policy_set_default_limits(p, 268435456, 0, 100));
	ck_assert_ohs_ok(ohs_policy_set_default_user(p, "1000"));
	ck_assert_ohs_ok(ohs_policy_apply(&out, NULL, p, "{\"Image\":\"i\"}"));
	j = load(out);
	hc = json_object_get(j, "HostConfig");
	ck_assert_int_eq(json_integer_value(json_object_get(hc, "Memory")), 268435456);
	ck_assert_ptr_null(json_object_get(hc, "NanoCpus"));
	ck_assert_int_eq(json_integer_value(json_object_get(hc, "PidsLimit")), 100);
	ck_assert_str_eq(json_string_value(json_object_get(j, "User")), "1000");
	json_decref(j);
	ohs_free(out);

	/* MemorySwap below the default memory: Memory follows it. */
	ck_assert_ohs_ok(ohs_policy_apply(&out, NULL, p,
		"{\"User\":\"1\",\"HostConfig\":{\"MemorySwap\":134217728}}"));
	j = load(out);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "HostConfig"), "Memory")), 134217728);
	json_decref(j);
	ohs_free(out);
	ohs_policy_free(p);
}
END_TEST

START_TEST(test_hardened_refuses_rest)
{
	ohs_policy *p = policy("hardened", "enforce");
	ohs_findings *f = NULL;
	char *out = NULL;
	char *body;

	body = body_with("{\"HostConfig\":{\"NetworkMode\":\"host\",\"CapAdd\":[\"NET_ADMIN\"]}}");
	ck_assert_ohs_error(ohs_policy_apply(&out, &f, p, body), OHS_EPOLICY, "5.9 HostConfig.NetworkMode=\"host\"");
	/* The extra capability stays in CapAdd and is refused, not silently dropped. */
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "5.3 HostConfig.CapAdd[0]=\"NET_ADMIN\""));
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "security profile \"hardened\""));
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(ohs_findings_refused_count(f), 2);
	ohs_findings_free(f);
	free(body);

	/* Root user without a default user to rewrite to: refused. */
	ck_assert_ohs_ok(ohs_policy_set_default_user(p, NULL));
	ck_assert_ptr_null(ohs_policy_default_user(p));
	body = body_with("{\"User\":\"root\"}");
	ck_assert_ohs_error(ohs_policy_apply(&out, NULL, p, body), OHS_EPOLICY, "4.1 User=\"root\"");
	free(body);

	/* Warn mode: same findings, the body is still returned (rewritten). */
	ohs_policy_free(p);
	p = policy("hardened", "warn");
	body = body_with("{\"HostConfig\":{\"Privileged\":true,\"PortBindings\":{\"1/tcp\":[{\"HostPort\":\"2000\"}]}}}");
	ck_assert_ohs_ok(ohs_policy_apply(&out, &f, p, body));
	ck_assert_ptr_nonnull(strstr(out, "\"Privileged\":true"));
	ck_assert_ptr_nonnull(strstr(out, "\"HostIp\":\"127.0.0.1\""));
	ck_assert_uint_eq(ohs_findings_refused_count(f), 1);
	ohs_free(out);
	ohs_findings_free(f);
	free(body);
	ohs_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ hidden keys (review 2A) */

/* U+017F (long s) and U+212A (Kelvin sign), which Go's encoding/json folds to "s" and "k". */
#define LONG_S "\xc5\xbf"
#define KELVIN "\xe2\x84\xaa"

static const struct {
	const char *body;   /* a whole create body */
	const char *needle; /* in the OHS_EINVAL message */
} hidden[] = {
	/* A1: the host's / through Binds spelled with a long s */
	{ "{\"User\":\"1000\",\"HostConfig\":{\"Bind" LONG_S "\":[\"/:/host:ro\"]}}",
	  "key \"Bind" LONG_S "\" in HostConfig is not ASCII" },
	/* A1b */
	{ "{\"User\":\"1000\",\"HostConfig\":{\"Mount" LONG_S "\":[{\"Type\":\"bind\",\"Source\":\"/\",\"Target\":\"/host\"}]}}",
	  "key \"Mount" LONG_S "\" in HostConfig is not ASCII" },
	/* A2b */
	{ "{\"User\":\"1000\",\"HostConfig\":{\"" LONG_S "ecurityOpt\":[\"seccomp=unconfined\"]}}",
	  "key \"" LONG_S "ecurityOpt\" in HostConfig is not ASCII" },
	/* A2': the Kelvin sign */
	{ "{\"User\":\"1000\",\"HostConfig\":{\"Networ" KELVIN "Mode\":\"host\"}}",
	  "key \"Networ" KELVIN "Mode\" in HostConfig is not ASCII" },
	/* A5 */
	{ "{\"User\":\"1000\",\"HostConfig\":{\"UT" LONG_S "Mode\":\"host\"}}",
	  "key \"UT" LONG_S "Mode\" in HostConfig is not ASCII" },
	{ "{\"User\":\"1000\",\"HostConfig\":{\"U" LONG_S "ernsMode\":\"host\"}}",
	  "key \"U" LONG_S "ernsMode\" in HostConfig is not ASCII" },
	{ "{\"User\":\"1000\",\"HostConfig\":{\"Cgroupn" LONG_S "Mode\":\"host\"}}",
	  "key \"Cgroupn" LONG_S "Mode\" in HostConfig is not ASCII" },
	{ "{\"User\":\"1000\",\"HostConfig\":{\"Device" LONG_S "\":[{\"PathOnHost\":\"/dev/mem\",\"PathInContainer\":\"/dev/mem\"}]}}",
	  "key \"Device" LONG_S "\" in HostConfig is not ASCII" },
	{ "{\"User\":\"1000\",\"HostConfig\":{\"PortBinding" LONG_S "\":{\"22/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"22\"}]}}}",
	  "key \"PortBinding" LONG_S "\" in HostConfig is not ASCII" },
	{ "{\"User\":\"1000\",\"HostConfig\":{\"Volume" LONG_S "From\":[\"other\"]}}",
	  "key \"Volume" LONG_S "From\" in HostConfig is not ASCII" },
	/* rawcheck: a whole HostConfig hidden at the top level */
	{ "{\"User\":\"1000\",\"Ho" LONG_S "tConfig\":{\"Privileged\":true,\"Binds\":[\"/:/h\"],\"PidMode\":\"host\"}}",
	  "key \"Ho" LONG_S "tConfig\" in the body is not ASCII" },
	/* dotless i U+0131 (Go 1.21 and later fold it to "i") */
	{ "{\"User\":\"1000\",\"HostConfig\":{\"Pr\xc4\xb1vileged\":true}}",
	  "key \"Pr\xc4\xb1vileged\" in HostConfig is not ASCII" },
	/* below the top level: Mounts items, their options, port bindings, endpoints */
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"" LONG_S "ource\":\"/\",\"Target\":\"/h\"}]}}",
	  "key \"" LONG_S "ource\" in HostConfig.Mounts[0] is not ASCII" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/h\",\"BindOption" LONG_S "\":{}}]}}",
	  "key \"BindOption" LONG_S "\" in HostConfig.Mounts[0] is not ASCII" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"22/tcp\":[{\"Ho" LONG_S "tIp\":\"0.0.0.0\"}]}}}",
	  "key \"Ho" LONG_S "tIp\" in HostConfig.PortBindings[\"22/tcp\"][0] is not ASCII" },
	{ "{\"NetworkingConfig\":{\"Endpoint" LONG_S "Config\":{\"host\":{}}}}",
	  "key \"Endpoint" LONG_S "Config\" in NetworkingConfig is not ASCII" },
	{ "{\"NetworkingConfig\":{\"EndpointsConfig\":{\"net\":{\"Alia" LONG_S "es\":[\"a\"]}}}}",
	  "key \"Alia" LONG_S "es\" in NetworkingConfig.EndpointsConfig[\"net\"] is not ASCII" },
	/* two spellings of one field: the engine takes the later one */
	{ "{\"HostConfig\":{\"Runtime\":\"runc\",\"runtime\":\"evil\"}}",
	  "keys \"Runtime\" and \"runtime\" in HostConfig are the same field for the engine" },
	{ "{\"HostConfig\":{\"ShmSize\":1,\"SHMSIZE\":2}}", "keys \"ShmSize\" and \"SHMSIZE\" in HostConfig" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Source\":\"/srv\",\"source\":\"/\",\"Target\":\"/x\"}]}}",
	  "keys \"Source\" and \"source\" in HostConfig.Mounts[0]" },
	{ "{\"Image\":\"a\",\"IMAGE\":\"b\"}", "keys \"Image\" and \"IMAGE\" in the body" },
	/* newly checked fields spelled differently */
	{ "{\"HostConfig\":{\"maskedPaths\":[]}}", "key \"maskedPaths\" in HostConfig must be spelled \"MaskedPaths\"" },
	{ "{\"HostConfig\":{\"runtime\":\"x\"}}", "key \"runtime\" in HostConfig must be spelled \"Runtime\"" },
};

/* Refused (OHS_EINVAL naming the key) by every profile, by check and apply. */
START_TEST(test_hidden_keys)
{
	static const char *const profiles[] = { "permissive", "default", "hardened" };
	size_t j;

	for (j = 0; j < 3; j++) {
		ohs_policy *p = policy(profiles[j], "enforce");
		ohs_findings *f = (ohs_findings *)&f;
		char *out = (char *)"x";

		ck_assert_ohs_error(ohs_policy_check(&f, p, hidden[_i].body), OHS_EINVAL, hidden[_i].needle);
		ck_assert_ptr_null(f);
		f = (ohs_findings *)&f;
		ck_assert_ohs_error(ohs_policy_apply(&out, &f, p, hidden[_i].body), OHS_EINVAL, hidden[_i].needle);
		ck_assert_ptr_nonnull(strstr(ohs_error_last(), "ohs_policy_apply"));
		ck_assert_ptr_null(f);
		ck_assert_ptr_null(out);
		ohs_policy_free(p);
	}
}
END_TEST

/* Keys of map members are data, not fields: any text is fine there. */
START_TEST(test_map_keys_free)
{
	ohs_policy *p = policy("hardened", "enforce");
	ohs_findings *f = NULL;
	char *body = body_with("{\"Labels\":{\"caf\xc3\xa9\":\"1\",\"b" LONG_S "\":\"2\"},"
		"\"Volumes\":{\"/donn\xc3\xa9" "es\":{}},\"HostConfig\":{\"Tmpfs\":{\"/t" LONG_S "\":\"\"},"
		"\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"" LONG_S "\":\"1\"}}},"
		"\"NetworkingConfig\":{\"EndpointsConfig\":{\"n" KELVIN "\":{\"Aliases\":[\"a\"]}}}}");

	ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
	ck_assert_uint_eq(ohs_findings_refused_count(f), 0);
	ohs_findings_free(f);
	free(body);
	ohs_policy_free(p);
}
END_TEST

/* The hardened rewrite replaces every spelling of uid 0 (review 2C). */
START_TEST(test_hardened_rewrites_root_users)
{
	static const char *const users[] = { "+0", "-0", "+0:+0", "00", "0:1000", "root:root", "-00" };
	ohs_policy *p = policy("hardened", "enforce");
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(users); i++) {
		ohs_findings *f = NULL;
		char *frag = ohs__sprintf("{\"User\":\"%s\"}", users[i]);
		char *body = body_with(frag), *out = NULL;
		long k;

		ck_assert_ohs_ok(ohs_policy_apply(&out, &f, p, body));
		ck_assert_msg(strstr(out, "\"User\":\"65534:65534\"") != NULL, "%s: %s", users[i], out);
		k = find(f, "4.1", "User");
		ck_assert_int_ge(k, 0);
		ck_assert_int_eq(ohs_findings_fixed(f, (size_t)k), 1);
		ohs_free(out);
		ohs_findings_free(f);
		free(body);
		free(frag);
	}
	/* a null HostConfig is rewritten too (found by fuzz_policy: it failed as "out of memory") */
	{
		char *out = NULL;

		ck_assert_ohs_ok(ohs_policy_apply(&out, NULL, p, "{\"User\":\"0\",\"HostConfig\":null}"));
		ck_assert_ptr_nonnull(strstr(out, "\"User\":\"65534:65534\""));
		ck_assert_ptr_nonnull(strstr(out, "\"CapDrop\":[\"ALL\"]"));
		ohs_free(out);
	}
	ohs_policy_free(p);
}
END_TEST

/* Default refuses the "Also" list in enforce mode; warn mode only reports. */
START_TEST(test_default_refuses_breakouts)
{
	ohs_policy *p = policy("default", "enforce");
	ohs_findings *f = NULL;
	char *out = (char *)"x";
	char *body = body_with("{\"HostConfig\":{\"NetworkMode\":\"host\",\"CapAdd\":[\"CAP_SYS_ADMIN\",\"SYS_NICE\"],"
		"\"Devices\":[{\"PathOnHost\":\"/dev/fuse\"}],\"SecurityOpt\":[\"no-new-privileges\",\"apparmor=unconfined\"]}}");

	ck_assert_ohs_error(ohs_policy_apply(&out, &f, p, body), OHS_EPOLICY, "5.9 HostConfig.NetworkMode=\"host\"");
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "5.3 HostConfig.CapAdd[0]=\"CAP_SYS_ADMIN\""));
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "5.17 HostConfig.Devices[0]=\"/dev/fuse\""));
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "5.1 HostConfig.SecurityOpt[1]=\"apparmor=unconfined\""));
	ck_assert_ptr_null(strstr(ohs_error_last(), "SYS_NICE"));
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(ohs_findings_refused_count(f), 4);
	ck_assert_int_eq(ohs_findings_refused(f, (size_t)find(f, "5.3", "HostConfig.CapAdd[1]")), 0);
	ohs_findings_free(f);
	ohs_policy_free(p);

	p = policy("default", "warn");
	ck_assert_ohs_ok(ohs_policy_apply(&out, &f, p, body));
	ck_assert_str_eq(out, body);
	ck_assert_uint_eq(ohs_findings_refused_count(f), 4);
	ohs_free(out);
	ohs_findings_free(f);
	ohs_policy_free(p);
	free(body);
}
END_TEST

/* Exec users: hardened in enforce mode refuses every spelling of root (review 2C, A4). */
START_TEST(test_exec_user_policy)
{
	static const char *const root[] = { "0", "root", "+0", "-0", "0:0", "00", "root:1000", "0:1000" };
	static const char *const fine[] = { "1000", "1000:0", "nobody", "+1" };
	const char *profiles[] = { "hardened", "default", "permissive" };
	size_t i, j;

	for (j = 0; j < 3; j++) {
		ohs_policy *p = policy(profiles[j], "enforce"), *w = policy(profiles[j], "warn");
		ohs_findings *f = NULL, *fw = NULL;

		ck_assert_ohs_ok(ohs_policy_check(&f, p, clean_body));
		ck_assert_ohs_ok(ohs_policy_check(&fw, w, clean_body));
		for (i = 0; i < OHS_ARRAY_SIZE(root); i++) {
			if (j == 0) {
				char *needle = ohs__sprintf("ohs_session_exec: security profile \"hardened\" refuses "
					"exec user \"%s\"", root[i]);

				ck_assert_ohs_error(ohs__policy_check_exec_user(f, root[i], "ohs_session_exec"),
					OHS_EPOLICY, needle);
				free(needle);
			} else {
				ck_assert_ohs_ok(ohs__policy_check_exec_user(f, root[i], "ohs_session_exec"));
			}
			ck_assert_ohs_ok(ohs__policy_check_exec_user(fw, root[i], "x"));
		}
		for (i = 0; i < OHS_ARRAY_SIZE(fine); i++)
			ck_assert_ohs_ok(ohs__policy_check_exec_user(f, fine[i], "x"));
		ck_assert_ohs_ok(ohs__policy_check_exec_user(f, NULL, "x"));
		ck_assert_ohs_ok(ohs__policy_check_exec_user(f, "", "x"));
		ck_assert_ohs_ok(ohs__policy_check_exec_user(NULL, "0", "x"));
		ohs_findings_free(f);
		ohs_findings_free(fw);
		ohs_policy_free(p);
		ohs_policy_free(w);
	}
}
END_TEST

/* ------------------------------------------------------------ API, JSON, fail closed */

START_TEST(test_names)
{
	ohs_security_profile pr;
	ohs_security_mode mo;

	ck_assert_ohs_ok(ohs_policy_profile_from_name(&pr, "hardened"));
	ck_assert_int_eq(pr, OHS_PROFILE_HARDENED);
	ck_assert_ohs_ok(ohs_policy_profile_from_name(&pr, "permissive"));
	ck_assert_int_eq(pr, OHS_PROFILE_PERMISSIVE);
	ck_assert_ohs_ok(ohs_policy_mode_from_name(&mo, "warn"));
	ck_assert_int_eq(mo, OHS_MODE_WARN);
	ck_assert_str_eq(ohs_policy_profile_name(OHS_PROFILE_DEFAULT), "default");
	ck_assert_str_eq(ohs_policy_mode_name(OHS_MODE_ENFORCE), "enforce");
	ck_assert_ptr_null(ohs_policy_profile_name((ohs_security_profile)7));
	ck_assert_ptr_null(ohs_policy_mode_name((ohs_security_mode)-1));

	ck_assert_ohs_error(ohs_policy_profile_from_name(&pr, "paranoid"), OHS_EINVAL,
		"security profile \"paranoid\" is unknown; expected \"permissive\", \"default\" or \"hardened\"");
	ck_assert_ohs_error(ohs_policy_profile_from_name(&pr, "Hardened"), OHS_EINVAL, "\"Hardened\"");
	ck_assert_ohs_error(ohs_policy_profile_from_name(&pr, ""), OHS_EINVAL, "security profile \"\" is unknown");
	ck_assert_ohs_error(ohs_policy_profile_from_name(&pr, NULL), OHS_EINVAL, "name is NULL");
	ck_assert_ohs_error(ohs_policy_profile_from_name(NULL, "default"), OHS_EINVAL, "out is NULL");
	ck_assert_ohs_error(ohs_policy_mode_from_name(&mo, "audit"), OHS_EINVAL,
		"security mode \"audit\" is unknown; expected \"enforce\" or \"warn\"");
	ck_assert_ohs_error(ohs_policy_mode_from_name(&mo, NULL), OHS_EINVAL, "name is NULL");
	ck_assert_ohs_error(ohs_policy_mode_from_name(NULL, "warn"), OHS_EINVAL, "out is NULL");
}
END_TEST

START_TEST(test_policy_api_errors)
{
	ohs_policy *p = (ohs_policy *)&p, *d = NULL;
	int64_t mem = 1, cpu = 1, pids = 1;

	ck_assert_ohs_error(ohs_policy_new(&p, "allow", NULL), OHS_EINVAL, "security profile \"allow\"");
	ck_assert_ptr_null(p);
	ck_assert_ohs_error(ohs_policy_new(&p, "default", "off"), OHS_EINVAL, "security mode \"off\"");
	ck_assert_ptr_null(p);
	ck_assert_ohs_error(ohs_policy_new(NULL, NULL, NULL), OHS_EINVAL, "ohs_policy_new: out is NULL");

	p = policy("hardened", "warn");
	ck_assert_ohs_error(ohs_policy_set_home(p, "home/u"), OHS_EINVAL, "home \"home/u\" must be an absolute path");
	ck_assert_str_eq(ohs_policy_home(p), HOME);
	ck_assert_ohs_ok(ohs_policy_set_home(p, "/home//u/./"));
	ck_assert_str_eq(ohs_policy_home(p), "/home/u");
	ck_assert_ohs_error(ohs_policy_set_home(NULL, "/"), OHS_EINVAL, "p is NULL");
	ck_assert_ohs_error(ohs_policy_set_default_limits(p, -1, 0, 0), OHS_EINVAL, "memory_bytes -1 is negative");
	ck_assert_ohs_error(ohs_policy_set_default_limits(p, 0, -2, 0), OHS_EINVAL, "nano_cpus -2 is negative");
	ck_assert_ohs_error(ohs_policy_set_default_limits(p, 0, 0, -3), OHS_EINVAL, "pids -3 is negative");
	ck_assert_ohs_error(ohs_policy_set_default_limits(NULL, 0, 0, 0), OHS_EINVAL, "p is NULL");
	ck_assert_ohs_ok(ohs_policy_default_limits(&mem, &cpu, &pids, p));
	ck_assert_int_eq(mem, 4294967296LL);
	ck_assert_int_eq(cpu, 2000000000LL);
	ck_assert_int_eq(pids, 4096);
	ck_assert_ohs_error(ohs_policy_default_limits(&mem, NULL, NULL, NULL), OHS_EINVAL, "p is NULL");
	ck_assert_str_eq(ohs_policy_default_user(p), "65534:65534");
	ck_assert_ohs_error(ohs_policy_set_default_user(p, "root:root"), OHS_EINVAL, "user \"root:root\" is root");
	ck_assert_ohs_error(ohs_policy_set_default_user(p, "0"), OHS_EINVAL, "user \"0\" is root");
	ck_assert_str_eq(ohs_policy_default_user(p), "65534:65534");
	ck_assert_ohs_error(ohs_policy_set_default_user(NULL, "1"), OHS_EINVAL, "p is NULL");

	ck_assert_ohs_ok(ohs_policy_dup(&d, p));
	ck_assert_str_eq(ohs_policy_profile(d), "hardened");
	ck_assert_str_eq(ohs_policy_mode(d), "warn");
	ck_assert_str_eq(ohs_policy_home(d), "/home/u");
	ck_assert_ptr_ne(ohs_policy_home(d), ohs_policy_home(p));
	ohs_policy_free(d);
	d = (ohs_policy *)&d;
	ck_assert_ohs_error(ohs_policy_dup(&d, NULL), OHS_EINVAL, "ohs_policy_dup: p is NULL");
	ck_assert_ptr_null(d);
	ck_assert_ohs_error(ohs_policy_dup(NULL, p), OHS_EINVAL, "out is NULL");
	ck_assert_ptr_null(ohs_policy_profile(NULL));
	ck_assert_ptr_null(ohs_policy_mode(NULL));
	ck_assert_ptr_null(ohs_policy_home(NULL));
	ohs_policy_free(p);
	ohs_policy_free(NULL);
}
END_TEST

static const struct {
	const char *body;
	const char *needle;
} bad_bodies[] = {
	{ "{\"HostConfig\":{\"Privileged\":true", "create body is not valid JSON" },
	{ "", "create body is not valid JSON" },
	{ "[]", "create body must be a JSON object" },
	{ "{\"Image\":\"a\",\"Image\":\"b\"}", "not valid JSON" },
	{ "{\"HostConfig\":[]}", "HostConfig must be an object, got array" },
	{ "{\"HostConfig\":{\"Privileged\":\"yes\"}}", "HostConfig.Privileged must be a boolean, got string" },
	{ "{\"HostConfig\":{\"Privileged\":1}}", "HostConfig.Privileged must be a boolean, got integer" },
	{ "{\"HostConfig\":{\"Binds\":\"/etc:/etc\"}}", "HostConfig.Binds must be an array" },
	{ "{\"HostConfig\":{\"Binds\":[42]}}", "HostConfig.Binds[0] must be a string" },
	{ "{\"HostConfig\":{\"Binds\":[\"/etc\"]}}", "HostConfig.Binds[0] (\"/etc\") must be \"source:target[:options]\"" },
	{ "{\"HostConfig\":{\"Binds\":[\"/a:/b:ro:x\"]}}", "HostConfig.Binds[0] (\"/a:/b:ro:x\") has too many" },
	{ "{\"HostConfig\":{\"Mounts\":[\"/etc\"]}}", "HostConfig.Mounts[0] must be an object" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":7}]}}", "HostConfig.Mounts[0].Source must be a string" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"Source\":\"/x\",\"ReadOnly\":\"no\"}]}}", "HostConfig.Mounts[0].ReadOnly must be a boolean" },
	{ "{\"HostConfig\":{\"CapAdd\":[true]}}", "HostConfig.CapAdd[0] must be a string" },
	{ "{\"HostConfig\":{\"SecurityOpt\":\"seccomp=unconfined\"}}", "HostConfig.SecurityOpt must be an array" },
	{ "{\"HostConfig\":{\"PidMode\":1}}", "HostConfig.PidMode must be a string" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":{}}}}", "HostConfig.PortBindings[\"80/tcp\"] must be an array" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostPort\":\"http\"}]}}}",
	  "HostConfig.PortBindings[\"80/tcp\"][0].HostPort (\"http\") must be a port number" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostPort\":80}]}}}", "HostPort must be a string" },
	{ "{\"HostConfig\":{\"Memory\":\"1g\"}}", "HostConfig.Memory must be an integer" },
	{ "{\"User\":0}", "User must be a string" },
	{ "{\"Env\":[\"A=1\",null]}", "Env[1] must be a string" },
	{ "{\"HostConfig\":{\"VolumesFrom\":[1]}}", "HostConfig.VolumesFrom[0] must be a string" },
	{ "{\"NetworkingConfig\":{\"EndpointsConfig\":[]}}", "NetworkingConfig.EndpointsConfig must be an object" },
	/* The engine matches keys case-insensitively: other spellings would slip past the checks. */
	{ "{\"HostConfig\":{\"Privileged\":false,\"privileged\":true}}",
	  "keys \"Privileged\" and \"privileged\" in HostConfig are the same field for the engine" },
	{ "{\"HostConfig\":{\"privileged\":true}}", "key \"privileged\" in HostConfig must be spelled \"Privileged\"" },
	{ "{\"hostconfig\":{\"Privileged\":true}}", "key \"hostconfig\" in the body must be spelled \"HostConfig\"" },
	{ "{\"HostConfig\":{\"BINDS\":[\"/etc:/etc\"]}}", "key \"BINDS\" in HostConfig must be spelled \"Binds\"" },
	{ "{\"HostConfig\":{\"Mounts\":[{\"type\":\"bind\",\"Source\":\"/etc\"}]}}",
	  "key \"type\" in HostConfig.Mounts[0] must be spelled \"Type\"" },
	{ "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"hostip\":\"0.0.0.0\"}]}}}", "key \"hostip\"" },
	{ "{\"HostConfig\":{\"Devices\":[{\"pathOnHost\":\"/dev/mem\"}]}}", "key \"pathOnHost\"" },
	{ "{\"user\":\"root\"}", "key \"user\" in the body must be spelled \"User\"" },
};

START_TEST(test_fail_closed_bodies)
{
	static const char *const profiles[] = { "permissive", "hardened" };
	size_t j;

	for (j = 0; j < 2; j++) {
		ohs_policy *p = policy(profiles[j], "warn");
		ohs_findings *f = (ohs_findings *)&f;
		char *out = (char *)"x";

		ck_assert_ohs_error(ohs_policy_check(&f, p, bad_bodies[_i].body), OHS_EINVAL, bad_bodies[_i].needle);
		ck_assert_ptr_null(f);
		ck_assert_ptr_nonnull(strstr(ohs_error_last(), "ohs_policy_check"));
		f = (ohs_findings *)&f;
		ck_assert_ohs_error(ohs_policy_apply(&out, &f, p, bad_bodies[_i].body), OHS_EINVAL, bad_bodies[_i].needle);
		ck_assert_ptr_null(f);
		ck_assert_ptr_null(out);
		ohs_policy_free(p);
	}
}
END_TEST

START_TEST(test_null_args)
{
	ohs_policy *p = policy("default", "enforce");
	ohs_findings *f = NULL;
	char *out = NULL;

	ck_assert_ohs_error(ohs_policy_check(NULL, p, "{}"), OHS_EINVAL, "ohs_policy_check: out is NULL");
	ck_assert_ohs_error(ohs_policy_check(&f, NULL, "{}"), OHS_EINVAL, "ohs_policy_check: p is NULL");
	ck_assert_ohs_error(ohs_policy_check(&f, p, NULL), OHS_EINVAL, "ohs_policy_check: create_body is NULL");
	ck_assert_ohs_error(ohs_policy_apply(NULL, &f, p, "{}"), OHS_EINVAL, "ohs_policy_apply: out_body is NULL");
	ck_assert_ohs_error(ohs_policy_apply(&out, &f, NULL, "{}"), OHS_EINVAL, "ohs_policy_apply: p is NULL");
	ck_assert_ohs_error(ohs_policy_apply(&out, &f, p, NULL), OHS_EINVAL, "ohs_policy_apply: create_body is NULL");
	ck_assert_ohs_error(ohs_findings_to_json(NULL, f), OHS_EINVAL, "ohs_findings_to_json: out is NULL");
	ck_assert_ohs_error(ohs_findings_to_json(&out, NULL), OHS_EINVAL, "ohs_findings_to_json: f is NULL");
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(ohs_findings_count(NULL), 0);
	ck_assert_uint_eq(ohs_findings_refused_count(NULL), 0);
	ck_assert_ptr_null(ohs_findings_id(NULL, 0));
	ohs_findings_free(NULL);
	ohs_policy_free(p);
}
END_TEST

START_TEST(test_findings_json)
{
	ohs_policy *p = policy("default", "warn");
	ohs_findings *f = NULL;
	char *body = body_with("{\"HostConfig\":{\"Privileged\":true,\"ReadonlyRootfs\":false}}");
	char *s = NULL;
	json_t *j, *arr, *x;
	size_t n;

	ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
	n = ohs_findings_count(f);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_null(ohs_findings_id(f, n));
	ck_assert_ptr_null(ohs_findings_severity(f, n));
	ck_assert_ptr_null(ohs_findings_field(f, n));
	ck_assert_ptr_null(ohs_findings_value(f, n));
	ck_assert_ptr_null(ohs_findings_message(f, n));
	ck_assert_ptr_null(ohs_findings_remediation(f, n));
	ck_assert_int_eq(ohs_findings_refused(f, n), 0);
	ck_assert_int_eq(ohs_findings_fixed(f, n), 0);
	ck_assert_ohs_ok(ohs_findings_to_json(&s, f));
	j = load(s);
	ck_assert_str_eq(json_string_value(json_object_get(j, "profile")), "default");
	ck_assert_str_eq(json_string_value(json_object_get(j, "mode")), "warn");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "refused")), 1);
	arr = json_object_get(j, "findings");
	ck_assert_uint_eq(json_array_size(arr), 2);
	x = json_array_get(arr, 0);
	ck_assert_str_eq(json_string_value(json_object_get(x, "id")), "5.4");
	ck_assert_str_eq(json_string_value(json_object_get(x, "severity")), "critical");
	ck_assert_str_eq(json_string_value(json_object_get(x, "field")), "HostConfig.Privileged");
	ck_assert_str_eq(json_string_value(json_object_get(x, "value")), "true");
	ck_assert(json_is_true(json_object_get(x, "refused")));
	ck_assert(json_is_false(json_object_get(x, "fixed")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(x, "remediation")), "Privileged"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 1), "id")), "5.12");
	json_decref(j);
	ohs_free(s);
	free(body);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ host paths (B1-B4, B7) */

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A scratch directory, removed at teardown. */
static char scratch[64];

static void scratch_setup(void)
{
	strcpy(scratch, "/tmp/ohs-policy-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void scratch_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", scratch);
}

/* scratch/name, static buffer per call site is enough for the tests. */
static char *sp(const char *name)
{
	static char buf[8][256];
	static int k;
	char *b = buf[k++ % 8];

	snprintf(b, 256, "%s/%s", scratch, name);
	return b;
}

/* A listening unix socket at path (closed again: the inode stays). */
static void make_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(a.sun_path));
	strcpy(a.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);
}

/* A body with one bind "src:/m[:opts]" (opts NULL: rw). */
static char *bind_body(const char *src, const char *opts)
{
	json_t *frag = json_pack("{s:{s:[s+++]}}", "HostConfig", "Binds", src, ":/m", opts ? ":" : "",
		opts ? opts : "");
	char *s = json_dumps(frag, JSON_COMPACT), *b;

	json_decref(frag);
	b = body_with(s);
	free(s);
	return b;
}

/* Findings of body under profile (permissive check); caller frees. */
static ohs_findings *judge(ohs_policy *p, const char *body)
{
	ohs_findings *f = NULL;

	ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
	return f;
}

/*
 * The body is refused by `hardened` naming id, and by `default` too when
 * default_refuses (else default reports id as a finding and accepts).
 */
static void assert_profiles(ohs_policy *base, const char *body, const char *id, int default_refuses)
{
	static const char *const profiles[] = { "default", "hardened" };
	size_t k;

	for (k = 0; k < 2; k++) {
		ohs_policy *p = NULL;
		ohs_findings *f = NULL;
		char *out = NULL, *s;
		int rc;

		ck_assert_ohs_ok(ohs_policy_new(&p, profiles[k], "enforce"));
		ck_assert_ohs_ok(ohs_policy_set_home(p, ohs_policy_home(base)));
		ck_assert_ohs_ok(ohs_policy_set_engine_socket(p, ohs_policy_engine_socket(base)));
		ck_assert_ohs_ok(ohs_policy_set_engine_local(p, ohs_policy_engine_local(base)));
		rc = ohs_policy_apply(&out, &f, p, body);
		s = dump_findings(f);
		ck_assert_msg(find(f, id, NULL) >= 0, "%s: no %s for %s; findings: %s", profiles[k], id, body, s);
		if (k == 1 || default_refuses) {
			ck_assert_msg(rc == OHS_EPOLICY, "%s: %s not refused (rc %d); findings: %s", profiles[k],
				body, rc, s);
			ck_assert_ptr_nonnull(strstr(ohs_error_last(), id));
		} else {
			ck_assert_msg(rc == 0 || rc == OHS_EPOLICY, "rc %d", rc);
			ck_assert_int_eq(ohs_findings_refused(f, (size_t)find(f, id, NULL)), 0);
		}
		free(s);
		ohs_free(out);
		ohs_findings_free(f);
		ohs_policy_free(p);
	}
}

static ohs_policy *local_policy(void)
{
	ohs_policy *p = policy("permissive", "enforce");

	ck_assert_ohs_ok(ohs_policy_set_engine_socket(p, sp("engine.sock")));
	return p;
}

START_TEST(test_engine_locality_api)
{
	ohs_policy *p = policy("default", "enforce"), *d = NULL;

	ck_assert_int_eq(ohs_policy_engine_local(p), 1);
	ck_assert_ptr_null(ohs_policy_engine_socket(p));
	ck_assert_ohs_ok(ohs_policy_set_engine_local(p, 0));
	ck_assert_int_eq(ohs_policy_engine_local(p), 0);
	ck_assert_ohs_ok(ohs_policy_set_engine_socket(p, "/run//user/1000/docker.sock"));
	ck_assert_str_eq(ohs_policy_engine_socket(p), "/run/user/1000/docker.sock");
	ck_assert_ohs_ok(ohs_policy_dup(&d, p));
	ck_assert_int_eq(ohs_policy_engine_local(d), 0);
	ck_assert_str_eq(ohs_policy_engine_socket(d), "/run/user/1000/docker.sock");
	ck_assert_ohs_error(ohs_policy_set_engine_socket(p, "docker.sock"), OHS_EINVAL,
		"socket path \"docker.sock\" must be absolute");
	ck_assert_ohs_error(ohs_policy_set_engine_local(NULL, 1), OHS_EINVAL, "p is NULL");
	ck_assert_ohs_error(ohs_policy_set_engine_socket(NULL, "/x"), OHS_EINVAL, "p is NULL");
	ck_assert_int_eq(ohs_policy_engine_local(NULL), 0);
	ck_assert_ptr_null(ohs_policy_engine_socket(NULL));
	ck_assert_ohs_ok(ohs_policy_set_engine_socket(p, NULL));
	ck_assert_ptr_null(ohs_policy_engine_socket(p));
	ohs_policy_free(d);
	ohs_policy_free(p);
}
END_TEST

/* B1: a symlink, a hard link and the directory of the engine socket are the socket. */
START_TEST(test_links_to_engine_socket)
{
	ohs_policy *p = local_policy();
	const char *srcs[] = { "engine.sock", "link", "hard", "d/deeper/../../link", "" };
	size_t i;

	make_socket(sp("engine.sock"));
	ck_assert_int_eq(symlink(sp("engine.sock"), sp("link")), 0);
	ck_assert_int_eq(link(sp("engine.sock"), sp("hard")), 0);
	ck_assert_int_eq(mkdir(sp("d"), 0700), 0);
	for (i = 0; i < OHS_ARRAY_SIZE(srcs); i++) {
		char *body = bind_body(sp(srcs[i]), "ro");
		ohs_findings *f = judge(p, body);
		char *s = dump_findings(f);

		ck_assert_msg(find(f, "5.31", "HostConfig.Binds[0]") >= 0, "%s: no 5.31: %s", srcs[i], s);
		ck_assert_msg(find(f, "ohs-host-socket", NULL) < 0, "%s: %s", srcs[i], s);
		assert_profiles(p, body, "5.31", 1);
		free(s);
		free(body);
		ohs_findings_free(f);
	}
	ohs_policy_free(p);
}
END_TEST

/* A socket that is not the engine's is refused by type. */
START_TEST(test_other_socket_and_fifo)
{
	ohs_policy *p = local_policy();
	char *body;
	ohs_findings *f;

	make_socket(sp("agent.sock"));
	ck_assert_int_eq(symlink(sp("agent.sock"), sp("innocent.txt")), 0);
	body = bind_body(sp("innocent.txt"), "ro");
	f = judge(p, body);
	ck_assert_int_ge(find(f, "ohs-host-socket", "HostConfig.Binds[0]"), 0);
	ck_assert_ptr_nonnull(strstr(ohs_findings_message(f, (size_t)find(f, "ohs-host-socket", NULL)),
		"resolves to"));
	assert_profiles(p, body, "ohs-host-socket", 1);
	ohs_findings_free(f);
	free(body);
	/* a FIFO is neither a socket nor a device */
	ck_assert_int_eq(mkfifo(sp("fifo"), 0600), 0);
	body = bind_body(sp("fifo"), "ro");
	f = judge(p, body);
	ck_assert_int_lt(find(f, "ohs-host-socket", NULL), 0);
	ck_assert_int_lt(find(f, "ohs-device-node", NULL), 0);
	ck_assert_int_lt(find(f, "5.31", NULL), 0);
	ohs_findings_free(f);
	free(body);
	ohs_policy_free(p);
}
END_TEST

/* A link to a device node is the device. */
START_TEST(test_link_to_device)
{
	ohs_policy *p = local_policy();
	char *body;
	ohs_findings *f;

	ck_assert_int_eq(symlink("/dev/null", sp("dev")), 0);
	body = bind_body(sp("dev"), NULL);
	f = judge(p, body);
	ck_assert_int_ge(find(f, "ohs-device-node", "HostConfig.Binds[0]"), 0);
	ck_assert_int_ge(find(f, "5.5", "HostConfig.Binds[0]"), 0);
	assert_profiles(p, body, "ohs-device-node", 1);
	ohs_findings_free(f);
	free(body);
	ohs_policy_free(p);
}
END_TEST

/* B1/L2, L3, L12: links to /, /var/lib, /run, and a link planted in a workspace. */
START_TEST(test_links_to_sensitive_dirs)
{
	static const struct { const char *target, *name; } links[] = {
		{ "/", "rootlink" }, { "/var/lib", "varlib" }, { "/run", "run" }, { "/etc/../etc", "etc" },
		{ "/", "ws/r" },
	};
	ohs_policy *p = local_policy();
	size_t i;

	ck_assert_int_eq(mkdir(sp("ws"), 0700), 0);
	for (i = 0; i < OHS_ARRAY_SIZE(links); i++) {
		char *body;
		ohs_findings *f;
		char *s;

		ck_assert_int_eq(symlink(links[i].target, sp(links[i].name)), 0);
		body = bind_body(sp(links[i].name), "ro");
		f = judge(p, body);
		s = dump_findings(f);
		ck_assert_msg(find(f, "5.5", "HostConfig.Binds[0]") >= 0, "%s: %s", links[i].name, s);
		assert_profiles(p, body, "5.5", 1);
		free(s);
		free(body);
		ohs_findings_free(f);
	}
	/* the workspace itself stays mountable */
	{
		char *body = bind_body(sp("ws"), "rw");
		ohs_findings *f = judge(p, body);
		char *s = dump_findings(f);

		ck_assert_msg(find(f, "5.5", NULL) < 0 && find(f, "ohs-home-writable", NULL) < 0 &&
			find(f, "ohs-path-unresolved", NULL) < 0, "%s", s);
		free(s);
		free(body);
		ohs_findings_free(f);
	}
	ohs_policy_free(p);
}
END_TEST

/* Dangling links and loops cannot be resolved: hardened refuses, default reports. */
START_TEST(test_unresolved)
{
	ohs_policy *p = local_policy();
	const char *names[] = { "dangling", "loop1", "dangling/below" };
	size_t i;

	ck_assert_int_eq(symlink(sp("nowhere"), sp("dangling")), 0);
	ck_assert_int_eq(symlink(sp("loop2"), sp("loop1")), 0);
	ck_assert_int_eq(symlink(sp("loop1"), sp("loop2")), 0);
	for (i = 0; i < OHS_ARRAY_SIZE(names); i++) {
		char *body = bind_body(sp(names[i]), "ro");
		ohs_findings *f = judge(p, body);
		long k = find(f, "ohs-path-unresolved", "HostConfig.Binds[0]");

		ck_assert_msg(k >= 0, "%s not reported", names[i]);
		ck_assert_str_eq(ohs_findings_severity(f, (size_t)k), "high");
		assert_profiles(p, body, "ohs-path-unresolved", 0);
		ohs_findings_free(f);
		free(body);
	}
	/* a path that does not exist yet is resolved through its existing parent */
	{
		char *body = bind_body(sp("new/sub/dir"), "rw");
		ohs_findings *f = judge(p, body);

		ck_assert_int_lt(find(f, "ohs-path-unresolved", NULL), 0);
		ohs_findings_free(f);
		free(body);
	}
	ohs_policy_free(p);
}
END_TEST

/* A remote engine: lexical only, and the finding says so. */
START_TEST(test_remote_is_lexical)
{
	ohs_policy *p = local_policy();
	char *body;
	ohs_findings *f;
	long k;

	make_socket(sp("engine.sock"));
	ck_assert_int_eq(symlink(sp("engine.sock"), sp("link")), 0);
	ck_assert_ohs_ok(ohs_policy_set_engine_local(p, 0));
	body = bind_body(sp("link"), "ro");
	f = judge(p, body);
	k = find(f, "ohs-path-lexical", "HostConfig.Binds[0]");
	ck_assert_int_ge(k, 0);
	ck_assert_ptr_nonnull(strstr(ohs_findings_message(f, (size_t)k), "judged lexically only"));
	ck_assert_str_eq(ohs_findings_severity(f, (size_t)k), "low");
	ck_assert_int_lt(find(f, "5.31", NULL), 0);
	ohs_findings_free(f);
	free(body);
	/* the lexical rules still hold */
	body = bind_body("/var/run/docker.sock", "ro");
	f = judge(p, body);
	ck_assert_int_ge(find(f, "5.31", NULL), 0);
	ohs_findings_free(f);
	free(body);
	ohs_policy_free(p);
}
END_TEST

/* B2: sensitive in both directions (the path, below it, or a parent of it). */
static const struct {
	const char *src;
	int sensitive;
} both_ways[] = {
	{ "/var/lib", 1 }, { "/var", 1 }, { "/run/docker", 1 }, { "/var/run/docker/containerd", 1 },
	{ "/run/containerd/s", 1 }, { "/run/k3s", 1 }, { "/var/lib/containerd", 1 },
	{ "/var/lib/kubelet/pods", 1 }, { "/var/lib/containers", 1 }, { "/var/spool/cron", 1 },
	{ "/var/spool", 1 }, { "/var/log", 1 }, { "/lib32", 1 }, { "/libx32", 1 }, { "/run/podman", 1 },
	{ "/run/crio", 1 }, { "/run/buildkit", 1 }, { "/run", 1 }, { "/home", 1 },
	{ "/srv/code", 0 }, { "/opt/project", 0 }, { "/var/tmp/x", 0 },
};

START_TEST(test_sensitive_both_ways)
{
	ohs_policy *p = policy("permissive", "enforce");
	char *body = bind_body(both_ways[_i].src, "ro");
	ohs_findings *f;
	char *s;

	ck_assert_ohs_ok(ohs_policy_set_engine_local(p, 0)); /* lexical rules */
	f = judge(p, body);
	s = dump_findings(f);
	if (both_ways[_i].sensitive) {
		ck_assert_msg(find(f, "5.5", "HostConfig.Binds[0]") >= 0, "%s: %s", both_ways[_i].src, s);
		assert_profiles(p, body, "5.5", 1);
	} else {
		ck_assert_msg(find(f, "5.5", NULL) < 0, "%s: %s", both_ways[_i].src, s);
	}
	free(s);
	free(body);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

/* B3: the homes come from the password database, whatever HOME says. */
START_TEST(test_homes_from_passwd)
{
	ohs_policy *p = NULL;
	struct passwd *me = getpwuid(getuid()), *pw;
	char *body, *other = NULL;
	ohs_findings *f;

	ck_assert_ptr_nonnull(me);
	ck_assert_ohs_ok(ohs_policy_new(&p, "permissive", "enforce"));
	ck_assert_ohs_ok(ohs_policy_set_home(p, "/nonexistent"));
	/* the caller's real home, writable */
	body = bind_body(me->pw_dir, "rw");
	f = judge(p, body);
	ck_assert_int_ge(find(f, "ohs-home-writable", "HostConfig.Binds[0]"), 0);
	assert_profiles(p, body, "ohs-home-writable", 1);
	ohs_findings_free(f);
	free(body);
	/* /root, whoever the caller is */
	body = bind_body("/root", "rw");
	f = judge(p, body);
	ck_assert_int_ge(find(f, "ohs-home-writable", "HostConfig.Binds[0]"), 0);
	assert_profiles(p, body, "ohs-home-writable", 1);
	ohs_findings_free(f);
	free(body);
	/* another user's home, read-only: private */
	setpwent();
	while ((pw = getpwent()) != NULL)
		if (pw->pw_dir[0] == '/' && strcmp(pw->pw_dir, "/") && strcmp(pw->pw_dir, me->pw_dir) &&
		    strcmp(pw->pw_dir, "/nonexistent") && !other)
			other = strdup(pw->pw_dir);
	endpwent();
	if (other) {
		body = bind_body(other, "ro");
		f = judge(p, body);
		ck_assert_msg(find(f, "5.5", "HostConfig.Binds[0]") >= 0, "home %s not sensitive", other);
		ohs_findings_free(f);
		free(body);
		free(other);
	}
	/* the caller's own home read-only stays possible (credentials aside) */
	body = bind_body(me->pw_dir, "ro");
	f = judge(p, body);
	ck_assert_int_lt(find(f, "ohs-home-writable", NULL), 0);
	ohs_findings_free(f);
	free(body);
	ohs_policy_free(p);
}
END_TEST

/* B3 (by design part): writable dotfiles and dot-directories of a home. */
static const struct {
	const char *src, *opts;
	int hit;
} dotfiles[] = {
	{ HOME "/.bashrc", "rw", 1 }, { HOME "/.profile", NULL, 1 }, { HOME "/.bash_profile", NULL, 1 },
	{ HOME "/.zshrc", NULL, 1 }, { HOME "/.local/bin", NULL, 1 }, { HOME "/.local", NULL, 1 },
	{ HOME "/.config", NULL, 1 }, { HOME "/.config/systemd/user", NULL, 1 },
	{ HOME "/.config/containers", NULL, 1 }, { HOME "/.gitconfig", NULL, 1 },
	{ "/root/.bashrc", NULL, 1 },
	{ HOME "/.bashrc", "ro", 0 }, { HOME "/project", NULL, 0 }, { HOME "/project/.config", NULL, 0 },
};

START_TEST(test_home_dotfiles)
{
	ohs_policy *p = policy("permissive", "enforce");
	char *body = bind_body(dotfiles[_i].src, dotfiles[_i].opts);
	ohs_findings *f = judge(p, body);
	char *s = dump_findings(f);

	if (dotfiles[_i].hit) {
		long k = find(f, "ohs-home-dotfile", "HostConfig.Binds[0]");

		ck_assert_msg(k >= 0, "%s: %s", dotfiles[_i].src, s);
		ck_assert_str_eq(ohs_findings_severity(f, (size_t)k), "high");
		assert_profiles(p, body, "ohs-home-dotfile", 0);
	} else {
		ck_assert_msg(find(f, "ohs-home-dotfile", NULL) < 0, "%s: %s", dotfiles[_i].src, s);
	}
	free(s);
	free(body);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

/* B7: Windows drive sources, lexically. */
static const struct {
	const char *bind, *id;
} windows[] = {
	{ "C:/:/h", "5.5" }, { "C:\\\\:/h:ro", "5.5" }, { "C:\\\\Windows:/w:ro", "5.5" },
	{ "c:/windows/system32:/s:ro", "5.5" }, { "c:/Users/x:/u:rw", "ohs-home-writable" },
	{ "C:/Users:/u:ro", "5.5" }, { "c:/Users/x/.ssh:/s:ro", "ohs-credentials" },
	{ "C:\\\\Users\\\\x\\\\.bashrc:/b", "ohs-home-dotfile" }, { "D:/code:/w", "ohs-path-lexical" },
};

START_TEST(test_windows_drives)
{
	ohs_policy *p = policy("permissive", "enforce");
	char *frag = ohs__sprintf("{\"HostConfig\":{\"Binds\":[\"%s\"]}}", windows[_i].bind);
	char *body = body_with(frag);
	ohs_findings *f = judge(p, body);
	char *s = dump_findings(f);

	ck_assert_msg(find(f, windows[_i].id, "HostConfig.Binds[0]") >= 0, "%s: %s", windows[_i].bind, s);
	ck_assert_int_ge(find(f, "ohs-path-lexical", NULL), 0);
	if (strcmp(windows[_i].id, "ohs-path-lexical") == 0)
		ck_assert_msg(find(f, "5.5", NULL) < 0 && find(f, "ohs-home-writable", NULL) < 0, "%s", s);
	else
		assert_profiles(p, body, windows[_i].id, strcmp(windows[_i].id, "5.5") == 0 ||
			strcmp(windows[_i].id, "ohs-home-writable") == 0);
	free(s);
	free(body);
	free(frag);
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

/* B4: every spelling of all interfaces; loopback only under hardened. */
static const struct {
	const char *ip, *id; /* id NULL: no address finding */
} addrs[] = {
	{ "::ffff:0.0.0.0", "5.13" }, { "::ffff:0:0", "5.13" }, { "0", "5.13" }, { "[::]", "5.13" },
	{ "0:0:0:0:0:0:0:0", "5.13" }, { "", "5.13" }, { "0.0.0.0", "5.13" }, { "[::ffff:0.0.0.0]", "5.13" },
	{ "::", "5.13" }, { "0.0", "5.13" },
	{ "192.0.2.2", "ohs-port-address" }, { "10.0.0.1", "ohs-port-address" },
	{ "2001:db8::1", "ohs-port-address" }, { "::ffff:192.0.2.2", "ohs-port-address" },
	{ "127.0.0.1", NULL }, { "127.1.2.3", NULL }, { "::1", NULL }, { "::ffff:127.0.0.1", NULL },
	{ "[::1]", NULL },
};

START_TEST(test_port_addresses)
{
	ohs_policy *p = policy("permissive", "enforce"), *h = policy("hardened", "enforce");
	char *frag = ohs__sprintf("{\"ExposedPorts\":{\"80/tcp\":{}},\"HostConfig\":{\"PortBindings\":"
		"{\"80/tcp\":[{\"HostIp\":\"%s\",\"HostPort\":\"18080\"}]}}}", addrs[_i].ip);
	char *body = body_with(frag), *out = NULL, *s;
	ohs_findings *f = judge(p, body), *fh = NULL;
	int rc;

	s = dump_findings(f);
	if (addrs[_i].id) {
		ck_assert_msg(find(f, addrs[_i].id, "HostConfig.PortBindings[\"80/tcp\"][0].HostIp") >= 0,
			"%s: %s", addrs[_i].ip, s);
	} else {
		ck_assert_msg(find(f, "5.13", NULL) < 0 && find(f, "ohs-port-address", NULL) < 0, "%s: %s",
			addrs[_i].ip, s);
	}
	rc = ohs_policy_apply(&out, &fh, h, body);
	if (addrs[_i].id && strcmp(addrs[_i].id, "5.13") == 0) {
		json_t *j;

		ck_assert_ohs_ok(rc);
		j = load(out);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(
			json_object_get(j, "HostConfig"), "PortBindings"), "80/tcp"), 0), "HostIp")), "127.0.0.1");
		ck_assert_int_eq(ohs_findings_fixed(fh, (size_t)find(fh, "5.13", NULL)), 1);
		json_decref(j);
	} else if (addrs[_i].id) {
		ck_assert_ohs_error(rc, OHS_EPOLICY, "ohs-port-address");
		/* the default profile reports it */
		assert_profiles(p, body, "ohs-port-address", 0);
	} else {
		ck_assert_ohs_ok(rc);
	}
	free(s);
	ohs_free(out);
	free(body);
	free(frag);
	ohs_findings_free(f);
	ohs_findings_free(fh);
	ohs_policy_free(p);
	ohs_policy_free(h);
}
END_TEST

/* B4/L8b: SANDBOX_RUNTIME_BINDING_ADDRESS=::ffff:0.0.0.0 is all interfaces too. */
START_TEST(test_binding_address_mapped_any)
{
	const char *envp[] = { "SANDBOX_SECURITY_PROFILE=hardened", "SANDBOX_RUNTIME_BINDING_ADDRESS=::ffff:0.0.0.0",
		"SANDBOX_USER_ID=1000", NULL };
	ohs_config *cfg = NULL;
	ohs_findings *f = NULL;
	char *out = NULL;
	json_t *j;

	ck_assert_ohs_ok(ohs_env_load(&cfg, envp));
	ck_assert_ohs_ok(ohs_netpolicy_parse_port(ohs_config_netpolicy(cfg), "80"));
	ck_assert_ohs_ok(ohs_config_apply_policy(&out, &f, cfg));
	j = load(out);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(
		json_object_get(j, "HostConfig"), "PortBindings"), "80/tcp"), 0), "HostIp")), "127.0.0.1");
	ck_assert_int_ge(find(f, "5.13", NULL), 0);
	ck_assert_int_eq(ohs_findings_fixed(f, (size_t)find(f, "5.13", NULL)), 1);
	json_decref(j);
	ohs_free(out);
	ohs_findings_free(f);
	ohs_config_free(cfg);
}
END_TEST

/* Also: hardened refuses gid 0, the engine socket's group, shadow. */
START_TEST(test_privileged_groups)
{
	ohs_policy *p = policy("permissive", "enforce");
	struct group *gr = getgrnam("shadow");
	struct stat st;
	char buf[64];
	char *frag, *body;
	ohs_findings *f;
	const char *users[] = { "1000:0", "1000:+0", "1000:-0", "1000:00", "1000:root", "1000:shadow", NULL, NULL };
	size_t i, n = 6;

	if (gr) {
		snprintf(buf, sizeof(buf), "1000:%u", (unsigned)gr->gr_gid);
		users[n++] = strdup(buf);
	}
	if (stat("/var/run/docker.sock", &st) == 0 && st.st_gid != 0) {
		snprintf(buf, sizeof(buf), "1000:%u", (unsigned)st.st_gid);
		users[n++] = strdup(buf);
	}
	for (i = 0; i < n; i++) {
		frag = ohs__sprintf("{\"User\":\"%s\"}", users[i]);
		body = body_with(frag);
		f = judge(p, body);
		ck_assert_msg(find(f, "ohs-privileged-group", "User") >= 0, "%s not reported", users[i]);
		assert_profiles(p, body, "ohs-privileged-group", 0);
		ohs_findings_free(f);
		free(body);
		free(frag);
	}
	for (i = 6; i < n; i++)
		free((char *)users[i]);
	body = body_with("{\"HostConfig\":{\"GroupAdd\":[\"100\",\"0\"]}}");
	f = judge(p, body);
	ck_assert_int_ge(find(f, "ohs-privileged-group", "HostConfig.GroupAdd[1]"), 0);
	ck_assert_int_lt(find(f, "ohs-privileged-group", "HostConfig.GroupAdd[0]"), 0);
	assert_profiles(p, body, "ohs-privileged-group", 0);
	ohs_findings_free(f);
	free(body);
	body = body_with("{\"User\":\"1000:1000\",\"HostConfig\":{\"GroupAdd\":[\"1000\"]}}");
	f = judge(p, body);
	ck_assert_int_lt(find(f, "ohs-privileged-group", NULL), 0);
	ohs_findings_free(f);
	free(body);
	ohs_policy_free(p);
}
END_TEST

/* DOCKER_HOST decides the locality (and the socket) of ohs_env_load's policy. */
static const struct {
	const char *dh;
	int local;
	const char *sock;
} hosts[] = {
	{ NULL, 1, NULL }, { "unix:///srv/d.sock", 1, "/srv/d.sock" }, { "tcp://127.0.0.1:2375", 1, NULL },
	{ "tcp://localhost:2376", 1, NULL }, { "tcp://[::1]:2375", 1, NULL }, { "tcp://127.9.9.9", 1, NULL },
	{ "tcp://10.0.0.5:2376", 0, NULL }, { "tcp://engine.example:2376", 0, NULL },
	{ "tcp://[2001:db8::1]:2375", 0, NULL }, { "ssh://me@host", 0, NULL },
};

START_TEST(test_docker_host_locality)
{
	char *dh = hosts[_i].dh ? ohs__sprintf("DOCKER_HOST=%s", hosts[_i].dh) : NULL;
	const char *envp[] = { dh ? dh : "X=1", NULL };
	ohs_config *cfg = NULL;
	ohs_policy *p;

	ck_assert_ohs_ok(ohs_env_load(&cfg, envp));
	p = ohs_config_policy(cfg);
	ck_assert_int_eq(ohs_policy_engine_local(p), hosts[_i].local);
	if (hosts[_i].sock)
		ck_assert_str_eq(ohs_policy_engine_socket(p), hosts[_i].sock);
	else
		ck_assert_ptr_null(ohs_policy_engine_socket(p));
	ohs_config_free(cfg);
	free(dh);
}
END_TEST

/* The session's hook: a remote client is judged lexically; a local unix client's socket is the engine's. */
START_TEST(test_session_client_locality)
{
	const char *envp[] = { "SANDBOX_SECURITY_PROFILE=hardened", "SANDBOX_USER_ID=1000", NULL, NULL };
	char *vol = ohs__sprintf("SANDBOX_VOLUMES=%s:/s:ro", sp("link"));
	char *dh = ohs__sprintf("unix://%s", sp("engine.sock"));
	ohs_config *cfg = NULL;
	ohs_findings *f = NULL;
	char *out = NULL;

	make_socket(sp("engine.sock"));
	ck_assert_int_eq(symlink(sp("engine.sock"), sp("link")), 0);
	envp[2] = vol;
	ck_assert_ohs_ok(ohs_env_load(&cfg, envp));
	/* a remote client: lexical only, said so, not refused for the link */
	ck_assert_ohs_ok(ohs__config_apply_policy_client(&out, &f, cfg, "tcp://192.0.2.1:2376"));
	ck_assert_int_ge(find(f, "ohs-path-lexical", NULL), 0);
	ck_assert_int_lt(find(f, "5.31", NULL), 0);
	ck_assert_int_eq(ohs_policy_engine_local(ohs_config_policy(cfg)), 1); /* the config is untouched */
	ohs_free(out);
	ohs_findings_free(f);
	out = NULL;
	f = NULL;
	/* a local client on that socket: the link is the engine socket (the policy names none) */
	ck_assert_ptr_null(ohs_policy_engine_socket(ohs_config_policy(cfg)));
	ck_assert_ohs_error(ohs__config_apply_policy_client(&out, &f, cfg, dh), OHS_EPOLICY, "5.31");
	ck_assert_ptr_null(out);
	ck_assert_int_lt(find(f, "ohs-path-lexical", NULL), 0);
	ck_assert_ptr_null(ohs_policy_engine_socket(ohs_config_policy(cfg)));
	ohs_findings_free(f);
	ohs_config_free(cfg);
	free(vol);
	free(dh);
}
END_TEST

/* ------------------------------------------------------------ API 1.1 */

START_TEST(test_new_enum)
{
	ohs_policy *p = NULL;

	ck_assert_ohs_ok(ohs_policy_new_enum(&p, OHS_PROFILE_HARDENED, OHS_MODE_WARN));
	ck_assert_str_eq(ohs_policy_profile(p), "hardened");
	ck_assert_str_eq(ohs_policy_mode(p), "warn");
	ck_assert_str_eq(ohs_policy_default_user(p), "65534:65534");
	ohs_policy_free(p);
	p = NULL;
	ck_assert_ohs_ok(ohs_policy_new_enum(&p, OHS_PROFILE_PERMISSIVE, OHS_MODE_ENFORCE));
	ck_assert_str_eq(ohs_policy_profile(p), "permissive");
	ck_assert_str_eq(ohs_policy_mode(p), "enforce");
	ohs_policy_free(p);
	p = (ohs_policy *)&p;
	ck_assert_ohs_error(ohs_policy_new_enum(&p, (ohs_security_profile)3, OHS_MODE_WARN), OHS_EINVAL,
		"ohs_policy_new_enum: profile 3 is not an ohs_security_profile (0 permissive, 1 default, 2 hardened)");
	ck_assert_ptr_null(p);
	ck_assert_ohs_error(ohs_policy_new_enum(&p, OHS_PROFILE_DEFAULT, (ohs_security_mode)-1), OHS_EINVAL,
		"ohs_policy_new_enum: mode -1 is not an ohs_security_mode (0 enforce, 1 warn)");
	ck_assert_ohs_error(ohs_policy_new_enum(NULL, OHS_PROFILE_DEFAULT, OHS_MODE_WARN), OHS_EINVAL,
		"ohs_policy_new_enum: out is NULL");
}
END_TEST

START_TEST(test_findings_profile_mode)
{
	ohs_policy *p = policy("hardened", "warn");
	ohs_findings *f = NULL;
	char *body = body_with("{\"HostConfig\":{\"Privileged\":true}}");

	ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
	ck_assert_str_eq(ohs_findings_profile(f), "hardened");
	ck_assert_str_eq(ohs_findings_mode(f), "warn");
	ck_assert_ptr_null(ohs_findings_profile(NULL));
	ck_assert_ptr_null(ohs_findings_mode(NULL));
	ohs_findings_free(f);
	ohs_policy_free(p);
	p = policy("permissive", "enforce");
	ck_assert_ohs_ok(ohs_policy_check(&f, p, body));
	ck_assert_str_eq(ohs_findings_profile(f), "permissive");
	ck_assert_str_eq(ohs_findings_mode(f), "enforce");
	ohs_findings_free(f);
	ohs_policy_free(p);
	free(body);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("checks");
	TCase *tp = tcase_create("profiles");
	TCase *ta = tcase_create("api");
	TCase *th = tcase_create("hostpaths");

	tcase_add_test(tc, test_clean_body_has_no_finding);
	tcase_add_loop_test(tc, test_check_table, 0, (int)OHS_ARRAY_SIZE(cases));
	tcase_add_test(tc, test_no_home);
	tcase_add_test(tc, test_home_from_environment);
	suite_add_tcase(s, tc);

	tcase_add_test(tp, test_refusal_matrix);
	tcase_add_test(tp, test_enforce_refuses);
	tcase_add_test(tp, test_warn_reports);
	tcase_add_test(tp, test_default_accepts_openhands_body);
	tcase_add_test(tp, test_hardened_rewrite);
	tcase_add_test(tp, test_hardened_keeps_user_limits);
	tcase_add_test(tp, test_hardened_refuses_rest);
	tcase_add_loop_test(tp, test_hidden_keys, 0, (int)OHS_ARRAY_SIZE(hidden));
	tcase_add_test(tp, test_map_keys_free);
	tcase_add_test(tp, test_hardened_rewrites_root_users);
	tcase_add_test(tp, test_default_refuses_breakouts);
	tcase_add_test(tp, test_exec_user_policy);
	suite_add_tcase(s, tp);

	tcase_add_test(ta, test_names);
	tcase_add_test(ta, test_policy_api_errors);
	tcase_add_loop_test(ta, test_fail_closed_bodies, 0, (int)OHS_ARRAY_SIZE(bad_bodies));
	tcase_add_test(ta, test_null_args);
	tcase_add_test(ta, test_findings_json);
	tcase_add_test(ta, test_new_enum);
	tcase_add_test(ta, test_findings_profile_mode);
	suite_add_tcase(s, ta);

	tcase_add_checked_fixture(th, scratch_setup, scratch_teardown);
	tcase_add_test(th, test_engine_locality_api);
	tcase_add_test(th, test_links_to_engine_socket);
	tcase_add_test(th, test_other_socket_and_fifo);
	tcase_add_test(th, test_link_to_device);
	tcase_add_test(th, test_links_to_sensitive_dirs);
	tcase_add_test(th, test_unresolved);
	tcase_add_test(th, test_remote_is_lexical);
	tcase_add_loop_test(th, test_sensitive_both_ways, 0, (int)OHS_ARRAY_SIZE(both_ways));
	tcase_add_test(th, test_homes_from_passwd);
	tcase_add_loop_test(th, test_home_dotfiles, 0, (int)OHS_ARRAY_SIZE(dotfiles));
	tcase_add_loop_test(th, test_windows_drives, 0, (int)OHS_ARRAY_SIZE(windows));
	tcase_add_loop_test(th, test_port_addresses, 0, (int)OHS_ARRAY_SIZE(addrs));
	tcase_add_test(th, test_binding_address_mapped_any);
	tcase_add_test(th, test_privileged_groups);
	tcase_add_loop_test(th, test_docker_host_locality, 0, (int)OHS_ARRAY_SIZE(hosts));
	tcase_add_test(th, test_session_client_locality);
	suite_add_tcase(s, th);
	return ohs_test_run(s);
}
