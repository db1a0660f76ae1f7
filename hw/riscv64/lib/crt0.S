/*
 * hw/riscv64/lib/crt0.S — where every riscv64 program starts: the kernel
 * enters _start with a0 = argc, a1 = argv and sp at the arguments it pushed.
 */
	.section .text.start
	.globl _start
_start:
	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	andi sp, sp, -16
	call __exo_rv_start
1:	j 1b
