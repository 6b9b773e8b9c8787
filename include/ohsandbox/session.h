/*
 * libohsandbox - runtime sessions: one sandbox container each.
 * See ohs_session_create(3), ohs_session_exec(3), ohs_reap(3).
 *
 * Thread safety: an ohs_session may be used by one thread at a time;
 * different sessions (even on one shared ohs_client) are independent.
 */
#ifndef OHSANDBOX_SESSION_H
#define OHSANDBOX_SESSION_H

#include "common.h"
#include "config.h"
#include "client.h"

OHS_BEGIN_DECL

typedef struct ohs_session ohs_session;
typedef struct ohs_exec_opts ohs_exec_opts;
typedef struct ohs_exec_result ohs_exec_result;

/*
 * Pull progress: one call per progress message of the engine.  `status`
 * e.g. "Downloading", `id` the layer (may be ""), `current`/`total` bytes
 * (0 when unknown).  Return 0 to continue, non-zero to cancel the pull.
 */
typedef int (*ohs_progress_cb)(const char *status, const char *id,
	int64_t current, int64_t total, void *payload);

/* Output callback: a chunk of stdout (stream 1) or stderr (stream 2). */
typedef int (*ohs_output_cb)(int stream, const char *data, size_t len, void *payload);

/* ------------------------------------------------------------ lifecycle */

/**
 * Create (but do not start) a sandbox container from `cfg`: pull the image
 * when missing (progress through `progress`, may be NULL), create the
 * session's own network when the config names a user network that does
 * not exist, create the container with the session labels, connect the
 * additional networks.  On failure everything made so far is removed.
 * The body sent is the one the config's security policy gives
 * (ohs_config_apply_policy(3)); when the policy refuses it, this fails with
 * OHS_EPOLICY before the engine is contacted.  What the session then adds
 * (its labels, the main process) is judged again on the exact text sent,
 * before anything is made: the body the policy judged is the body sent.
 */
OHS_EXTERN(int) ohs_session_create(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, ohs_progress_cb progress, void *payload);

/** Start the container and read back its published ports. */
OHS_EXTERN(int) ohs_session_start(ohs_session *s);

/** Re-open an existing sandbox of this library by container id or name. */
OHS_EXTERN(int) ohs_session_open(ohs_session **out, ohs_client *client, const char *id);

/** Stop (SIGTERM, then SIGKILL after timeout_s seconds). */
OHS_EXTERN(int) ohs_session_stop(ohs_session *s, int timeout_s);
OHS_EXTERN(int) ohs_session_pause(ohs_session *s);
OHS_EXTERN(int) ohs_session_resume(ohs_session *s);

/**
 * Remove the container (forced, with its anonymous volumes) and the
 * networks this session created.  Idempotent.
 */
OHS_EXTERN(int) ohs_session_remove(ohs_session *s);

/** Mark the session "keep": exempt from ohs_reap() until removed. */
OHS_EXTERN(int) ohs_session_set_keep(ohs_session *s, int keep);

/**
 * Free the handle.  A session that was neither removed nor kept is
 * removed first (best effort), so a forgotten handle never leaks a
 * container.  NULL is fine.
 */
OHS_EXTERN(void) ohs_session_free(ohs_session *s);

/**
 * The security policy's findings for this session's create body (see
 * ohs_config_apply_policy(3)); borrowed, valid until the session is freed.
 * NULL for a session opened with ohs_session_open().
 */
OHS_EXTERN(const ohs_findings *) ohs_session_findings(const ohs_session *s);

OHS_EXTERN(const char *) ohs_session_id(const ohs_session *s);
OHS_EXTERN(const char *) ohs_session_name(const ohs_session *s);

/* Published ports as read back from the engine after start. */
OHS_EXTERN(size_t) ohs_session_port_count(const ohs_session *s);
OHS_EXTERN(int) ohs_session_port_container(const ohs_session *s, size_t i);
OHS_EXTERN(const char *) ohs_session_port_host_ip(const ohs_session *s, size_t i);
OHS_EXTERN(int) ohs_session_port_host(const ohs_session *s, size_t i);

/**
 * Wait until GET http://HOST_IP:HOST_PORT`path` on the published
 * `container_port` answers 2xx.  Fails at once with OHS_ESTATE (message
 * holding the container's last log lines) when the container exits.
 */
OHS_EXTERN(int) ohs_session_wait_http(ohs_session *s, int container_port,
	const char *path, long timeout_ms, long interval_ms);

/**
 * OOM kills in the sandbox's memory cgroup since it started (exec'd
 * commands included: an exec killed this way exits 137).  Compare the count
 * before and after an exec to tell an OOM kill from another SIGKILL.  Reads
 * the kernel's counter with `cat` in the container while it runs, else the
 * engine's State.OOMKilled (0 or 1).
 */
OHS_EXTERN(int) ohs_session_oom_kills(int64_t *count, ohs_session *s);

/* ------------------------------------------------------------ exec */

OHS_EXTERN(int) ohs_exec_opts_new(ohs_exec_opts **out);
OHS_EXTERN(void) ohs_exec_opts_free(ohs_exec_opts *o);
OHS_EXTERN(int) ohs_exec_opts_set_env(ohs_exec_opts *o, const char *name, const char *value);
OHS_EXTERN(int) ohs_exec_opts_set_workdir(ohs_exec_opts *o, const char *path);
OHS_EXTERN(int) ohs_exec_opts_set_user(ohs_exec_opts *o, const char *user);
/** 0: no timeout.  On timeout the command's processes are killed. */
OHS_EXTERN(int) ohs_exec_opts_set_timeout(ohs_exec_opts *o, long timeout_ms);
/** Bytes kept per stream (0: default 16 MiB); the rest is dropped and flagged. */
OHS_EXTERN(int) ohs_exec_opts_set_output_cap(ohs_exec_opts *o, size_t bytes);
/**
 * Run the command with a terminal (Tty): the engine then sends one raw
 * stream, which is all reported as stdout (stderr stays empty), with
 * terminal line endings ("\r\n").  Default off.
 */
OHS_EXTERN(int) ohs_exec_opts_set_tty(ohs_exec_opts *o, int tty);
/** Also stream output to `cb` as it arrives (it is kept in the result too, up to the cap). */
OHS_EXTERN(int) ohs_exec_opts_set_output_cb(ohs_exec_opts *o, ohs_output_cb cb, void *payload);

/** Run argv (no shell) in the sandbox and wait for it. */
OHS_EXTERN(int) ohs_session_exec(ohs_exec_result **out, ohs_session *s,
	const char *const *argv, const ohs_exec_opts *opts);

/** Run a shell command line with /bin/sh -c. */
OHS_EXTERN(int) ohs_session_exec_shell(ohs_exec_result **out, ohs_session *s,
	const char *command, const ohs_exec_opts *opts);

OHS_EXTERN(void) ohs_exec_result_free(ohs_exec_result *r);
/** Exit code (128+N when killed by signal N; 126/127 as the shell reports). */
OHS_EXTERN(int) ohs_exec_result_exit_code(const ohs_exec_result *r);
OHS_EXTERN(const char *) ohs_exec_result_stdout(const ohs_exec_result *r, size_t *len);
OHS_EXTERN(const char *) ohs_exec_result_stderr(const ohs_exec_result *r, size_t *len);
OHS_EXTERN(int) ohs_exec_result_truncated(const ohs_exec_result *r);
OHS_EXTERN(int) ohs_exec_result_timed_out(const ohs_exec_result *r);

/* ------------------------------------------------------------ one-shot main process */

/**
 * ohs_session_create() with `argv` (NULL-terminated, not empty) as the
 * container's main process, as `docker run IMAGE ARGV` does: the image's
 * ENTRYPOINT still applies and SANDBOX_OVERRIDE_COMMAND does not.  The
 * sandbox is created, not started; run it with ohs_session_run_main().
 */
OHS_EXTERN(int) ohs_session_create_main(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, const char *const *argv, ohs_progress_cb progress, void *payload);

/**
 * Attach to the main process of a created (not yet started) sandbox, start
 * it, deliver its output as ohs_session_exec() does (output callback, cap)
 * and wait for it to exit: the result's exit code is the main process's.
 * On the opts' timeout the container is killed and the result flagged
 * timed out (exit code 137); an output callback that returns non-zero also
 * kills it.  The sandbox is not removed (ohs_session_remove() or
 * ohs_session_free()).  opts may be NULL; a terminal (tty), env, user and
 * workdir of opts are refused with OHS_EINVAL (set them on the config).
 */
OHS_EXTERN(int) ohs_session_run_main(ohs_exec_result **out, ohs_session *s,
	const ohs_exec_opts *opts);

/* ------------------------------------------------------------ logs and files */

/** Container logs (stdout and stderr) to `cb`; `tail` lines (0: all). */
OHS_EXTERN(int) ohs_session_logs(ohs_session *s, int tail, ohs_output_cb cb, void *payload);

/** Copy a local file or directory into container directory `dest_dir` (streamed tar). */
OHS_EXTERN(int) ohs_session_upload(ohs_session *s, const char *local_path, const char *dest_dir);

/**
 * Copy container path `src` into local directory `dest_dir` (streamed tar).
 * Only regular files and directories are written, with the permission bits
 * & 0777 (less the umask; never setuid, setgid or sticky) and owned by the
 * caller; everything else is skipped: see ohs_session_download_ex().
 */
OHS_EXTERN(int) ohs_session_download(ohs_session *s, const char *src, const char *dest_dir);

/** Flags for ohs_session_download_ex(). */
#define OHS_DOWNLOAD_SYMLINKS 1u  /* keep relative symlinks whose target stays inside dest_dir */

/**
 * ohs_session_download() with `flags` (OHS_DOWNLOAD_*, 0 for none).
 * *skipped (may be NULL) receives the number of archive members that were
 * not written: device nodes, FIFOs, sockets, symlinks (without
 * OHS_DOWNLOAD_SYMLINKS, or when absolute or leading outside dest_dir) and
 * other special members.  A member whose name leads outside dest_dir is an
 * error, not a skip.
 */
OHS_EXTERN(int) ohs_session_download_ex(ohs_session *s, const char *src, const char *dest_dir,
	unsigned flags, size_t *skipped);

/* ------------------------------------------------------------ listing and reaping */

/** Flags for ohs_reap() and ohs_reap_each(). */
#define OHS_REAP_ALL 1u      /* every sandbox of this machine, live owner or not (keep included) */
#define OHS_REAP_DRY_RUN 2u  /* decide as usual, remove nothing */

/**
 * Remove this library's sandboxes whose owner process is certainly gone
 * (and the networks the library created for them, once no container is
 * attached).  *removed (may be NULL) receives the number of containers
 * removed (with OHS_REAP_DRY_RUN: that would be removed).
 */
OHS_EXTERN(int) ohs_reap(ohs_client *client, unsigned flags, size_t *removed);

/*
 * Reap callback: one call per container or network, before it is removed
 * (with OHS_REAP_DRY_RUN: instead).  `kind` is "container" or "network",
 * `reason` why it goes.  Return 0 to continue, non-zero to stop.
 */
typedef int (*ohs_reap_cb)(const char *kind, const char *id, const char *name,
	const char *reason, void *payload);

/** ohs_reap() that reports each container and network to `cb` (may be NULL). */
OHS_EXTERN(int) ohs_reap_each(ohs_client *client, unsigned flags, ohs_reap_cb cb,
	void *payload, size_t *removed);

/**
 * This library's sandboxes on the engine as a JSON array of objects
 * {id, name, image, state, session, owner_pid, owner_alive, host, keep, created}.
 * Free with ohs_free().  ohs_sessions_list() gives the same as typed getters.
 */
OHS_EXTERN(int) ohs_session_list(char **json_out, ohs_client *client);

/* ------------------------------------------------------------ API 1.1 additions */

/** 1 when the session is kept (ohs_session_set_keep(), or opened kept), else 0. */
OHS_EXTERN(int) ohs_session_keep(const ohs_session *s);

/** Protocol of published binding `i`: "tcp", "udp" or "sctp"; NULL out of range. */
OHS_EXTERN(const char *) ohs_session_port_protocol(const ohs_session *s, size_t i);

/**
 * ohs_session_stop() with the grace period in milliseconds; the engine
 * counts whole seconds, so it is rounded up.
 */
OHS_EXTERN(int) ohs_session_stop_ms(ohs_session *s, long timeout_ms);

/** ohs_reap() under a module-verb name; ohs_reap() stays as its alias. */
OHS_EXTERN(int) ohs_reap_run(ohs_client *client, unsigned flags, size_t *removed);

/*
 * A typed list of this library's sandboxes (the objects of ohs_session_list()):
 * ohs_sessions_list() fills it, the getters read item i (< count), every
 * string borrowed until ohs_sessions_free().
 */
typedef struct ohs_sessions ohs_sessions;

OHS_EXTERN(int) ohs_sessions_list(ohs_sessions **out, ohs_client *client);
OHS_EXTERN(void) ohs_sessions_free(ohs_sessions *l);
OHS_EXTERN(size_t) ohs_sessions_count(const ohs_sessions *l);
OHS_EXTERN(const char *) ohs_sessions_id(const ohs_sessions *l, size_t i);
OHS_EXTERN(const char *) ohs_sessions_name(const ohs_sessions *l, size_t i);
OHS_EXTERN(const char *) ohs_sessions_image(const ohs_sessions *l, size_t i);
/** Engine state: "created", "running", "exited", "paused", ... */
OHS_EXTERN(const char *) ohs_sessions_state(const ohs_sessions *l, size_t i);
/** The session id (label org.ohsandbox.session). */
OHS_EXTERN(const char *) ohs_sessions_session(const ohs_sessions *l, size_t i);
OHS_EXTERN(const char *) ohs_sessions_host(const ohs_sessions *l, size_t i);
/** Owner process id from the labels (0 unknown). */
OHS_EXTERN(int64_t) ohs_sessions_owner_pid(const ohs_sessions *l, size_t i);
/** 1 owner alive, 0 owner certainly gone, -1 cannot tell (other machine, ...). */
OHS_EXTERN(int) ohs_sessions_owner_alive(const ohs_sessions *l, size_t i);
/** 1 kept, else 0. */
OHS_EXTERN(int) ohs_sessions_keep(const ohs_sessions *l, size_t i);
/** Creation time, seconds since the epoch. */
OHS_EXTERN(int64_t) ohs_sessions_created(const ohs_sessions *l, size_t i);

OHS_END_DECL

#endif
