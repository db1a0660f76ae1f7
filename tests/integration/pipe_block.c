/*
 * tests/integration/pipe_block.c — a program that hangs on purpose, for
 * exoctl's test (exoctl.sh): it touches some memory from the memory server
 * (so its space has mappings), makes a pipe and reads from it. No one
 * writes, so it stays blocked in a call to the VFS, in the receive phase.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd[2];
	char c;

	if (p == MAP_FAILED)
		return 1;
	memset(p, 1, 1 << 16);
	if (pipe(fd) < 0)
		return 2;
	printf("pipe_block: reading\n");
	fflush(stdout);
	return read(fd[0], &c, 1) == 1 ? 0 : 3;
}
