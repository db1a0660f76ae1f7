/*
 * hw/riscv64/kernel/entry.S — the first instructions, and the trap path.
 *
 * OpenSBI enters _start in S-mode with a0 = hart id and a1 = the device
 * tree. The trap path is one vector for everything: while a thread runs in
 * user mode, sscratch holds its struct frame (struct kthread starts with it);
 * in the kernel sscratch is 0. trap_entry swaps sp with sscratch: non-zero
 * means the trap came from user mode, and sp now points at the frame to fill.
 * Zero means the kernel itself trapped, which is a bug: k_kernel_trap prints
 * the registers and stops the machine.
 */
	.section .text.entry
	.globl _start
_start:
	la sp, k_boot_stack_top
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	csrw sscratch, zero
	call kmain
3:	wfi
	j 3b

	.text
	.globl trap_entry
	.align 4
trap_entry:
	csrrw sp, sscratch, sp
	beqz sp, from_kernel
	sd x1, 8(sp)
	sd x3, 24(sp)
	sd x4, 32(sp)
	sd x5, 40(sp)
	sd x6, 48(sp)
	sd x7, 56(sp)
	sd x8, 64(sp)
	sd x9, 72(sp)
	sd x10, 80(sp)
	sd x11, 88(sp)
	sd x12, 96(sp)
	sd x13, 104(sp)
	sd x14, 112(sp)
	sd x15, 120(sp)
	sd x16, 128(sp)
	sd x17, 136(sp)
	sd x18, 144(sp)
	sd x19, 152(sp)
	sd x20, 160(sp)
	sd x21, 168(sp)
	sd x22, 176(sp)
	sd x23, 184(sp)
	sd x24, 192(sp)
	sd x25, 200(sp)
	sd x26, 208(sp)
	sd x27, 216(sp)
	sd x28, 224(sp)
	sd x29, 232(sp)
	sd x30, 240(sp)
	sd x31, 248(sp)
	csrr t0, sscratch
	sd t0, 16(sp)
	csrr t0, sepc
	sd t0, 256(sp)
	csrw sscratch, zero
	mv a0, sp
	la sp, k_boot_stack_top
	call k_trap
	/* k_trap returns the frame of the thread to run: fall into trap_return. */

	.globl trap_return
trap_return:
	/* a0 = the frame to return into (user mode, interrupts on there). */
	li t0, 0x100            /* SPP: return to user mode */
	csrc sstatus, t0
	li t0, 0x20             /* SPIE: interrupts on after sret */
	csrs sstatus, t0
	ld t0, 256(a0)
	csrw sepc, t0
	csrw sscratch, a0
	ld x1, 8(a0)
	ld x2, 16(a0)
	ld x3, 24(a0)
	ld x4, 32(a0)
	ld x5, 40(a0)
	ld x6, 48(a0)
	ld x7, 56(a0)
	ld x8, 64(a0)
	ld x9, 72(a0)
	ld x11, 88(a0)
	ld x12, 96(a0)
	ld x13, 104(a0)
	ld x14, 112(a0)
	ld x15, 120(a0)
	ld x16, 128(a0)
	ld x17, 136(a0)
	ld x18, 144(a0)
	ld x19, 152(a0)
	ld x20, 160(a0)
	ld x21, 168(a0)
	ld x22, 176(a0)
	ld x23, 184(a0)
	ld x24, 192(a0)
	ld x25, 200(a0)
	ld x26, 208(a0)
	ld x27, 216(a0)
	ld x28, 224(a0)
	ld x29, 232(a0)
	ld x30, 240(a0)
	ld x31, 248(a0)
	ld x10, 80(a0)
	sret

from_kernel:
	csrrw sp, sscratch, sp
	addi sp, sp, -272
	sd x1, 8(sp)
	sd x3, 24(sp)
	sd x4, 32(sp)
	sd x5, 40(sp)
	sd x6, 48(sp)
	sd x7, 56(sp)
	sd x8, 64(sp)
	sd x9, 72(sp)
	sd x10, 80(sp)
	sd x11, 88(sp)
	sd x12, 96(sp)
	sd x13, 104(sp)
	sd x14, 112(sp)
	sd x15, 120(sp)
	sd x16, 128(sp)
	sd x17, 136(sp)
	sd x18, 144(sp)
	sd x19, 152(sp)
	sd x20, 160(sp)
	sd x21, 168(sp)
	sd x22, 176(sp)
	sd x23, 184(sp)
	sd x24, 192(sp)
	sd x25, 200(sp)
	sd x26, 208(sp)
	sd x27, 216(sp)
	sd x28, 224(sp)
	sd x29, 232(sp)
	sd x30, 240(sp)
	sd x31, 248(sp)
	addi t0, sp, 272
	sd t0, 16(sp)
	csrr t0, sepc
	sd t0, 256(sp)
	mv a0, sp
	call k_kernel_trap
4:	wfi
	j 4b

	.section .bss
	.align 12
	.globl k_boot_stack
k_boot_stack:
	.space 32768
	.globl k_boot_stack_top
k_boot_stack_top:
