/*
 * hw/riscv64/servers/initrd/module.c — the initrd server's image on riscv64
 * (servers/initrd/image.h): a member of the boot image, mapped read-only
 * into this space by the kernel (RV_SYS_MODULE_MAP, boot-list spaces only).
 */
#include <string.h>

#include <exo/errno.h>

#include "../../lib/sys.h"
#include "image.h"

static const uint8_t *image;
static uint64_t image_size;

int rd_image_open(const char *name, uint64_t *size)
{
	struct rv_ret r = RV_SYS2(RV_SYS_MODULE_MAP, name, strlen(name));

	if (r.err != EXO_OK)
		return r.err == EXO_ENOENT ? -XE_ENOENT : -XE_EIO;
	image = (const uint8_t *)(uintptr_t)r.r1;
	image_size = r.r2;
	*size = image_size;
	return 0;
}

long rd_image_read(void *buf, uint64_t n, uint64_t off)
{
	if (off > image_size)
		return 0;
	if (n > image_size - off)
		n = image_size - off;
	memcpy(buf, image + off, n);
	return (long)n;
}
