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
