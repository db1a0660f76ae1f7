/*
 * hw/riscv64/kernel/syscall.c — the kernel ABI of include/exo/ entered by
 * ecall (hw/riscv64/common/abi.h gives the registers of each call).
 *
 * A call that can block marks its thread not runnable first; whatever ends
 * the operation (now or later) writes the result registers and makes it
 * runnable again. Every argument is checked here: ids through the thread
 * table, pointers by copying through the caller's page table.
 */
#include <string.h>

#include "kernel.h"


static void ret(struct kthread *t, exo_err err)
{
	t->f.regs[R_A0] = (uint64_t)err;
}

static exo_err copy_name(struct kthread *t, uint64_t uva, uint64_t len, char *name)
{
	if (len == 0 || len > EXO_NAME_MAX)
		return EXO_EINVAL;
	if (!k_copy_in(t->space, name, uva, len))
		return EXO_EINVAL;
	name[len] = 0;
	if (strlen(name) != len)
		return EXO_EINVAL;
	return EXO_OK;
}

static void ipc_start(struct kthread *t)
{
	t->wait = KWAIT_IPC;
	t->ipc.msg = &t->msg;
	k_block(t);
}

static void open_receive(struct kthread *t, exo_timeout_t rcv)
{
	if (t->notes) {
		k_block(t);
		k_notes_deliver(t);
		return;
	}
	ipc_start(t);
	t->ipc.msg = NULL;
	ipc_receive(&K.ipc, &t->ipc, EXO_ANYTHREAD, rcv, k_now());
}

static exo_err sys_spawn(struct kthread *t, uint64_t ubuf, uint64_t len, uint64_t argc, exo_space_t *id)
{
	static char buf[4096];
	char *argv[64];
	size_t off = 0;

	if (len == 0 || len > sizeof(buf) || argc == 0 || argc >= ARRAY_SIZE(argv))
		return EXO_EINVAL;
	if (!k_copy_in(t->space, buf, ubuf, len))
		return EXO_EINVAL;
	if (buf[len - 1] != 0)
		return EXO_EINVAL;
	for (unsigned i = 0; i < argc; i++) {
		if (off >= len)
			return EXO_EINVAL;
		argv[i] = buf + off;
		off += strlen(buf + off) + 1;
	}
	argv[argc] = NULL;
	return k_spawn(argv, (unsigned)argc, NULL, id);
}

static void kinfo(struct kthread *t, uint64_t uva)
{
	exo_kinfo_t ki;

	memset(&ki, 0, sizeof(ki));
	ki.abi_version = EXO_ABI_VERSION;
	ki.threads = K.nthreads;
	ki.spaces = K.nspaces;
	ki.names = K.nnames;
	ki.clock_ns = k_now();
	ki.ipc_count = K.ipc.delivered;
	ki.kernel_bytes = K.kernel_bytes;
	ki.phys_bytes = K.sigma0_size;
	ki.cpu = 0;
	ki.vm_base = RV_VM_BASE;
	ki.vm_size = RV_VM_SIZE;
	ki.user_lo = RV_USER_BASE;
	ki.user_hi = RV_USER_END;
	k_entropy(ki.entropy, sizeof(ki.entropy));
	ret(t, k_copy_out(t->space, uva, &ki, sizeof(ki)) ? EXO_OK : EXO_EINVAL);
}

static uint64_t ns(uint64_t ticks)
{
	return ticks / K.timebase * 1000000000ull + ticks % K.timebase * 1000000000ull / K.timebase;
}

void k_syscall(struct kthread *t)
{
	uint64_t *a = &t->f.regs[R_A0];
	uint64_t nr = t->f.regs[R_A7];
	exo_err err;
	char name[EXO_NAME_MAX + 1];

	t->op = (uint16_t)nr;
	switch (nr) {
	case RV_SYS_SEND:
		if ((err = k_msg_load(t, a[0])) != EXO_OK)
			break;
		ipc_start(t);
		ipc_send(&K.ipc, &t->ipc, (exo_tid_t)a[1], a[2], k_now());
		return;
	case RV_SYS_RECV:
		if ((err = k_acceptor_load(t, a[0])) != EXO_OK)
			break;
		if ((exo_tid_t)a[1] == EXO_ANYTHREAD) {
			open_receive(t, a[2]);
			return;
		}
		ipc_start(t);
		t->ipc.msg = NULL;
		ipc_receive(&K.ipc, &t->ipc, (exo_tid_t)a[1], a[2], k_now());
		return;
	case RV_SYS_CALL:
		if ((err = k_msg_load(t, a[0])) != EXO_OK || (err = k_acceptor_load(t, a[0])) != EXO_OK)
			break;
		ipc_start(t);
		ipc_call(&K.ipc, &t->ipc, (exo_tid_t)a[1], a[2], a[3], k_now());
		return;
	case RV_SYS_REPLY:
		if ((err = k_msg_load(t, a[0])) != EXO_OK)
			break;
		t->ipc.msg = &t->msg;
		err = ipc_reply(&K.ipc, &t->ipc, (exo_tid_t)a[1]);
		t->ipc.msg = NULL;
		if (err == EXO_ETIMEOUT && k_thread_get((exo_tid_t)a[1]))
			err = k_reply_kept(t, k_thread_get((exo_tid_t)a[1]));
		break;
	case RV_SYS_REPLY_WAIT:
		if ((err = k_acceptor_load(t, a[0])) != EXO_OK)
			break;
		t->reply_err = EXO_OK;
		if ((exo_tid_t)a[1] != EXO_NILTHREAD) {
			t->reply_err = k_msg_load(t, a[0]);
			if (t->reply_err == EXO_OK) {
				t->ipc.msg = &t->msg;
				t->reply_err = ipc_reply(&K.ipc, &t->ipc, (exo_tid_t)a[1]);
				t->ipc.msg = NULL;
				if (t->reply_err == EXO_ETIMEOUT && k_thread_get((exo_tid_t)a[1]))
					t->reply_err = k_reply_kept(t, k_thread_get((exo_tid_t)a[1]));
			}
		}
		open_receive(t, a[2]);
		return;
	case RV_SYS_IPC_ABORT: {
		struct kthread *o = k_thread_get((exo_tid_t)a[0]);

		if (!o)
			err = EXO_ENOPARTNER;
		else if (o->space != t->space)
			err = EXO_EPERM;
		else if (o->wait == KWAIT_LOOKUP) {
			k_lookup_cancel(o);
			o->f.regs[R_A0] = EXO_ECANCELED;
			k_ready(o);
			err = EXO_OK;
		} else
			err = ipc_cancel(&K.ipc, &o->ipc) ? EXO_OK : EXO_EINVAL;
		break;
	}
	case RV_SYS_MYSELF:
		a[1] = t->ipc.tid;
		a[2] = t->space->id;
		err = EXO_OK;
		break;
	case RV_SYS_THREAD_CREATE: {
		struct kthread *n;

		if (a[0] < RV_USER_BASE || a[0] >= RV_USER_END || a[1] < RV_USER_BASE || a[1] > RV_USER_END) {
			err = EXO_EINVAL;
			break;
		}
		n = k_thread_new(t->space, a[0], a[1], a[2], a[3]);
		if (n) /* the same program: its global pointer (x3), which the linker's small-data accesses use */
			n->f.regs[3] = t->f.regs[3];
		err = n ? EXO_OK : EXO_ENOMEM;
		a[1] = n ? n->ipc.tid : 0;
		break;
	}
	case RV_SYS_THREAD_EXIT:
		k_thread_die(t);
		return;
	case RV_SYS_SPACE_SPAWN: {
		exo_space_t id = 0;

		err = sys_spawn(t, a[0], a[1], a[2], &id);
		a[1] = id;
		break;
	}
	case RV_SYS_SPACE_FORK: {
		exo_space_t id = EXO_NILSPACE;

		err = k_space_fork(t, &id);
		a[1] = id;
		break;
	}
	case RV_SYS_SPACE_RESUME:
		err = k_space_resume(t, (exo_space_t)a[0], a[1] != 0);
		break;
	case RV_SYS_SPACE_RESTART:
		err = k_space_restart(t, a[0], a[1], a[2], a[3], a[4]);
		if (err == EXO_OK)
			return; /* the thread starts afresh: no result registers */
		break;
	case RV_SYS_SPACE_EXIT:
		k_space_end(t->space, (uint32_t)a[0]);
		return;
	case RV_SYS_REGISTER:
		if ((err = copy_name(t, a[0], a[1], name)) != EXO_OK)
			break;
		err = k_name_register(t, name);
		if (err == EXO_OK)
			k_boot_continue();
		break;
	case RV_SYS_LOOKUP:
		if ((err = copy_name(t, a[0], a[1], name)) != EXO_OK)
			break;
		k_block(t);
		k_name_lookup(t, name, a[2]);
		return;
	case RV_SYS_UNMAP:
		err = k_unmap(t, a[0], (unsigned)a[1], (unsigned)a[2]);
		break;
	case RV_SYS_SPACE_WATCH:
		err = EXO_OK;
		for (unsigned i = 0; i < K.nwatchers; i++)
			if (K.watchers[i] == t->ipc.tid)
				goto done;
		for (unsigned i = 0; i < K.nwatchers; i++)
			if (!k_thread_get(K.watchers[i])) {
				K.watchers[i] = t->ipc.tid;
				goto done;
			}
		if (K.nwatchers < ARRAY_SIZE(K.watchers))
			K.watchers[K.nwatchers++] = t->ipc.tid;
		else
			err = EXO_ENOMEM;
		break;
	case RV_SYS_SET_PAGER: {
		struct kspace *s = a[0] ? k_space_find((exo_space_t)a[0]) : NULL;

		if (!t->space->sigma0)
			err = EXO_EPERM;
		else if (a[0] == 0) {
			K.default_pager = (exo_tid_t)a[1];
			err = EXO_OK;
		} else if (!s)
			err = EXO_ENOPARTNER;
		else {
			s->pager = (exo_tid_t)a[1];
			err = EXO_OK;
		}
		break;
	}
	case RV_SYS_SIGMA0_VIEW:
		if (!t->space->sigma0) {
			err = EXO_EPERM;
			break;
		}
		a[1] = RV_SIGMA0_BASE;
		a[2] = K.sigma0_size;
		err = EXO_OK;
		break;
	case RV_SYS_KINFO:
		kinfo(t, a[0]);
		return;
	case RV_SYS_CPU_TIME:
		if (a[0] == EXO_CPU_THREAD) {
			a[1] = ns(t->user_ticks);
			a[2] = ns(t->sys_ticks);
		} else if (a[0] == EXO_CPU_SPACE) {
			uint64_t u = t->space->user_ticks, s = t->space->sys_ticks;

			for (struct kthread *o = t->space->threads; o; o = o->snext) {
				u += o->user_ticks;
				s += o->sys_ticks;
			}
			a[1] = ns(u);
			a[2] = ns(s);
		} else {
			err = EXO_EINVAL;
			break;
		}
		err = EXO_OK;
		break;
	case RV_SYS_SPACE_SCHED: {
		uint32_t policy = (uint32_t)a[1];
		int32_t prio = (int32_t)a[2], nice = (int32_t)a[3];
		struct kthread *sched = NULL;

		for (struct kname *n = K.names; n; n = n->next)
			if (!strcmp(n->name, "sched"))
				sched = n->owner;
		if (sched != t)
			err = EXO_EPERM;
		else if ((policy == EXO_SCHED_OTHER && (prio != 0 || nice < -20 || nice > 19)) ||
			 ((policy == EXO_SCHED_FIFO || policy == EXO_SCHED_RR) && (prio < 1 || prio > 99)) ||
			 policy > EXO_SCHED_RR)
			err = EXO_EINVAL;
		else if (!k_space_find((exo_space_t)a[0]))
			err = EXO_ENOPARTNER;
		else {
			struct kspace *s = k_space_find((exo_space_t)a[0]);

			s->sched_policy = (uint8_t)policy;
			s->sched_prio = policy == EXO_SCHED_OTHER ? 0 : (uint8_t)prio;
			s->sched_nice = policy == EXO_SCHED_OTHER ? (int8_t)nice : 0;
			k_sched_requeue(s);
			err = EXO_OK;
		}
		a[1] = err == EXO_OK ? EXO_SCHED_APPLIED_POLICY | EXO_SCHED_APPLIED_NICE : 0;
		break;
	}
	case RV_SYS_YIELD:
		K.slice_end = 0;
		K.yielding = true; /* behind the others of its priority, FIFO too */
		err = EXO_OK;
		break;
	case RV_SYS_DEBUG_WRITE: {
		char buf[256];
		uint64_t p = a[0], n = a[1];

		err = EXO_OK;
		while (n > 0) {
			size_t c = n < sizeof(buf) ? n : sizeof(buf);

			if (!k_copy_in(t->space, buf, p, c)) {
				err = EXO_EINVAL;
				break;
			}
			k_write(buf, c);
			p += c;
			n -= c;
		}
		break;
	}
	case RV_SYS_SIG_POST: {
		exo_siginfo_t si;
		struct kspace *s = k_space_find((exo_space_t)a[0]);

		if (!k_copy_in(t->space, &si, a[1], sizeof(si)) || !exo_sig_valid(si.sig))
			err = EXO_EINVAL;
		else if (!s)
			err = EXO_ENOPARTNER;
		else if (s != t->space && !t->space->privileged)
			err = EXO_EPERM;
		else
			err = k_sig_post(s, NULL, &si);
		break;
	}
	case RV_SYS_SIG_RAISE: {
		exo_siginfo_t si = { .sig = (int32_t)a[0], .code = (int32_t)a[1] };

		err = exo_sig_valid((int)a[0]) ? EXO_OK : EXO_EINVAL;
		if (err == EXO_OK) {
			ret(t, EXO_OK); /* before the upcall saves the registers */
			k_sig_post(t->space, t, &si);
			return;
		}
		break;
	}
	case RV_SYS_SIG_UPCALL:
		if (a[0] && (a[0] < RV_USER_BASE || a[0] >= RV_USER_END)) {
			err = EXO_EINVAL;
			break;
		}
		t->space->upcall = a[0];
		err = EXO_OK;
		break;
	case RV_SYS_SIG_ACTION:
		err = k_sig_action(t->space, (int)a[0], (int)a[1], a[2], (unsigned)a[3]);
		break;
	case RV_SYS_SIG_MASK: {
		exo_sigset_t old = t->sig_mask, set = a[1] & ~EXO_SIG_UNBLOCKABLE;

		if (a[0] > EXO_SIG_SETMASK) {
			err = EXO_EINVAL;
			break;
		}
		if (a[2])
			t->sig_mask = a[0] == EXO_SIG_BLOCK ? old | set : a[0] == EXO_SIG_UNBLOCK ? old & ~set : set;
		a[1] = old;
		ret(t, EXO_OK);
		k_sig_dispatch(t->space);
		return;
	}
	case RV_SYS_SIG_PENDING:
		a[1] = t->sig_pending | t->space->sig_pending;
		err = EXO_OK;
		break;
	case RV_SYS_SIG_SUSPEND:
		t->sig_suspend_old = t->sig_mask;
		t->sig_suspended = true;
		t->sig_mask = a[0] & ~EXO_SIG_UNBLOCKABLE;
		k_sig_wait(t, 0, 0, EXO_TIMEOUT_NEVER);
		k_sig_dispatch(t->space);
		return;
	case RV_SYS_SIG_TAKE: {
		exo_sigset_t set = a[0] & ~EXO_SIG_UNBLOCKABLE;
		exo_siginfo_t si;

		err = EXO_ETIMEOUT;
		for (int i = 1; i < EXO_NSIG && set; i++) {
			uint64_t bit = EXO_SIGBIT(i);

			if (!(set & bit) || !((t->sig_pending | t->space->sig_pending) & bit))
				continue;
			if (t->sig_pending & bit) {
				si = t->sig_info[i];
				t->sig_pending &= ~bit;
			} else {
				si = t->space->sig_info[i];
				t->space->sig_pending &= ~bit;
			}
			err = k_copy_out(t->space, a[2], &si, sizeof(si)) ? EXO_OK : EXO_EINVAL;
			break;
		}
		if (err == EXO_ETIMEOUT && set && a[1] != EXO_TIMEOUT_ZERO) {
			k_sig_wait(t, set, a[2], a[1]);
			return;
		}
		break;
	}
	case RV_SYS_SIG_RETURN:
		k_sig_return(t, a[0], a[1] != 0);
		return;
	case RV_SYS_IRQ_ATTACH:
		err = k_irq_attach(t, (unsigned)a[0]);
		break;
	case RV_SYS_IRQ_ACK:
		err = k_irq_ack(t, (unsigned)a[0]);
		break;
	case RV_SYS_MODULE_MAP: {
		uint64_t va, size;

		if (!t->space->privileged)
			err = EXO_EPERM;
		else if ((err = copy_name(t, a[0], a[1], name)) == EXO_OK &&
			 (err = k_module_map(t->space, name, &va, &size)) == EXO_OK) {
			a[1] = va;
			a[2] = size;
		}
		break;
	}
	case RV_SYS_DEV_MAP: {
		/* Device registers for a driver of the boot list: below RAM, never the kernel's own. */
		struct kspace *s = t->space;
		uint64_t pa = a[0], n = a[1], va;

		if (!s->privileged)
			err = EXO_EPERM;
		else if ((pa & 4095) || n == 0 || n > RV_DEV_SLOT / 4096 || pa >= K.ram_base ||
			 pa + n * 4096 > K.ram_base || pa < 0x1000 ||
			 (pa < 0x10000000 && pa + n * 4096 > 0x02000000)) /* CLINT and PLIC: the kernel's */
			err = EXO_EINVAL;
		else if (s->ndev >= 64)
			err = EXO_ENOMEM;
		else {
			va = RV_DEV_BASE + s->ndev * RV_DEV_SLOT;
			err = EXO_OK;
			for (uint64_t i = 0; i < n && err == EXO_OK; i++)
				if (!k_pt_map(s->pt, va + i * 4096, pa + i * 4096, PTE_R | PTE_W))
					err = EXO_ENOMEM;
			if (err == EXO_OK) {
				s->ndev++;
				a[1] = va;
			}
		}
		break;
	}
	case RV_SYS_FUTEX_WAIT: /* futex.c writes the result, or makes the call again after a fault */
		k_futex_wait(t, a[0], (uint32_t)a[1], a[2]);
		return;
	case RV_SYS_FUTEX_WAKE:
		k_futex_wake(t, a[0], (uint32_t)a[1]);
		return;
	case RV_SYS_REALTIME:
		a[1] = (uint64_t)K.realtime_offset;
		err = EXO_OK;
		break;
	default:
		err = EXO_ENOSYS;
		break;
	}
done:
	ret(t, err);
}
