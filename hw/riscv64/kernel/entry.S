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
/* x1 and x3..x31 into the frame at sp (sp itself is saved apart). */
	.macro SAVE_REGS
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd x\n, (8 * \n)(sp)
	.endr
	.endm

/* x1..x31 but a0 from the frame at a0 (a0 last, by the caller). */
	.macro RESTORE_REGS
	.irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld x\n, (8 * \n)(a0)
	.endr
	.endm

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
	SAVE_REGS
	csrr t0, sscratch
	sd t0, 16(sp)
	csrr t0, sepc
	sd t0, 256(sp)
	csrw sscratch, zero
	mv a0, sp
	la sp, k_boot_stack_top
	mv s0, a0               /* the user's s0 is in the frame; C keeps s0 */
	call k_trap_fast        /* the IPC fast path, or 0 */
	bnez a0, trap_return
	mv a0, s0
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
	RESTORE_REGS
	ld x10, 80(a0)
	sret

from_kernel:
	csrrw sp, sscratch, sp
	addi sp, sp, -272
	SAVE_REGS
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
