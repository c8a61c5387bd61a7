/* outfile.c -- write to a temporary file, then rename (see outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    struct stat st;
    memset(o, 0, sizeof *o);
    if (path == NULL || path[0] == '\0')
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "no output file name");
    if (lstat(path, &st) == 0) {
        if (!force)
            return phx_fail(e, PHX_EINPUT, path, 0, NULL, "exists; use --force to overwrite");
        if (S_ISDIR(st.st_mode))
            return phx_fail(e, PHX_EINPUT, path, 0, NULL, "is a directory");
    }
    o->path = phx_strdup(path);
    o->force = force;
    int rc = outfile_mktemp(o, e);
    if (rc != PHX_OK)
        outfile_abort(o);
    return rc;
}

/* Move the finished temporary file to its final name. Without force, link() refuses to
 * replace a file that appeared since outfile_open(); filesystems without hard links fall back
 * to a check and rename(). */
static int outfile_place(phx_outfile *o, phx_err *e)
{
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
    int rc = outfile_place(o, e);
    if (rc != PHX_OK) {
        outfile_abort(o);
        return rc;
    }
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return PHX_OK;
}

void outfile_abort(phx_outfile *o)
{
    if (o->tmp != NULL)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
}
