/*
 * mainproc: what a sandbox's main process is (the keep-alive of
 * SANDBOX_OVERRIDE_COMMAND; mainproc.c, used by session.c at create) and
 * the error a call gets when that process has exited (runmain.c, used by
 * exec.c and shell.c).  Not installed.
 */
#ifndef OHS_MAINPROC_INT_H
#define OHS_MAINPROC_INT_H

#include <jansson.h>
#include "ohsandbox/config.h"
#include "ohsandbox/session.h"
#include "client_int.h"

/*
 * The keep-alive's script: exits 0 at once on SIGTERM/SIGINT/SIGHUP, so a
 * stop does not wait for the engine's kill timeout; the engine's init
 * (HostConfig.Init) reaps orphans.
 */
#define OHS_KEEPALIVE_SCRIPT \
	"trap 'exit 0' TERM INT HUP; while :; do sleep 2147483647 & wait $!; done"
#define OHS_KEEPALIVE_NAME "ohs-keepalive"

/*
 * Decide the main process of a create body (after the policy) and rewrite
 * the body's Entrypoint/Cmd accordingly.  `cmd` (may be NULL) is a command
 * the caller asked for explicitly; `image_info` the image's inspect answer.
 * *overridden is set to 1 when the keep-alive replaced the command.
 */
int ohs__mainproc_apply(json_t *body, json_t *image_info, const char *const *cmd,
	ohs_override_command mode, int *overridden) OHS_INTERNAL;

/*
 * After create, with the keep-alive: OHS_EINVAL naming the image when the
 * container has no /bin/sh (the keep-alive cannot run), else 0.
 */
int ohs__mainproc_check_shell(ohs_client *c, const char *cid, const char *image) OHS_INTERNAL;

/*
 * When the session's container is not running: OHS_ESTATE with a message
 * that says it exited, its exit code, the last log lines, the image's
 * command and the setting that keeps it alive (prefixed by `fn`).  0 when it
 * is running (or cannot be inspected: the caller keeps its own error).
 */
int ohs__session_exited_error(ohs_session *s, const char *fn) OHS_INTERNAL;

#endif
