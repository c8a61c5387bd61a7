/* tempguard.h -- an interrupted command (Ctrl-C, kill: SIGINT, SIGTERM, SIGHUP) deletes the
 * temporary file it is writing (engine/outfile.c's), so nothing is left behind. One file at a
 * time, process-wide; meant to fold into engine/outfile.c. It also turns a crash while a
 * results file is read into a clear error (tempguard_reading). */
#ifndef PHX_TEMPGUARD_H
#define PHX_TEMPGUARD_H

/* Guard `tmp` (copied; NULL: guard nothing, the handlers stay installed and do nothing but
 * re-raise the signal). Paths longer than 4095 bytes are not guarded. */
void tempguard_set(const char *tmp);

/* While `path` (copied; NULL: no longer) is being read, a crash (SIGSEGV, SIGBUS) ends the
 * program with one line naming the file ("damaged HDF5 file: libhdf5 crashed reading it") and
 * exit status 2, the guarded temporary deleted: libhdf5 1.10 can crash on a damaged file's
 * metadata (issue 16), and such a file is bad input, not a reason for a core dump. Compiled out
 * in fuzzing builds (PHX_FUZZING), where the fuzzer must see the crash. */
void tempguard_reading(const char *path);

#endif
