/*
 * servers/initrd/image.h — where the initrd server's bytes come from: the
 * sim's backend reads a host file (sim/servers/initrd/host.c), riscv64's a
 * member of the boot image the kernel maps (hw/riscv64/servers/initrd/module.c).
 */
#ifndef INITRD_IMAGE_H
#define INITRD_IMAGE_H

#include <stdint.h>

/* Open the image called name: 0 and its size, or -XE_ENOENT / -XE_EIO. */
int rd_image_open(const char *name, uint64_t *size);

/* Up to n bytes at offset off into buf: the bytes read, or < 0 on an error. */
long rd_image_read(void *buf, uint64_t n, uint64_t off);

#endif
