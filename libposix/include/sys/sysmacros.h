/*
 * libposix/include/sys/sysmacros.h — major, minor and makedev: a device
 * number's parts.
 *
 * picolibc has no <sys/sysmacros.h>; this one serves the riscv64 build.
 * The encoding is Linux's (the minor's low 8 bits, the major's low 12, then
 * the minor's and the major's high bits), cut to the width of picolibc's
 * dev_t: with a 16-bit dev_t that is major << 8 | minor.
 */
#ifndef EXO_LIBPOSIX_SYS_SYSMACROS_H
#define EXO_LIBPOSIX_SYS_SYSMACROS_H

#include <sys/types.h>

/* A dev_t's bits, without the sign a narrow signed dev_t would add. */
static __inline unsigned long long __px_dev_bits(dev_t dev)
{
	return (unsigned long long)dev & (~0ull >> (64 - 8 * sizeof(dev_t)));
}

static __inline unsigned int __px_major(dev_t dev)
{
	unsigned long long d = __px_dev_bits(dev);

	return (unsigned int)(((d >> 8) & 0xfffu) | ((d >> 32) & ~0xfffu));
}

static __inline unsigned int __px_minor(dev_t dev)
{
	unsigned long long d = __px_dev_bits(dev);

	return (unsigned int)((d & 0xffu) | ((d >> 12) & ~0xffu));
}

static __inline dev_t __px_makedev(unsigned int ma, unsigned int mi)
{
	unsigned long long d = ((unsigned long long)(ma & 0xfffu) << 8) |
			       ((unsigned long long)(ma & ~0xfffu) << 32) | (mi & 0xffu) |
			       ((unsigned long long)(mi & ~0xffu) << 12);

	return (dev_t)d;
}

#define major(dev) __px_major(dev)
#define minor(dev) __px_minor(dev)
#define makedev(ma, mi) __px_makedev((ma), (mi))

#endif
