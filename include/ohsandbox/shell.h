/*
 * libohsandbox - persistent shells: one long-running /bin/sh per handle,
 * attached to a session's container, that runs command after command with
 * its working directory and exported variables kept.  See ohs_shell_open(3).
 *
 * Thread safety: an ohs_shell may be used by one thread at a time.  The
 * session it was opened on must outlive it and must not be used by another
 * thread while a shell call runs.
 */
#ifndef OHSANDBOX_SHELL_H
#define OHSANDBOX_SHELL_H

#include "common.h"
#include "session.h"

OHS_BEGIN_DECL

typedef struct ohs_shell ohs_shell;

/**
 * Start /bin/sh in the running sandbox `s` (an exec with stdin attached)
 * and wait until it answers.  `opts` may be NULL; its environment,
 * working directory, user and output cap are used (its timeout and output
 * callback are not).
 */
OHS_EXTERN(int) ohs_shell_open(ohs_shell **out, ohs_session *s, const ohs_exec_opts *opts);

/**
 * Run one command line in the shell itself (not a subshell) with stdin
 * from /dev/null and wait for it.  `timeout_ms` 0: no timeout.  On
 * timeout the command's processes are killed and the result is flagged
 * timed out; when the shell itself cannot be recovered it is replaced by a
 * new one and ohs_shell_restarted() says so.  OHS_ESTATE when the shell
 * process died (or had died before).
 */
OHS_EXTERN(int) ohs_shell_run(ohs_exec_result **out, ohs_shell *sh,
	const char *command, long timeout_ms);

/** Bytes kept per stream and command (0: default 16 MiB); the rest is dropped and flagged. */
OHS_EXTERN(int) ohs_shell_set_output_cap(ohs_shell *sh, size_t bytes);

/** 1 while the shell process is known to run, 0 after it died or was closed. */
OHS_EXTERN(int) ohs_shell_alive(const ohs_shell *sh);

/**
 * 1 when the last ohs_shell_run() (or ohs_shell_restart()) lost shell
 * state: the shell was replaced by a new process, or re-started itself
 * after an `exit` in the command.  0 otherwise.
 */
OHS_EXTERN(int) ohs_shell_restarted(const ohs_shell *sh);

/** Exit status of a shell that died (-1 while it runs or when unknown). */
OHS_EXTERN(int) ohs_shell_exit_code(const ohs_shell *sh);

/** Replace the shell by a new /bin/sh (same options); its state is lost. */
OHS_EXTERN(int) ohs_shell_restart(ohs_shell *sh);

/** End the shell process and its connection.  The handle stays valid (not alive). */
OHS_EXTERN(int) ohs_shell_close(ohs_shell *sh);

/** Close (best effort) and free.  NULL is fine. */
OHS_EXTERN(void) ohs_shell_free(ohs_shell *sh);

OHS_END_DECL

#endif
