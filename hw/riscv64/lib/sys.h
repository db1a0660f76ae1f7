/*
 * hw/riscv64/lib/sys.h — one ecall into the kernel (hw/riscv64/common/abi.h):
 * the number in a7, arguments in a0..a5, the error back in a0 and results
 * in a1..a3.
 */
#ifndef EXO_RV_SYS_H
#define EXO_RV_SYS_H

#include <stdint.h>

#include <exo/types.h>

#include "../common/abi.h"

struct rv_ret {
	exo_err err;
	uint64_t r1, r2, r3;
};

/* All six argument registers. */
static inline struct rv_ret RV_SYS_N(unsigned nr, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
				     uint64_t x4, uint64_t x5)
{
	register uint64_t a0 __asm__("a0") = x0;
	register uint64_t a1 __asm__("a1") = x1;
	register uint64_t a2 __asm__("a2") = x2;
	register uint64_t a3 __asm__("a3") = x3;
	register uint64_t a4 __asm__("a4") = x4;
	register uint64_t a5 __asm__("a5") = x5;
	register uint64_t a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5), "r"(a7) : "memory");
	return (struct rv_ret){ (exo_err)a0, a1, a2, a3 };
}

/* Five arguments (a5 zero): what most calls take. */
static inline struct rv_ret rv_sys(unsigned nr, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4)
{
	return RV_SYS_N(nr, x0, x1, x2, x3, x4, 0);
}

#define RV_SYS0(nr) rv_sys((nr), 0, 0, 0, 0, 0)
#define RV_SYS1(nr, a) rv_sys((nr), (uint64_t)(a), 0, 0, 0, 0)
#define RV_SYS2(nr, a, b) rv_sys((nr), (uint64_t)(a), (uint64_t)(b), 0, 0, 0)
#define RV_SYS3(nr, a, b, c) rv_sys((nr), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0)
#define RV_SYS4(nr, a, b, c, d) rv_sys((nr), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0)

/* Touch the pages of [p, p + n) so the kernel finds them mapped (a fault here goes to the pager). */
void rv_touch(const void *p, uint64_t n, int write);

#endif
