/*
 * tests/integration/hello_mmap.c — a plain C program, built by
 * cc_builds.sh as `./exo cc` builds programs: its mmap is Exo's.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	char *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	strcpy(p, "hello from Exo memory");
	printf("%s at %p\n", p, (void *)p);
	return 0;
}
