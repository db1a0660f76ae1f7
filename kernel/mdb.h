/*
 * kernel/mdb.h — the mapping database, shared by every kernel.
 *
 * Records which page of which space maps which physical frame with which
 * rights, and from where each mapping came, as a tree per frame: a root node
 * in sigma0 (the space that owns physical memory), and below it every
 * mapping derived from it by map items, recursively. Unmap walks the subtree
 * below a node; grant moves a node to another space keeping its place in the
 * tree. Like kernel/ipc.c this module has no host calls: the backend owns
 * the effects (installing and removing pages in real address spaces) and is
 * told of each through struct mdb_ops, and allocation goes through ops too.
 *
 * Addresses are page-aligned virtual addresses; frames are page numbers in
 * physical memory. Rights are EXO_R | EXO_W | EXO_X (exo/msg.h).
 *
 * Invariants:
 *   - A space maps a virtual page at most once (one node per (space, vpage)).
 *   - A child's rights are a subset of its parent's.
 *   - Every node except sigma0's roots has a parent in another node.
 */
#ifndef EXO_KERNEL_MDB_H
#define EXO_KERNEL_MDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <exo/msg.h>
#include <exo/types.h>

struct mdb;
struct mdb_space;

struct mdb_node {
	struct mdb_space *space;
	uint64_t vaddr;                 /* page-aligned, in space */
	uint64_t frame;                 /* physical page number */
	unsigned rights;
	struct mdb_node *parent;
	struct mdb_node *children;      /* first child */
	struct mdb_node *next, *prev;   /* siblings */
	struct mdb_node *hnext;         /* the space's hash chain */
};

struct mdb_space {
	struct mdb_node **buckets;      /* hash of vpage -> node */
	size_t nbuckets, count;
	bool sigma0;                    /* owns all frames: vaddr = base + frame * page */
	void *priv;                     /* the backend's */
};

struct mdb_ops {
	/* Memory for nodes and hash tables; NULL when exhausted. */
	void *(*alloc)(struct mdb *m, size_t size);
	void (*free)(struct mdb *m, void *p, size_t size);
	/*
	 * Effects on real address spaces: a page appears (or, mapped again,
	 * gains rights), loses rights, goes. None of the ops may call back into
	 * this module.
	 */
	void (*install)(struct mdb *m, struct mdb_space *s, uint64_t vaddr, uint64_t frame,
			unsigned rights);
	void (*protect)(struct mdb *m, struct mdb_space *s, uint64_t vaddr, unsigned rights);
	void (*remove)(struct mdb *m, struct mdb_space *s, uint64_t vaddr);
};

struct mdb {
	const struct mdb_ops *ops;
	uint64_t nframes;               /* physical memory size in pages */
	uint64_t sigma0_base;           /* where sigma0 sees frame 0 */
	size_t nodes;                   /* living nodes, for leak checks */
	void *priv;
};

void mdb_init(struct mdb *m, const struct mdb_ops *ops, uint64_t nframes, uint64_t sigma0_base,
	      void *priv);
/* A space; sigma0 = true makes it the owner of every frame (roots made on demand). */
void mdb_space_init(struct mdb *m, struct mdb_space *s, bool sigma0, void *priv);
/*
 * A space ends: every node of it goes, and with each its whole subtree in
 * other spaces (remove() is called for those, not for the dying space itself).
 */
void mdb_space_destroy(struct mdb *m, struct mdb_space *s);

/*
 * The node mapping vaddr in s, or NULL (sigma0: its root for the frame, made on
 * demand; NULL out of physical memory or out of memory). An unaligned vaddr has
 * no node. Roots stay until sigma0 itself is destroyed.
 */
struct mdb_node *mdb_lookup(struct mdb *m, struct mdb_space *s, uint64_t vaddr);

/*
 * Map (or grant) npages pages from src at src_vaddr to dst at dst_vaddr with
 * `rights` (reduced to what src holds, page by page). Checked first, changed
 * after: EXO_EBADITEM and no change at all when some source page is not
 * mapped in src, when an address is out of range, or when src == dst.
 * Also refused that way: an unaligned address, npages == 0, a range that
 * wraps, dst being sigma0, a grant from sigma0, rights that reduce to a set
 * without EXO_R (every mapping holds EXO_R; see mdb_unmap), and a destination
 * page that would be replaced while it is an ancestor of one of the source
 * pages (replacing it would revoke the source itself).
 * A destination page already mapped is replaced (its old subtree is removed)
 * unless it maps the same frame from the same source node, in which case its
 * rights are extended (install() again with the union). Grant moves each
 * source node to dst (same parent, same children; fewer rights are taken from
 * its descendants too) and src loses the page (remove() for src). Installs in
 * dst go through install(). EXO_ENOMEM when nodes cannot be allocated (pages
 * done before stay mapped).
 */
exo_err mdb_map(struct mdb *m, struct mdb_space *src, uint64_t src_vaddr, struct mdb_space *dst,
		uint64_t dst_vaddr, uint64_t npages, unsigned rights, bool grant);

/*
 * Unmap: for each mapped page of s in [vaddr, vaddr + npages pages), take
 * `rights` away from every mapping derived from it, recursively; a mapping
 * left without rights, or losing EXO_R, goes entirely (with its subtree). With
 * `self` the page of s itself loses them too (a sigma0 root never goes).
 * Pages not mapped in s are skipped. An unaligned vaddr, npages == 0 or no
 * rights do nothing; a range past the end of the address space stops there.
 */
/*
 * Where a map or grant item lands (L4's rule): the sender's flexpage f with
 * send base snd, into the receiver's window win. The smaller of the two
 * decides the size (*log2); the send base picks the part of the larger.
 * EXO_FPAGE_COMPLETE (or a log2 of 1 at 0) is the whole space. Returns
 * false when win is nil or not a valid flexpage (the item is refused).
 */
bool mdb_item_place(exo_fpage_t win, uint64_t snd, exo_fpage_t f, uint64_t *src, uint64_t *dst,
		    unsigned *log2);

void mdb_unmap(struct mdb *m, struct mdb_space *s, uint64_t vaddr, uint64_t npages,
	       unsigned rights, bool self);

#endif
