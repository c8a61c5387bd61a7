/* tempguard.c -- delete the guarded temporary file on an interrupt (see tempguard.h). */
#include "tempguard.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char guarded[4096];

static void on_signal(int sig)
{
    if (guarded[0])
        unlink(guarded);                     /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

void tempguard_set(const char *tmp)
{
    if (tmp == NULL || strlen(tmp) >= sizeof guarded) {
        guarded[0] = '\0';
        return;
    }
    snprintf(guarded, sizeof guarded, "%s", tmp);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
}

#ifndef PHX_FUZZING
static char reading[4096];

static void put(const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, text, n);   /* async-signal-safe */
        if (w <= 0)
            return;
        text += w;
        n -= (size_t)w;
    }
}

static void on_crash(int sig)
{
    (void)sig;
    if (guarded[0])
        unlink(guarded);
    put("phoenix: ");
    put(reading);
    put(": damaged HDF5 file: libhdf5 crashed reading it\n");
    _exit(2);
}
#endif

void tempguard_reading(const char *path)
{
#ifdef PHX_FUZZING
    (void)path;
#else
    if (path == NULL || strlen(path) >= sizeof reading) {
        reading[0] = '\0';
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        return;
    }
    snprintf(reading, sizeof reading, "%s", path);
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
#endif
}
