/*
 * exo/memory.h — the memory server's protocol, and the address-space layout
 * it manages.
 *
 * The memory server ("memory") owns physical memory (it is sigma0) and is the
 * pager of every space. A space asks it for anonymous or shared memory; the
 * server answers with an address in the managed range and maps nothing yet:
 * the first touch of each page faults, the kernel turns the fault into a call
 * to the server, and the server answers with a map item (demand paging).
 *
 * Shared objects are capabilities of a kind: only a space holding the object
 * (SHM_OPEN, not yet SHM_CLOSEd) may resize it, close it or share it, and
 * only a holder or a space it was shared with (SHM_SHARE) may map it. The
 * VFS holds the objects behind /dev/shm and shares one with each space that
 * maps a descriptor of it. A space's holds end with the space.
 *
 * Fork and exec. MEM_FORK may be called only by the thread registered as
 * "proc" (the process server; anyone else: EPERM). The child space must be
 * new to the server or have no regions (else EBUSY); parent and child must
 * differ and be non-nil (EINVAL). The child gets the parent's layout: every
 * private region (the break region too) at the same address, size and
 * protection with a copy-on-write copy of its contents (both sides lose write
 * access to the pages they share; the first write copies), every shared
 * region mapping the same object; the child may map (MEM_MMAP) every object
 * the parent may, and its break and limit are the parent's. Nothing is mapped
 * in the child: its first touches fault. ENOMEM when the child's private
 * pages pass its limit or the server is out of memory (nothing changed).
 * Two more words name a range of the parent's memory (0, 0: none; at most
 * MEM_FORK_KEEP_MAX bytes, else EINVAL) that stays the parent's, writable:
 * the child gets copies of its pages at once instead of sharing them. It
 * is the message the parent waits in while its servers copy their state
 * (PROC_FORK, exo/proc.h): the reply lands there, and a shared page is
 * read-only until a write fault copies it, which a reply cannot take.
 * MEM_EXEC releases everything the caller's space has, as if it ended
 * (private frames, shared regions, shm holds and rights), but the space goes
 * on with an empty layout and the break at EXO_VM_BASE; its limit stays.
 *
 * A program's image, loaded at user level (riscv64; the sim's programs are
 * host executables). The loader stages each segment, and the first stack,
 * in private regions of its own (MEM_MMAP) and then names them in
 * MEM_IMAGE: n entries of (staged address, final address, length,
 * protection). Each staged range must be exactly one private region of the
 * caller (EINVAL otherwise), each final range page aligned, above the
 * first MEM_IMAGE_LOW bytes, outside the managed range and apart from the
 * others (EINVAL). The regions leave the caller's layout then (the caller
 * loses its mappings of them; they stay charged to it) and wait, with
 * their contents, as the layout of the space's next program; a new
 * MEM_IMAGE replaces a waiting one, n = 0 only drops it. The layout takes
 * effect when the kernel restarts the space at its new program
 * (exo_space_restart, exo/ipc.h): the kernel calls the pager for the
 * restarted thread with EXO_LABEL_EXEC, as a fault at the entry point. The
 * server then releases the old layout as MEM_EXEC does, installs the
 * waiting one and maps the entry page; with no layout waiting it refuses,
 * and the space ends as on a refused fault.
 *
 * Every request is a call labelled MEM_<OP>; the reply's label is 0 on
 * success or a positive errno value of Exo's own (exo/errno.h), never the
 * host's. A request whose label names no operation is ENOSYS; one with
 * other than the declared words and strings is EINVAL (exo_proto_check).
 */
#ifndef EXO_MEMORY_H
#define EXO_MEMORY_H

#include <exo/msg.h>

/*
 * Every space reserves the managed range; the memory server hands out
 * addresses in it. Where it lies is the kernel's to say: the kernel info
 * page's vm_base and vm_size (exo/ipc.h), which libexo reads once. The sim
 * puts it at 32 TiB; riscv64's Sv39 user space ends at 256 GiB, so it sits
 * at 64 GiB there (docs/riscv64.md).
 */
uint64_t exo_vm_base(void);
uint64_t exo_vm_size(void);
#define EXO_VM_BASE (exo_vm_base())
#define EXO_VM_SIZE (exo_vm_size())

#define MEM_NAME "memory"

/* Protection bits of a region: the rights of exo/msg.h. */
#define MEM_PROT_READ EXO_R
#define MEM_PROT_WRITE EXO_W
#define MEM_PROT_EXEC EXO_X

/* Region flags. */
#define MEM_SHARED 0x1u   /* shared object pages (MEM_SHM_*) */
#define MEM_FIXED 0x2u    /* exactly at the hint, replacing what is there */

/*
 * The operations, their numbers and their registers are declared once, in
 * protocols/memory.def: memory_proto.h (generated) has enum memory_op
 * (MEM_MMAP...), the request and reply layouts, the server's dispatch and
 * the client stubs. Include it to speak the protocol.
 */

#define MEM_SHM_CREAT 0x1u
#define MEM_SHM_EXCL 0x2u

/* MEM_FORK: the longest range the parent keeps its own (two pages: one exo_msg_t). */
#define MEM_FORK_KEEP_MAX 8192ull

/* MEM_IMAGE: at most this many regions (its table's 48 words); none below this address (no page 0). */
#define MEM_IMAGE_MAX 12
#define MEM_IMAGE_LOW 0x10000ull

/* The size of the break region every space gets (brk/sbrk). */
#define MEM_BRK_MAX (1ull << 30)

#endif
