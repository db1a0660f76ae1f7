/*
 * libposix/image_host.c — the image half of exec where the kernel runs host
 * executables (the sim): the image is checked here and handed to the kernel
 * whole (exo_space_exec), after the memory server has dropped the old
 * layout (MEM_EXEC). The programs' heaps are the host's, so nothing exec
 * reads lives in the layout it drops.
 */
#include <string.h>

#include <exo/errno.h>
#include <exo/ipc.h>
#include <exo/memory.h>
#include "memory_proto.h"

#include "px.h"

/* An ELF this machine runs: 64-bit, little-endian, an executable or PIE. */
int px_image_load(struct px_image *im, const char *img, size_t len, char *const argv[], char *const envp[])
{
	const unsigned char *p = (const unsigned char *)img;
	uint16_t type, machine;

	if (len < 64 || memcmp(p, "\177ELF", 4) != 0 || p[4] != 2 || p[5] != 1)
		return -XE_ENOEXEC;
	memcpy(&type, p + 16, 2);
	memcpy(&machine, p + 18, 2);
	if ((type != 2 && type != 3) || (PX_ELF_MACHINE != 0 && machine != PX_ELF_MACHINE))
		return -XE_ENOEXEC;
	*im = (struct px_image){ .img = img, .len = len, .argv = argv, .envp = envp };
	return 0;
}

void px_image_start(struct px_image *im, const char *name)
{
	memory_call_exec(px_mem_transport);
	exo_space_exec(im->img, im->len, name, im->argv, im->envp);
}
