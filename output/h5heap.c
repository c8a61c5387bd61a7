/* h5heap.c -- a results file's global heap collections checked before libhdf5 reads them.
 *
 * Variable-length strings (every string attribute and name list phoenix writes) live in the
 * file's global heap. libhdf5 (1.10 to at least 1.14) parses a collection by walking its
 * objects, each advancing by its recorded size; a free-space object (index 0) of size 0 does not
 * advance, and the library loops forever (h5py with it): 4 KiB of zeros over a collection is
 * enough. The writer keeps variable-length strings (h5py, xarray and netCDF-C read them as
 * text; fixed-length ones come back as bytes), so the readers bound the read instead: before a
 * results file is opened, every collection in it is walked here, as libhdf5 would walk it, and
 * one that would not end is refused as damaged (docs/output.md, "Strings and the global heap").
 *
 * The layout (HDF5 file format specification, "Global Heap"): "GCOL", version 1, 3 reserved
 * bytes, the collection size (length-sized, 8 bytes in every file phoenix writes), then objects:
 * heap object index (2), reference count (2), reserved (4), object size (8), the data padded to
 * a multiple of 8. */
#include "h5util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define H5H_BLOCK (1u << 20)   /* the file is scanned in blocks of 1 MiB ... */
#define H5H_HEAD 16            /* ... overlapping by a collection header */
#define H5H_OBJHDR 16

static uint64_t h5h_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Walk the collection of `size` bytes in `c` as libhdf5 does: 0 when the walk ends, -1 when an
 * object would leave the walk where it is (libhdf5 would loop). */
static int h5h_walk(const unsigned char *c, uint64_t size)
{
    uint64_t p = H5H_HEAD;
    while (p < size) {
        if (p + H5H_OBJHDR > size)
            return 0;                          /* a tail too small for an object: free space */
        unsigned idx = (unsigned)h5h_le(c + p, 2);
        uint64_t osize = h5h_le(c + p + 8, 8);
        uint64_t need = idx > 0 ? H5H_OBJHDR + ((osize + 7) & ~(uint64_t)7) : osize;
        if (need == 0 || osize > size)
            return -1;
        p += need;
    }
    return 0;
}

/* Check the collection whose header is at `off` of open file `fd` (size `fsize`): 0 fine or
 * not a collection, -1 damaged. */
static int h5h_check_at(int fd, uint64_t off, uint64_t fsize, const unsigned char *head)
{
    uint64_t size = h5h_le(head + 8, 8);
    if (head[4] != 1 || size < H5H_HEAD || size > fsize - off)
        return 0;                              /* not a collection libhdf5 would accept either */
    unsigned char *c = malloc((size_t)size);
    if (c == NULL)
        return 0;                              /* cannot check: let libhdf5 try */
    int r = pread(fd, c, (size_t)size, (off_t)off) == (ssize_t)size ? h5h_walk(c, size) : 0;
    free(c);
    return r;
}

/* Scan `fd` for collection headers; PHX_OK or PHX_EINPUT naming the offset. */
static int h5h_scan(int fd, uint64_t fsize, const char *path, phx_err *e)
{
    unsigned char *buf = phx_malloc(H5H_BLOCK + H5H_HEAD);
    int st = PHX_OK;
    for (uint64_t at = 0; st == PHX_OK && at < fsize; at += H5H_BLOCK) {
        ssize_t n = pread(fd, buf, H5H_BLOCK + H5H_HEAD, (off_t)at);
        if (n <= 0)
            break;
        for (ssize_t i = 0; st == PHX_OK && i + H5H_HEAD <= n && i < (ssize_t)H5H_BLOCK; i++) {
            if (buf[i] != 'G' || memcmp(buf + i, "GCOL", 4) != 0)
                continue;
            if (h5h_check_at(fd, at + (uint64_t)i, fsize, buf + i) != 0)
                st = phx_fail(e, PHX_EINPUT, path, 0, NULL,
                              "damaged: the string heap at byte %llu is corrupt (the file was "
                              "altered or not completely written)",
                              (unsigned long long)(at + (uint64_t)i));
        }
    }
    free(buf);
    return st;
}

int h5u_check_heaps(const char *path, phx_err *e)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot open: %s", strerror(errno));
    struct stat sb;
    int st = fstat(fd, &sb) == 0 ? h5h_scan(fd, (uint64_t)sb.st_size, path, e)
                                 : phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot open: %s",
                                            strerror(errno));
    close(fd);
    return st;
}
