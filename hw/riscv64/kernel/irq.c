/*
 * hw/riscv64/kernel/irq.c — device interrupts to user-level drivers, through
 * the virt board's PLIC (the RISC-V PLIC spec: priorities, enables and the
 * claim/complete register of hart 0's S-mode context).
 *
 * A driver of the boot list attaches one of its threads to a source
 * (RV_SYS_IRQ_ATTACH); when the source raises, the kernel claims it and
 * gives the thread a notice (RV_LABEL_INTERRUPT, kernel/ipc's open-receive
 * notices). The source stays claimed, so it does not come again, until the
 * driver has served the device and acknowledges it (RV_SYS_IRQ_ACK). A
 * source nobody attached is completed at once.
 */
#include "kernel.h"

#define PLIC 0x0c000000ul
#define PLIC_PRIORITY(irq) (PLIC + 4ul * (irq))
#define PLIC_ENABLE(ctx) (PLIC + 0x2000ul + 0x80ul * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC + 0x200000ul + 0x1000ul * (ctx))
#define PLIC_CLAIM(ctx) (PLIC + 0x200004ul + 0x1000ul * (ctx))
#define CTX_S0 1 /* hart 0, S-mode */

static exo_tid_t attached[RV_IRQ_MAX];
static bool claimed[RV_IRQ_MAX];

static inline volatile uint32_t *reg(uint64_t a)
{
	return (volatile uint32_t *)(uintptr_t)a;
}

void k_irq_init(void)
{
	*reg(PLIC_THRESHOLD(CTX_S0)) = 0;
	__asm__ volatile("csrs sie, %0" : : "r"(1ull << 9)); /* supervisor external interrupts */
}

exo_err k_irq_attach(struct kthread *t, unsigned irq)
{
	if (!t->space->privileged)
		return EXO_EPERM;
	if (irq == 0 || irq >= RV_IRQ_MAX)
		return EXO_EINVAL;
	if (attached[irq] && k_thread_get(attached[irq]) && attached[irq] != t->ipc.tid)
		return EXO_EEXIST;
	attached[irq] = t->ipc.tid;
	*reg(PLIC_PRIORITY(irq)) = 1;
	*reg(PLIC_ENABLE(CTX_S0) + 4 * (irq / 32)) |= 1u << (irq % 32);
	return EXO_OK;
}

exo_err k_irq_ack(struct kthread *t, unsigned irq)
{
	if (irq == 0 || irq >= RV_IRQ_MAX || attached[irq] != t->ipc.tid)
		return EXO_EINVAL;
	if (claimed[irq]) {
		claimed[irq] = false;
		*reg(PLIC_CLAIM(CTX_S0)) = irq;
	}
	return EXO_OK;
}

/* t ends: what it attached is nobody's, and what it held claimed is completed. */
void k_irq_thread_gone(struct kthread *t)
{
	for (unsigned irq = 1; irq < RV_IRQ_MAX; irq++)
		if (attached[irq] == t->ipc.tid) {
			attached[irq] = EXO_NILTHREAD;
			if (claimed[irq]) {
				claimed[irq] = false;
				*reg(PLIC_CLAIM(CTX_S0)) = irq;
			}
		}
}

/* An external interrupt, or a pending one seen from the idle loop: claim and pass on. */
void k_irq_take(void)
{
	uint32_t irq;

	while ((irq = *reg(PLIC_CLAIM(CTX_S0))) != 0) {
		struct kthread *t = irq < RV_IRQ_MAX ? k_thread_get(attached[irq]) : NULL;
		uint64_t w = irq;

		if (!t) {
			*reg(PLIC_CLAIM(CTX_S0)) = irq; /* nobody serves it */
			continue;
		}
		claimed[irq] = true;
		k_notify_words(t, RV_LABEL_INTERRUPT, &w, 1);
	}
}
