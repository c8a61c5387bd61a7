/* outfile.h -- one way to write an output file: into a temporary file beside it, renamed to its
 * name only when complete, so that no half-written file ever carries the final name. The rules,
 * the same for every writer (HDF5 results, CSV tables):
 *   - an existing `path` is refused unless `force` (PHX_EINPUT, "exists; use --force to
 *     overwrite"), checked when opening and again, atomically (link), when committing;
 *   - a directory is never replaced;
 *   - the file gets the permissions of any new file: 0666 minus the umask. */
#ifndef PHX_OUTFILE_H
#define PHX_OUTFILE_H

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

#endif
