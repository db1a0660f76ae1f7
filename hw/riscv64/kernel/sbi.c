/*
 * hw/riscv64/kernel/sbi.c — calls into OpenSBI (the SBI spec's TIME and SRST
 * extensions).
 */
#include "kernel.h"

#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354

struct sbiret {
	long error, value;
};

static struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid;
	register long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ r0, r1 };
}

void sbi_set_timer(uint64_t when)
{
	sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0);
}

void sbi_shutdown(int status)
{
	/* type 0: shutdown; reason 0: none, 1: system failure */
	sbi_call(SBI_EXT_SRST, 0, 0, status ? 1 : 0, 0);
}
