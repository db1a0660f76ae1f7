/*
 * tools/exotrace/exotrace.h — the commands of exotrace, one file each:
 * dump (main.c), stats (stats.c), export (export.c), replay (replay.c).
 * Each takes the arguments after its name and returns the exit status.
 */
#ifndef EXOTRACE_H
#define EXOTRACE_H

int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_replay(int argc, char **argv);

#endif
