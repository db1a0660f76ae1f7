/*
 * hw/riscv64/lib/kstdio.c — stdio for programs that run before any console
 * server (the kernel tests, the benchmarks): stdout and stderr go to the
 * kernel's console (RV_SYS_DEBUG_WRITE), line by line; stdin is empty.
 * Programs linked with libposix use its stdio bridge instead.
 */
#include <stdio.h>

#include "sys.h"

static char line[256];
static unsigned used;

static int out_flush(FILE *f)
{
	if (used)
		RV_SYS2(RV_SYS_DEBUG_WRITE, line, used);
	used = 0;
	return 0;
}

static int out_put(char c, FILE *f)
{
	line[used++] = c;
	if (c == '\n' || used == sizeof(line))
		out_flush(f);
	return (unsigned char)c;
}

static int in_get(FILE *f)
{
	return EOF;
}

static FILE kout = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE kin = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);

FILE *const stdin = &kin;
FILE *const stdout = &kout;
FILE *const stderr = &kout;
