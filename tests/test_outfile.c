/* test_outfile.c -- engine/outfile.c: only regular files are replaced (devices, FIFOs,
 * directories refused even with force; symbolic links followed), a temporary file is deleted
 * when the process leaves through exit(), and a stale one (left by kill -9) is detected. */
#include "testutil.h"
#include "../engine/outfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void test_not_regular(void)
{
    char *dir = tu_tmpdir(), *fifo = path_in(dir, "fifo"), *sub = path_in(dir, "sub");
    CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0 && mkdir(sub, 0700) == 0);
    phx_outfile o;
    phx_err e = { 0 };
    CU_ASSERT(outfile_open(&o, fifo, 1, &e) == PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, "is a FIFO") != NULL);
    CU_ASSERT(outfile_open(&o, sub, 1, &e) == PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, "is a directory") != NULL);
    CU_ASSERT(outfile_open(&o, "/dev/null", 1, &e) == PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, "character device") != NULL);
    CU_ASSERT(outfile_stale(fifo, NULL, 0) == 0);   /* nothing left beside them */
    struct stat st;
    CU_ASSERT(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    free(fifo);
    free(sub);
    free(dir);
}

static void test_symlink_followed(void)
{
    char *dir = tu_tmpdir(), *real = path_in(dir, "real.csv"), *link = path_in(dir, "link.csv");
    CU_ASSERT_FATAL(tu_write(real, "old\n") == 0 && symlink("real.csv", link) == 0);
    phx_outfile o;
    phx_err e = { 0 };
    CU_ASSERT(outfile_open(&o, link, 0, &e) == PHX_EINPUT);       /* exists: needs force */
    CU_ASSERT_FATAL(outfile_open(&o, link, 1, &e) == PHX_OK);
    CU_ASSERT(tu_write(o.tmp, "new\n") == 0);
    CU_ASSERT(outfile_commit(&o, &e) == PHX_OK);
    char *text = tu_slurp(real), buf[64] = "";
    CU_ASSERT(text != NULL && strcmp(text, "new\n") == 0);
    CU_ASSERT(readlink(link, buf, sizeof buf - 1) > 0 && strcmp(buf, "real.csv") == 0);
    free(text);
    free(real);
    free(link);
    free(dir);
}

/* A child opens an output and leaves through exit(): its temporary file is gone. */
static void test_exit_cleans(void)
{
    char *dir = tu_tmpdir(), *out = path_in(dir, "out.h5"), *note = path_in(dir, "tmpname");
    pid_t pid = fork();
    if (pid == 0) {
        phx_outfile o;
        if (outfile_open(&o, out, 0, NULL) != PHX_OK || tu_write(note, o.tmp) != 0)
            _exit(3);
        exit(1);                               /* as the out-of-memory handler does */
    }
    int status = 0;
    CU_ASSERT_FATAL(pid > 0 && waitpid(pid, &status, 0) == pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    char *tmp = tu_slurp(note);
    CU_ASSERT_FATAL(tmp != NULL);
    CU_ASSERT(strstr(tmp, "out.h5.tmp.") != NULL && !tu_exists(tmp));
    free(tmp);
    free(note);
    free(out);
    free(dir);
}

/* A temporary left behind (kill -9) is stale; one a process holds a lock on is not. */
static void test_stale(void)
{
    char *dir = tu_tmpdir(), *out = path_in(dir, "r.h5"), *tmp = path_in(dir, "r.h5.tmp.AbC123");
    char found[4096] = "";
    CU_ASSERT(outfile_stale(out, found, sizeof found) == 0);
    CU_ASSERT_FATAL(tu_write(tmp, "partial") == 0);
    CU_ASSERT(outfile_stale(out, found, sizeof found) == 1 && strcmp(found, tmp) == 0);
    int fd = open(tmp, O_RDONLY);
    pid_t pid = fork();                        /* another process writing it holds a lock */
    if (pid == 0) {
        int fd2 = open(tmp, O_RDWR);
        _exit(fd2 >= 0 && flock(fd2, LOCK_EX) == 0 && sleep(2) == 0 ? 0 : 1);
    }
    nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
    CU_ASSERT(outfile_stale(out, NULL, 0) == 0);
    int status;
    waitpid(pid, &status, 0);
    CU_ASSERT(outfile_stale(out, NULL, 0) == 1);
    char *other = path_in(dir, "r.h5x.tmp.AbC123");   /* another output's: not counted */
    CU_ASSERT(tu_write(other, "x") == 0 && outfile_stale(out, NULL, 0) == 1);
    close(fd);
    free(other);
    free(tmp);
    free(out);
    free(dir);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "devices, FIFOs, directories are never replaced", test_not_regular },
        { "a symbolic link is followed", test_symlink_followed },
        { "exit() deletes the temporary file", test_exit_cleans },
        { "a stale temporary file is detected", test_stale },
        CU_TEST_INFO_NULL,
    };
    return tu_run("outfile", tests);
}
