/* outfile.h -- one way to write an output file: into a temporary file beside it, renamed to its
 * name only when complete, so that no half-written file ever carries the final name. The rules,
 * the same for every writer (HDF5 results, CSV tables):
 *   - an existing `path` is refused unless `force` (PHX_EINPUT, "exists; use --force to
 *     overwrite"), checked when opening and again, atomically (link), when committing;
 *   - only a regular file is ever replaced: a directory, device, FIFO or socket is refused
 *     (PHX_EINPUT, "is a FIFO; phoenix replaces only regular files"), with or without force;
 *   - a symbolic link is followed: with force, the regular file it points to is replaced (the
 *     link stays); a link to a missing file or to something not regular is refused;
 *   - the file gets the permissions of any new file: 0666 minus the umask;
 *   - the data are fsync'd before the rename, the directory after it;
 *   - a temporary file is deleted when the process leaves through exit() (atexit), and one left
 *     by a killed process (kill -9) is reported by the next open of the same output, never
 *     taken for a result. */
#ifndef PHX_OUTFILE_H
#define PHX_OUTFILE_H

#include <stdio.h>
#include "phx.h"

typedef struct phx_outfile {
    char *path;            /* the final name */
    char *tmp;             /* "<path>.tmp.XXXXXX", where the data goes until commit */
    int force;
} phx_outfile;

/* Check `path` and create the (empty) temporary file. Returns PHX_OK, or fills `e` (nothing
 * left behind). */
int outfile_open(phx_outfile *o, const char *path, int force, phx_err *e);
/* Give the finished temporary file its final name; on failure it is deleted. Frees o's strings. */
int outfile_commit(phx_outfile *o, phx_err *e);
/* Delete the temporary file (after an error). Frees o's strings; a no-op on a zeroed o. */
void outfile_abort(phx_outfile *o);

/* Stale temporary files of `path` ("<path>.tmp.XXXXXX" that no process is writing: no lock on
 * them): returns how many; the first one's name goes to found[n] (when not NULL). */
int outfile_stale(const char *path, char *found, size_t n);
/* One line on `out` naming a stale temporary file of `path`, if there is one. */
void outfile_stale_note(const char *path, FILE *out);

#endif
