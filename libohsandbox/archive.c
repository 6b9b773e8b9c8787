/*
 * archive: file upload and download through the engine's archive API.
 *
 * Both directions are streamed: a worker thread runs libarchive and talks
 * to the calling thread (which runs the HTTP transfer) through a small
 * bounded channel, so no file or tar is ever held in memory as a whole.
 *
 *   upload:   worker: walk local files -> libarchive tar writer -> channel
 *             caller: channel -> ohs__engine_archive_put read callback -> PUT
 *   download: caller: GET (ohs__engine_archive_get) on_data -> channel
 *             worker: channel -> libarchive tar reader -> files on disk
 *
 * Errors in the worker are kept in the shared context (the last-error slot
 * is per thread) and re-raised on the calling thread.
 */
#include "internal.h"
#include "session_int.h"
#include "engine_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHAN_SIZE (256 * 1024)
#define IO_CHUNK (64 * 1024)

/* ------------------------------------------------------------ channel */

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf;
	size_t head, len;
	int wclosed;     /* producer done */
	int werr;        /* producer failed (the data is incomplete) */
	int rclosed;     /* consumer gone: producer must stop */
} chan;

static int chan_init(chan *ch)
{
	memset(ch, 0, sizeof(*ch));
	if (!(ch->buf = malloc(CHAN_SIZE)))
		return -1;
	pthread_mutex_init(&ch->mu, NULL);
	pthread_cond_init(&ch->cv, NULL);
	return 0;
}

static void chan_destroy(chan *ch)
{
	free(ch->buf);
	pthread_mutex_destroy(&ch->mu);
	pthread_cond_destroy(&ch->cv);
}

/* Write all of data; -1 when the consumer is gone. */
static int chan_write(chan *ch, const char *data, size_t len)
{
	pthread_mutex_lock(&ch->mu);
	while (len) {
		size_t tail, n;

		while (ch->len == CHAN_SIZE && !ch->rclosed)
			pthread_cond_wait(&ch->cv, &ch->mu);
		if (ch->rclosed) {
			pthread_mutex_unlock(&ch->mu);
			return -1;
		}
		tail = (ch->head + ch->len) % CHAN_SIZE;
		n = CHAN_SIZE - ch->len;
		if (n > CHAN_SIZE - tail)
			n = CHAN_SIZE - tail;
		if (n > len)
			n = len;
		memcpy(ch->buf + tail, data, n);
		ch->len += n;
		data += n;
		len -= n;
		pthread_cond_broadcast(&ch->cv);
	}
	pthread_mutex_unlock(&ch->mu);
	return 0;
}

/* Read up to size bytes: > 0 bytes, 0 at the end, -1 when the producer failed. */
static long chan_read(chan *ch, char *out, size_t size)
{
	size_t n;

	pthread_mutex_lock(&ch->mu);
	while (ch->len == 0 && !ch->wclosed)
		pthread_cond_wait(&ch->cv, &ch->mu);
	if (ch->len == 0) {
		int err = ch->werr;

		pthread_mutex_unlock(&ch->mu);
		return err ? -1 : 0;
	}
	n = ch->len;
	if (n > CHAN_SIZE - ch->head)
		n = CHAN_SIZE - ch->head;
	if (n > size)
		n = size;
	memcpy(out, ch->buf + ch->head, n);
	ch->head = (ch->head + n) % CHAN_SIZE;
	ch->len -= n;
	pthread_cond_broadcast(&ch->cv);
	pthread_mutex_unlock(&ch->mu);
	return (long)n;
}

static void chan_close_write(chan *ch, int failed)
{
	pthread_mutex_lock(&ch->mu);
	ch->wclosed = 1;
	if (failed)
		ch->werr = 1;
	pthread_cond_broadcast(&ch->cv);
	pthread_mutex_unlock(&ch->mu);
}

static void chan_close_read(chan *ch)
{
	pthread_mutex_lock(&ch->mu);
	ch->rclosed = 1;
	pthread_cond_broadcast(&ch->cv);
	pthread_mutex_unlock(&ch->mu);
}

/* ------------------------------------------------------------ shared context */

typedef struct {
	chan ch;
	const char *local;         /* upload: local path; download: dest dir (resolved) */
	const char *what;          /* function name for messages */
	int err;                   /* worker's own failure (OHS_E*), 0 if none */
	int read_err;              /* download: err came from the tar reader (maybe a consequence) */
	int cancelled;             /* the other side closed the channel first */
	unsigned flags;            /* download: OHS_DOWNLOAD_* */
	size_t skipped;            /* download: members not written */
	char msg[1024];
	char rbuf[IO_CHUNK];       /* download: libarchive read buffer */
} xfer;

static void xfer_fail(xfer *x, int code, const char *fmt, ...) OHS_PRINTF(3, 4);
static void xfer_fail(xfer *x, int code, const char *fmt, ...)
{
	va_list ap;

	if (x->err)
		return;
	x->err = code;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
}

static int session_ready(ohs_session *s, ohs_client **c, const char *fn)
{
	const char *id;

	if (!(*c = ohs__session_client(s)) || !(id = ohs_session_id(s)) || !*id)
		return ohs__error_set(OHS_ESTATE, "%s: the session has no container (create it first)", fn);
	return 0;
}

/* ------------------------------------------------------------ upload */

static la_ssize_t up_write_cb(struct archive *a, void *payload, const void *buf, size_t len)
{
	xfer *x = payload;

	if (chan_write(&x->ch, buf, len) < 0) {
		x->cancelled = 1;
		archive_set_error(a, ECANCELED, "upload aborted");
		return -1;
	}
	return (la_ssize_t)len;
}

/* Add `full` (an lstat'ed file) as tar member `name`, recursing into directories. */
static int up_add(xfer *x, struct archive *a, const char *full, const char *name)
{
	struct archive_entry *e;
	struct stat st;
	int rc = 0;

	if (lstat(full, &st) < 0) {
		xfer_fail(x, errno == ENOENT ? OHS_ENOTFOUND : OHS_EIO,
			"%s: local file \"%s\": %s", x->what, full, strerror(errno));
		return -1;
	}
	if (S_ISSOCK(st.st_mode))
		return 0; /* tar cannot hold sockets */
	if (!(e = archive_entry_new())) {
		xfer_fail(x, OHS_ENOMEM, "out of memory");
		return -1;
	}
	archive_entry_copy_stat(e, &st);
	archive_entry_copy_pathname(e, name);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(full, target, sizeof(target) - 1);

		if (n < 0) {
			xfer_fail(x, OHS_EIO, "%s: local symlink \"%s\": %s", x->what, full, strerror(errno));
			archive_entry_free(e);
			return -1;
		}
		target[n] = '\0';
		archive_entry_copy_symlink(e, target);
	}
	if (!S_ISREG(st.st_mode))
		archive_entry_set_size(e, 0);

	if (S_ISREG(st.st_mode)) {
		int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		char *buf;
		int64_t left = st.st_size;

		if (fd < 0) {
			xfer_fail(x, errno == EACCES ? OHS_EPERM : OHS_EIO,
				"%s: local file \"%s\": %s", x->what, full, strerror(errno));
			archive_entry_free(e);
			return -1;
		}
		if (archive_write_header(a, e) != ARCHIVE_OK) {
			xfer_fail(x, OHS_EIO, "%s: tar header for \"%s\": %s", x->what, full,
				archive_error_string(a));
			close(fd);
			archive_entry_free(e);
			return -1;
		}
		if (!(buf = malloc(IO_CHUNK))) {
			xfer_fail(x, OHS_ENOMEM, "out of memory");
			close(fd);
			archive_entry_free(e);
			return -1;
		}
		/* never write more than the header announced (the file may grow) */
		while (left > 0) {
			ssize_t n = read(fd, buf, left < IO_CHUNK ? (size_t)left : IO_CHUNK);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				xfer_fail(x, OHS_EIO, "%s: reading local file \"%s\": %s", x->what, full,
					strerror(errno));
				rc = -1;
				break;
			}
			if (n == 0)
				break; /* shrank: libarchive pads the member */
			if (archive_write_data(a, buf, (size_t)n) < 0) {
				xfer_fail(x, OHS_EIO, "%s: writing tar data for \"%s\": %s", x->what, full,
					archive_error_string(a));
				rc = -1;
				break;
			}
			left -= n;
		}
		free(buf);
		close(fd);
		archive_entry_free(e);
		return rc;
	}

	if (archive_write_header(a, e) != ARCHIVE_OK) {
		xfer_fail(x, OHS_EIO, "%s: tar header for \"%s\": %s", x->what, full,
			archive_error_string(a));
		archive_entry_free(e);
		return -1;
	}
	archive_entry_free(e);

	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(full);
		struct dirent *de;

		if (!d) {
			xfer_fail(x, errno == EACCES ? OHS_EPERM : OHS_EIO,
				"%s: local directory \"%s\": %s", x->what, full, strerror(errno));
			return -1;
		}
		while (rc == 0 && (de = readdir(d))) {
			char *cfull, *cname;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			cfull = ohs__sprintf("%s/%s", full, de->d_name);
			cname = ohs__sprintf("%s/%s", name, de->d_name);
			if (!cfull || !cname) {
				xfer_fail(x, OHS_ENOMEM, "out of memory");
				rc = -1;
			} else {
				rc = up_add(x, a, cfull, cname);
			}
			free(cfull);
			free(cname);
		}
		closedir(d);
	}
	return rc;
}

typedef struct {
	xfer x;
	const char *name; /* member name of the top entry */
} upload_ctx;

static void *up_worker(void *arg)
{
	upload_ctx *u = arg;
	xfer *x = &u->x;
	struct archive *a = archive_write_new();
	int ok = 0;

	if (!a) {
		xfer_fail(x, OHS_ENOMEM, "out of memory");
		chan_close_write(&x->ch, 1);
		return NULL;
	}
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open(a, x, NULL, up_write_cb, NULL) != ARCHIVE_OK) {
		xfer_fail(x, OHS_EIO, "%s: opening the tar writer: %s", x->what, archive_error_string(a));
	} else if (up_add(x, a, x->local, u->name) == 0) {
		if (archive_write_close(a) == ARCHIVE_OK)
			ok = 1;
		else
			xfer_fail(x, OHS_EIO, "%s: finishing the tar stream: %s", x->what,
				archive_error_string(a));
	}
	archive_write_free(a);
	chan_close_write(&x->ch, !ok);
	return NULL;
}

static long up_read_cb(char *buf, size_t size, void *payload)
{
	xfer *x = payload;
	long n = chan_read(&x->ch, buf, size);

	return n < 0 ? (x->err ? x->err : OHS_EIO) : n;
}

/* The last path component without trailing slashes ("." for "/"). */
static char *base_name(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end == start || (end - start == 1 && path[start] == '/'))
		return ohs__strdup(".");
	return ohs__strndup(path + start, end - start);
}

int ohs_session_upload(ohs_session *s, const char *local_path, const char *dest_dir)
{
	static const char fn[] = "ohs_session_upload";
	upload_ctx u;
	ohs_client *c;
	struct stat st;
	char *name = NULL;
	pthread_t th;
	int rc;

	if (!s)
		return ohs__error_set(OHS_EINVAL, "%s: s is NULL", fn);
	if (!local_path)
		return ohs__error_set(OHS_EINVAL, "%s: local_path is NULL", fn);
	if (!dest_dir)
		return ohs__error_set(OHS_EINVAL, "%s: dest_dir is NULL", fn);
	if (!*local_path)
		return ohs__error_set(OHS_EINVAL, "%s: local_path is empty (expected a file or directory)", fn);
	if (dest_dir[0] != '/')
		return ohs__error_set(OHS_EINVAL,
			"%s: dest_dir \"%s\" must be an absolute container directory", fn, dest_dir);
	if ((rc = session_ready(s, &c, fn)) < 0)
		return rc;
	if (lstat(local_path, &st) < 0)
		return ohs__error_set(errno == ENOENT || errno == ENOTDIR ? OHS_ENOTFOUND : OHS_EIO,
			"%s: local path \"%s\": %s", fn, local_path, strerror(errno));
	if (S_ISSOCK(st.st_mode))
		return ohs__error_set(OHS_EINVAL, "%s: local path \"%s\" is a socket (expected a file or directory)",
			fn, local_path);
	if (!(name = base_name(local_path)))
		return ohs__error_oom();
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		rc = ohs__error_set(OHS_EINVAL, "%s: local path \"%s\" has no name to copy as "
			"(expected a path ending in a file or directory name)", fn, local_path);
		free(name);
		return rc;
	}

	memset(&u, 0, sizeof(u));
	u.x.local = local_path;
	u.x.what = fn;
	u.name = name;
	if (chan_init(&u.x.ch) < 0) {
		free(name);
		return ohs__error_oom();
	}
	if (pthread_create(&th, NULL, up_worker, &u) != 0) {
		rc = ohs__error_set(OHS_ERROR, "%s: cannot start the archive thread", fn);
		goto out;
	}
	rc = ohs__engine_archive_put(c, ohs_session_id(s), dest_dir, up_read_cb, &u.x, "upload");
	chan_close_read(&u.x.ch);
	pthread_join(th, NULL);

	/* The worker's error wins, unless it only failed because the transfer
	 * had already ended (then the transport's error is the real one). */
	if (u.x.err && !(u.x.cancelled && rc < 0)) {
		rc = ohs__error_set(u.x.err, "%s", u.x.msg);
	} else if (rc == OHS_ENOTFOUND) {
		char *m = ohs__strdup(ohs_error_last());

		rc = ohs__error_set_http(OHS_ENOTFOUND, ohs_error_last_http_status(),
			"%s: container directory \"%s\" not found: %s", fn, dest_dir, m ? m : "");
		free(m);
	} else if (rc < 0) {
		char *m = ohs__strdup(ohs_error_last());

		rc = ohs__error_set_http(rc, ohs_error_last_http_status(),
			"%s: \"%s\" to container directory \"%s\": %s", fn, local_path, dest_dir,
			m ? m : ohs_strerror(rc));
		free(m);
	}
out:
	chan_destroy(&u.x.ch);
	free(name);
	return rc;
}

/* ------------------------------------------------------------ download */

static int download_impl(ohs_session *s, const char *src, const char *dest_dir,
	unsigned flags, size_t *skipped, const char *fn);

static la_ssize_t down_read_cb(struct archive *a, void *payload, const void **buf)
{
	xfer *x = payload;
	long n = chan_read(&x->ch, x->rbuf, sizeof(x->rbuf));

	*buf = x->rbuf;
	if (n < 0) {
		archive_set_error(a, ECANCELED, "download aborted");
		return -1;
	}
	return n;
}

/* An archive member name that stays inside the destination. */
static int member_safe(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		if (!e)
			break;
		p = e + 1;
	}
	return 1;
}

/*
 * A symlink target that stays inside the destination from member `name`:
 * relative, ".." only as leading components (after a component that may
 * itself be a symlink, ".." would climb from wherever it points), and no
 * more of them than `name` has directories.
 */
static int link_inside(const char *name, const char *target)
{
	const char *p, *e;
	long depth = 0;
	int forward = 0;

	if (!*target || *target == '/')
		return 0;
	for (p = name; (e = strchr(p, '/')) != NULL; p = e + 1)
		if (e > p && !(e - p == 1 && *p == '.'))
			depth++;
	for (p = target; *p; p = e + 1) {
		size_t n;

		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (forward || --depth < 0)
				return 0;
		} else if (n && !(n == 1 && *p == '.')) {
			forward = 1;
		}
		if (!e)
			break;
	}
	return 1;
}

/* What to do with a member: 1 write it (entry adjusted), 0 skip it. */
static int down_filter(xfer *x, struct archive_entry *e, const char *name, const char *lfull)
{
	mode_t type = archive_entry_filetype(e);
	mode_t perm = archive_entry_perm(e) & 0777;
	struct stat st;

	if (lfull) {
		/* a hard link only to a regular file this download can see as one */
		if (lstat(lfull, &st) < 0 || !S_ISREG(st.st_mode))
			return 0;
		type = AE_IFREG;
	} else if (type == AE_IFLNK) {
		const char *t = archive_entry_symlink(e);

		if (!(x->flags & OHS_DOWNLOAD_SYMLINKS) || !t || !link_inside(name, t))
			return 0;
		return 1;
	} else if (type == AE_IFDIR) {
		perm |= 0700; /* the download must be able to write into it */
	} else if (type != AE_IFREG) {
		return 0; /* devices, FIFOs, sockets, anything unknown */
	}
	/* no setuid/setgid/sticky, no owner, no ACL, xattr or file flags */
	archive_entry_set_filetype(e, (unsigned)type);
	archive_entry_set_perm(e, perm);
	archive_entry_acl_clear(e);
	archive_entry_xattr_clear(e);
	archive_entry_set_fflags(e, 0, 0);
	archive_entry_set_uid(e, (la_int64_t)getuid());
	archive_entry_set_gid(e, (la_int64_t)getgid());
	archive_entry_set_uname(e, NULL);
	archive_entry_set_gname(e, NULL);
	return 1;
}

static void read_fail(xfer *x, struct archive *a, const char *name)
{
	if (x->err)
		return;
	x->read_err = 1;
	if (name)
		xfer_fail(x, OHS_EIO, "%s: reading \"%s\" from the engine's tar stream: %s",
			x->what, name, archive_error_string(a));
	else
		xfer_fail(x, OHS_EIO, "%s: reading the engine's tar stream: %s", x->what,
			archive_error_string(a));
}

/* Extract every member of the opened reader `a` into x->local; 0 or -1 (x->err). */
static int down_extract(xfer *x, struct archive *a)
{
	struct archive *w = archive_write_disk_new();
	struct archive_entry *e;
	int r, rc = -1;

	if (!w) {
		xfer_fail(x, OHS_ENOMEM, "out of memory");
		return -1;
	}
	/* no ARCHIVE_EXTRACT_PERM/OWNER/XATTR/ACL/FFLAGS: the umask applies and
	 * setuid/setgid bits and owners are never restored */
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_TIME |
		ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT);
	for (;;) {
		const char *name, *link;
		char *full = NULL, *lfull = NULL;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			read_fail(x, a, NULL);
			goto done;
		}
		name = archive_entry_pathname(e);
		link = archive_entry_hardlink(e);
		if (!name || !member_safe(name) || (link && !member_safe(link))) {
			xfer_fail(x, OHS_EIO, "%s: archive member \"%s\" would be written outside \"%s\"",
				x->what, name ? name : "(null)", x->local);
			goto done;
		}
		full = ohs__sprintf("%s/%s", x->local, name);
		if (link)
			lfull = ohs__sprintf("%s/%s", x->local, link);
		if (!full || (link && !lfull)) {
			free(full);
			free(lfull);
			xfer_fail(x, OHS_ENOMEM, "out of memory");
			goto done;
		}
		if (!down_filter(x, e, name, lfull)) {
			x->skipped++;
			free(full);
			free(lfull);
			continue; /* the reader skips its data */
		}
		archive_entry_copy_pathname(e, full);
		if (lfull)
			archive_entry_copy_hardlink(e, lfull);
		free(lfull);
		r = archive_write_header(w, e);
		if (r < ARCHIVE_WARN) {
			xfer_fail(x, OHS_EIO, "%s: writing \"%s\": %s", x->what, full, archive_error_string(w));
			free(full);
			goto done;
		}
		if (archive_entry_size(e) > 0) {
			const void *blk;
			size_t len;
			la_int64_t off;

			while ((r = archive_read_data_block(a, &blk, &len, &off)) == ARCHIVE_OK) {
				if (archive_write_data_block(w, blk, len, off) < ARCHIVE_WARN) {
					xfer_fail(x, OHS_EIO, "%s: writing \"%s\": %s", x->what, full,
						archive_error_string(w));
					free(full);
					goto done;
				}
			}
			if (r != ARCHIVE_EOF) {
				/* not `name`: copy_pathname freed it; full ends with it */
				read_fail(x, a, full + strlen(x->local) + 1);
				free(full);
				goto done;
			}
		}
		if (archive_write_finish_entry(w) < ARCHIVE_WARN) {
			xfer_fail(x, OHS_EIO, "%s: finishing \"%s\": %s", x->what, full, archive_error_string(w));
			free(full);
			goto done;
		}
		free(full);
	}
	if (archive_write_close(w) < ARCHIVE_WARN) {
		xfer_fail(x, OHS_EIO, "%s: finishing the extraction into \"%s\": %s", x->what, x->local,
			archive_error_string(w));
		goto done;
	}
	rc = 0;
done:
	archive_write_free(w);
	return rc;
}

static void *down_worker(void *arg)
{
	xfer *x = arg;
	struct archive *a = archive_read_new();

	if (!a) {
		xfer_fail(x, OHS_ENOMEM, "out of memory");
		goto done;
	}
	archive_read_support_format_tar(a);
	if (archive_read_open(a, x, NULL, down_read_cb, NULL) != ARCHIVE_OK) {
		read_fail(x, a, NULL);
		goto done;
	}
	if (down_extract(x, a) == 0) {
		/* drain what follows the end-of-archive blocks so the transfer completes */
		while (chan_read(&x->ch, x->rbuf, sizeof(x->rbuf)) > 0)
			;
	}
done:
	chan_close_read(&x->ch);
	archive_read_free(a);
	return NULL;
}

int ohs__download_extract_mem(const void *data, size_t len, const char *dest,
	unsigned flags, size_t *skipped)
{
	struct archive *a;
	xfer *x;
	int rc = 0;

	if (skipped)
		*skipped = 0;
	if (!(x = calloc(1, sizeof(*x))))
		return ohs__error_oom();
	x->local = dest;
	x->what = "ohs_session_download";
	x->flags = flags;
	if (!(a = archive_read_new())) {
		free(x);
		return ohs__error_oom();
	}
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
		read_fail(x, a, NULL);
	else
		down_extract(x, a);
	archive_read_free(a);
	if (x->err)
		rc = ohs__error_set(x->err, "%s", x->msg);
	if (skipped)
		*skipped = x->skipped;
	free(x);
	return rc;
}

static int down_on_data(const char *data, size_t len, void *payload)
{
	xfer *x = payload;

	if (chan_write(&x->ch, data, len) < 0) {
		x->cancelled = 1; /* the worker gave up first: its error is the cause */
		return 1;
	}
	return 0;
}

int ohs_session_download(ohs_session *s, const char *src, const char *dest_dir)
{
	return download_impl(s, src, dest_dir, 0, NULL, "ohs_session_download");
}

int ohs_session_download_ex(ohs_session *s, const char *src, const char *dest_dir,
	unsigned flags, size_t *skipped)
{
	return download_impl(s, src, dest_dir, flags, skipped, "ohs_session_download_ex");
}

static int download_impl(ohs_session *s, const char *src, const char *dest_dir,
	unsigned flags, size_t *skipped, const char *fn)
{
	xfer *x;
	ohs_client *c;
	struct stat st;
	char *real = NULL;
	pthread_t th;
	int rc;

	if (skipped)
		*skipped = 0;
	if (!s)
		return ohs__error_set(OHS_EINVAL, "%s: s is NULL", fn);
	if (flags & ~OHS_DOWNLOAD_SYMLINKS)
		return ohs__error_set(OHS_EINVAL, "%s: unknown flags 0x%x (expected OHS_DOWNLOAD_SYMLINKS or 0)",
			fn, flags & ~OHS_DOWNLOAD_SYMLINKS);
	if (!src)
		return ohs__error_set(OHS_EINVAL, "%s: src is NULL", fn);
	if (!dest_dir)
		return ohs__error_set(OHS_EINVAL, "%s: dest_dir is NULL", fn);
	if (src[0] != '/')
		return ohs__error_set(OHS_EINVAL, "%s: src \"%s\" must be an absolute container path", fn, src);
	if (!*dest_dir)
		return ohs__error_set(OHS_EINVAL, "%s: dest_dir is empty (expected a local directory)", fn);
	if ((rc = session_ready(s, &c, fn)) < 0)
		return rc;
	if (stat(dest_dir, &st) < 0)
		return ohs__error_set(errno == ENOENT || errno == ENOTDIR ? OHS_ENOTFOUND : OHS_EIO,
			"%s: local directory \"%s\": %s", fn, dest_dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ohs__error_set(OHS_EINVAL, "%s: dest_dir \"%s\" is not a directory", fn, dest_dir);
	if (!(real = realpath(dest_dir, NULL)))
		return ohs__error_set(OHS_EIO, "%s: local directory \"%s\": %s", fn, dest_dir, strerror(errno));
	if (!(x = calloc(1, sizeof(*x)))) {
		free(real);
		return ohs__error_oom();
	}
	x->local = real;
	x->what = fn;
	x->flags = flags;
	if (chan_init(&x->ch) < 0) {
		rc = ohs__error_oom();
		goto out_free;
	}
	if (pthread_create(&th, NULL, down_worker, x) != 0) {
		rc = ohs__error_set(OHS_ERROR, "%s: cannot start the archive thread", fn);
		goto out;
	}
	rc = ohs__engine_archive_get(c, ohs_session_id(s), src, down_on_data, x, "download");
	chan_close_write(&x->ch, rc < 0);
	pthread_join(th, NULL);
	if (skipped)
		*skipped = x->skipped;

	/*
	 * The worker's error wins when it is the cause: a local failure, or a
	 * tar error that made it stop reading (the transfer was then aborted
	 * by us).  When the transfer failed on its own, the tar reader's
	 * complaint about the cut stream is a consequence: report the transport.
	 */
	if (x->err && !(rc < 0 && x->read_err && !x->cancelled)) {
		rc = ohs__error_set(x->err, "%s", x->msg);
	} else if (rc == OHS_ENOTFOUND) {
		char *m = ohs__strdup(ohs_error_last());

		rc = ohs__error_set_http(OHS_ENOTFOUND, ohs_error_last_http_status(),
			"%s: container path \"%s\" not found: %s", fn, src, m ? m : "");
		free(m);
	} else if (rc < 0) {
		char *m = ohs__strdup(ohs_error_last());

		rc = ohs__error_set_http(rc, ohs_error_last_http_status(),
			"%s: container path \"%s\" to \"%s\": %s", fn, src, dest_dir,
			m ? m : ohs_strerror(rc));
		free(m);
	}
out:
	chan_destroy(&x->ch);
out_free:
	free(x);
	free(real);
	return rc;
}
