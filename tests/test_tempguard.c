/* test_tempguard.c -- an interrupt deletes the guarded temporary file (engine/tempguard.c) and
 * still ends the process by the signal; with nothing guarded the file stays. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testutil.h"
#include "../engine/tempguard.h"

/* In a child: guard `path` (or, guard = 0, guard it and then nothing), raise `sig`. The child's
 * wait status. */
static int interrupted_child(const char *path, int guard, int sig)
{
    pid_t pid = fork();
    if (pid == 0) {
        tempguard_set(path);
        if (!guard)
            tempguard_set(NULL);
        raise(sig);
        _exit(0);                       /* not reached: the signal ends the child */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static void test_signals(void)
{
    char *dir = tu_tmpdir();
    char path[4200];
    snprintf(path, sizeof path, "%s/results.h5.tmp", dir);
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    for (int k = 0; k < 3; k++) {
        CU_ASSERT_EQUAL_FATAL(tu_write(path, "partial"), 0);
        int status = interrupted_child(path, 1, sigs[k]);
        CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == sigs[k]);
        CU_ASSERT(!tu_exists(path));
    }
    CU_ASSERT_EQUAL_FATAL(tu_write(path, "finished"), 0);
    int status = interrupted_child(path, 0, SIGTERM);    /* released: the file is kept */
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    CU_ASSERT(tu_exists(path));
    remove(path);
    remove(dir);
    free(dir);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "SIGINT, SIGTERM, SIGHUP delete the guarded file", test_signals },
        CU_TEST_INFO_NULL,
    };
    return tu_run("tempguard", tests);
}
