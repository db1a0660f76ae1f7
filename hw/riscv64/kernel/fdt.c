/*
 * hw/riscv64/kernel/fdt.c — what the kernel reads from the flattened device
 * tree QEMU hands over (the devicetree spec's structure block): the RAM
 * range, the boot image QEMU loaded (-initrd: /chosen linux,initrd-*) and
 * the timer's frequency. Nothing else of the tree is used.
 */
#include <string.h>

#include "kernel.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t cells(const uint8_t *p, uint32_t len)
{
	return len >= 8 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

void k_fdt_scan(const void *fdt)
{
	const uint8_t *base = fdt, *p, *strs;
	char path[4][32] = { { 0 } };
	int depth = -1;

	if (!fdt || be32(base) != FDT_MAGIC)
		k_panic("no device tree at %p", fdt);
	p = base + be32(base + 8);
	strs = base + be32(base + 12);
	for (;;) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			size_t n = strlen((const char *)p);

			depth++;
			if (depth < 4) {
				size_t c = n < sizeof(path[0]) - 1 ? n : sizeof(path[0]) - 1;

				memcpy(path[depth], p, c);
				path[depth][c] = 0;
			}
			p += (n + 4) & ~(size_t)3;
		} else if (tok == FDT_END_NODE) {
			depth--;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *name = (const char *)strs + nameoff;

			p += 8 + ((len + 3) & ~3u);
			if (depth == 1 && !strncmp(path[1], "memory", 6) && !strcmp(name, "reg") && len >= 16) {
				K.ram_base = cells(val, 8);
				K.ram_size = cells(val + 8, 8);
			} else if (depth == 1 && !strcmp(path[1], "chosen")) {
				if (!strcmp(name, "linux,initrd-start"))
					K.initrd_pa = cells(val, len);
				else if (!strcmp(name, "linux,initrd-end"))
					K.initrd_size = cells(val, len); /* the end, for now */
			} else if (depth == 1 && !strcmp(path[1], "cpus") && !strcmp(name, "timebase-frequency")) {
				K.timebase = cells(val, len);
			}
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			break;
		}
	}
	if (K.initrd_size > K.initrd_pa)
		K.initrd_size -= K.initrd_pa;
	else
		K.initrd_size = 0;
	if (!K.timebase)
		K.timebase = 10000000; /* the virt board's */
}
