/* tempguard.h -- an interrupted command (Ctrl-C, kill: SIGINT, SIGTERM, SIGHUP) deletes the
 * temporary file it is writing (engine/outfile.c's), so nothing is left behind. One file at a
 * time, process-wide; meant to fold into engine/outfile.c. */
#ifndef PHX_TEMPGUARD_H
#define PHX_TEMPGUARD_H

/* Guard `tmp` (copied; NULL: guard nothing, the handlers stay installed and do nothing but
 * re-raise the signal). Paths longer than 4095 bytes are not guarded. */
void tempguard_set(const char *tmp);

#endif
