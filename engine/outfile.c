/* outfile.c -- write to a temporary file, then rename (see outfile.h). */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the temporaries alive in this process, deleted when it leaves through exit() ---------- */

#define OUTFILE_LIVE 16
static char *outfile_live[OUTFILE_LIVE];

static void outfile_atexit(void)
{
    for (int i = 0; i < OUTFILE_LIVE; i++)
        if (outfile_live[i] != NULL)
            unlink(outfile_live[i]);
}

static void outfile_register(const char *tmp)
{
    static int registered = 0;
    if (!registered)
        registered = atexit(outfile_atexit) == 0;
    for (int i = 0; i < OUTFILE_LIVE; i++)
        if (outfile_live[i] == NULL) {
            outfile_live[i] = (char *)tmp;
            return;
        }
}

static void outfile_unregister(const char *tmp)
{
    for (int i = 0; tmp != NULL && i < OUTFILE_LIVE; i++)
        if (outfile_live[i] == tmp)
            outfile_live[i] = NULL;
}

/* ---- what may be replaced ------------------------------------------------------------------- */

static const char *outfile_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket"
         : "not a regular file";
}

/* May `path` receive an output? Absent: yes. A regular file: with force. A symbolic link: with
 * force, its target is replaced (followed; *target is then its resolved name, caller frees)
 * when that target is a regular file. Anything else (directory, device, FIFO, socket): never. */
static int outfile_check_target(const char *path, int force, char **target, phx_err *e)
{
    struct stat st;
    *target = NULL;
    if (lstat(path, &st) != 0)
        return PHX_OK;
    int link = S_ISLNK(st.st_mode);
    if (link && stat(path, &st) != 0)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL,
                        "is a symbolic link to a missing file; name the file itself");
    if (!S_ISREG(st.st_mode))
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "is %s%s; phoenix replaces only regular "
                        "files", link ? "a symbolic link to " : "", outfile_kind(st.st_mode));
    if (!force)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "exists; use --force to overwrite");
    if (link && (*target = realpath(path, NULL)) == NULL)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot follow the symbolic link: %s",
                        strerror(errno));
    return PHX_OK;
}

/* Create the temporary file next to `path`, readable as an ordinary new file would be. */
static int outfile_mktemp(phx_outfile *o, phx_err *e)
{
    size_t n = strlen(o->path) + sizeof ".tmp.XXXXXX";
    o->tmp = phx_malloc(n);
    snprintf(o->tmp, n, "%s.tmp.XXXXXX", o->path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int err = errno;
        free(o->tmp);
        o->tmp = NULL;
        return phx_fail(e, PHX_ERUN, o->path, 0, NULL, "cannot create a temporary file: %s",
                        strerror(err));
    }
    outfile_register(o->tmp);
    mode_t mask = umask(0);   /* mkstemp makes 0600; the result should look like any new file */
    umask(mask);
    int bad = fchmod(fd, 0666 & ~mask) != 0;
    int err = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad)
        return phx_fail(e, PHX_ERUN, o->tmp, 0, NULL, "cannot prepare temporary file: %s",
                        strerror(err));
    return PHX_OK;
}

int outfile_open(phx_outfile *o, const char *path, int force, phx_err *e)
{
    memset(o, 0, sizeof *o);
    if (path == NULL || path[0] == '\0')
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "no output file name");
    char *target = NULL;
    int rc = outfile_check_target(path, force, &target, e);
    if (rc != PHX_OK)
        return rc;
    outfile_stale_note(target != NULL ? target : path, stderr);
    o->path = target != NULL ? target : phx_strdup(path);
    o->force = force;
    rc = outfile_mktemp(o, e);
    if (rc != PHX_OK)
        outfile_abort(o);
    return rc;
}

/* ---- stale temporaries ---------------------------------------------------------------------- */

/* Is `name` (in directory `dir`) "<base>.tmp.XXXXXX" and not being written (no lock on it: HDF5
 * holds one on the files it writes)? */
static int outfile_is_stale(const char *dir, const char *name, const char *base)
{
    size_t nb = strlen(base);
    if (strncmp(name, base, nb) != 0 || strncmp(name + nb, ".tmp.", 5) != 0 ||
        strlen(name + nb + 5) != 6 || strcmp(name + nb + 5, "resume") == 0)
        return 0;                              /* (".tmp.resume": a checkpoint, h5resume.c) */
    char full[PATH_MAX];
    if (snprintf(full, sizeof full, "%s/%s", dir, name) >= (int)sizeof full)
        return 0;
    int fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return 0;
    struct stat st;
    int stale = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_SH | LOCK_NB) == 0;
    close(fd);                                 /* (closing drops the probe's lock) */
    return stale;
}

int outfile_stale(const char *path, char *found, size_t n)
{
    char *copy = phx_strdup(path), *slash = strrchr(copy, '/');
    const char *dir = slash == NULL ? "." : slash == copy ? "/" : copy;
    const char *base = slash == NULL ? copy : slash + 1;
    if (slash != NULL)
        *slash = '\0';
    int count = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;)
        if (outfile_is_stale(dir, de->d_name, base) && count++ == 0 && found != NULL)
            snprintf(found, n, "%s%s%s", slash ? dir : "", slash ? "/" : "", de->d_name);
    if (d != NULL)
        closedir(d);
    free(copy);
    return count;
}

void outfile_stale_note(const char *path, FILE *out)
{
    char found[PATH_MAX];
    int n = outfile_stale(path, found, sizeof found);
    if (n > 0 && out != NULL)
        fprintf(out, "phoenix: note: %s is the unfinished temporary file of an interrupted run "
                "(not a result; %d such file%s for %s): delete it when it is not needed\n",
                found, n, n == 1 ? "" : "s", path);
}

/* ---- commit --------------------------------------------------------------------------------- */

/* fsync `path` (a file, or with `dir` a directory); 0 or an errno. */
static int outfile_sync(const char *path, int dir)
{
    int fd = open(path, O_RDONLY | (dir ? O_DIRECTORY : 0));
    if (fd < 0)
        return errno;
    int err = fsync(fd) != 0 && errno != EINVAL && errno != EROFS ? errno : 0;
    close(fd);
    return err;
}

/* The directory holding `path`, synced after the rename so that the new name is durable. */
static void outfile_sync_dir(const char *path)
{
    char *copy = phx_strdup(path), *slash = strrchr(copy, '/');
    if (slash == copy)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    outfile_sync(slash != NULL ? copy : ".", 1);
    free(copy);
}

/* Move the finished temporary file to its final name. Without force, link() refuses to
 * replace a file that appeared since outfile_open(); filesystems without hard links fall back
 * to a check and rename(). With force, what is there now must still be replaceable. */
static int outfile_place(phx_outfile *o, phx_err *e)
{
    char *target = NULL;
    int rc = outfile_check_target(o->path, 1, &target, e);
    free(target);
    if (rc != PHX_OK)
        return rc;
    if (o->force) {
        if (rename(o->tmp, o->path) != 0)
            return phx_fail(e, PHX_ERUN, o->path, 0, NULL, "cannot rename %s: %s", o->tmp,
                            strerror(errno));
        return PHX_OK;
    }
    if (link(o->tmp, o->path) == 0) {
        unlink(o->tmp);
        return PHX_OK;
    }
    struct stat st;
    if (errno == EEXIST || lstat(o->path, &st) == 0)
        return phx_fail(e, PHX_EINPUT, o->path, 0, NULL, "exists; use --force to overwrite");
    if (rename(o->tmp, o->path) != 0)
        return phx_fail(e, PHX_ERUN, o->path, 0, NULL, "cannot rename %s: %s", o->tmp,
                        strerror(errno));
    return PHX_OK;
}

int outfile_commit(phx_outfile *o, phx_err *e)
{
    int err = outfile_sync(o->tmp, 0);         /* the data on disk before the name points at it */
    int rc = err != 0 ? phx_fail(e, PHX_ERUN, o->path, 0, NULL, "cannot write: %s",
                                 strerror(err))
                      : outfile_place(o, e);
    if (rc != PHX_OK) {
        outfile_abort(o);
        return rc;
    }
    outfile_sync_dir(o->path);
    outfile_unregister(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return PHX_OK;
}

void outfile_abort(phx_outfile *o)
{
    if (o->tmp != NULL)
        unlink(o->tmp);
    outfile_unregister(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
}
