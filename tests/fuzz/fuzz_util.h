/* fuzz_util.h -- what the libFuzzer harnesses share: a private directory for the files a fuzz
 * input becomes (the readers under test read paths, not memory). */
#ifndef PHX_FUZZ_UTIL_H
#define PHX_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir_path[256];

/* At exit: the directory and the files the harness wrote into it. */
static void fuzz_cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir_path);
    if (fuzz_dir_path[0] && system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir_path);
}

/* A directory of this process's own, made on first use, removed at exit. */
static const char *fuzz_dir(void)
{
    char *dir = fuzz_dir_path;
    if (dir[0] == '\0') {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof fuzz_dir_path, "%s/phoenix-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (mkdtemp(dir) == NULL)
            abort();
        atexit(fuzz_cleanup);
    }
    return dir;
}

/* Write n bytes to fuzz_dir()/name; the path (static buffer, one per slot 0..3). */
static const char *fuzz_file(int slot, const char *name, const uint8_t *data, size_t n)
{
    static char path[4][512];
    snprintf(path[slot], sizeof path[slot], "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path[slot], "wb");
    if (f == NULL)
        abort();
    if (n && fwrite(data, 1, n, f) != n)
        abort();
    fclose(f);
    return path[slot];
}

#endif
