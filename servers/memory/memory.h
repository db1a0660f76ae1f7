/*
 * servers/memory/memory.h — the memory server's state: physical frames, the
 * spaces it pages, their regions, and shared memory objects.
 *
 * The server is single-threaded; request state travels in struct mem_req.
 */
#ifndef EXO_SERVERS_MEMORY_H
#define EXO_SERVERS_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include <exo/exo.h>
#include <exo/memory.h>

#include "memory_proto.h"

struct shm;

/* A range of a space's managed addresses with one protection. */
struct region {
	uint64_t start, len;      /* page aligned */
	unsigned prot;            /* MEM_PROT_* */
	unsigned flags;           /* MEM_SHARED */
	struct shm *obj;          /* MEM_SHARED: the object */
	uint64_t off;             /* MEM_SHARED: offset in the object, in pages */
	uint64_t *frames;         /* private: frame + 1 per page, 0 = never touched;
	                             a frame shared after a fork is mapped read-only */
	struct region *next;      /* sorted by start */
};

struct mspace {
	exo_space_t id;
	struct region *regions;
	uint64_t charged;         /* private pages reserved by its regions */
	uint64_t limit;           /* pages */
	uint64_t brk;             /* the break, EXO_VM_BASE when none */
	struct region *next_image; /* the next program's layout, waiting (image.c) */
	struct mspace *next;
};

/* A space's hold on an object: references it took, and whether it may map it. */
struct shm_user {
	exo_space_t space;
	unsigned refs;            /* SHM_OPENs not yet closed */
	bool may_map;             /* shared with it (SHM_SHARE) */
};

struct shm {
	char name[64];            /* empty: anonymous */
	struct shm_user *users;
	unsigned nusers;
	uint64_t npages;
	uint64_t *frames;         /* frame + 1 per page */
	unsigned refs;            /* regions and open handles */
	bool unlinked;
	uint32_t id;
	struct shm *next;
};

struct memsrv {
	uint8_t *phys;            /* sigma0's view of physical memory */
	uint64_t nframes, used;
	uint64_t *bitmap;
	uint32_t *shares;         /* per frame: owners beyond the first (copy-on-write) */
	uint64_t hint;
	uint64_t default_limit;
	struct mspace *spaces;
	struct shm *shms;
	uint32_t next_shm;
	exo_tid_t proc;           /* the thread last found registered as "proc" */
	exo_space_t proc_space;   /* its space: the cache goes when that space ends */
	int verbose;
};

/* The process server's name: only its thread may ask for MEM_FORK. */
#define MEM_PROC_NAME "proc"

struct mem_req {
	struct memsrv *ms;
	exo_tid_t from;
	exo_space_t space;
	exo_msg_t *m;             /* request in, reply out */
};

/* A batch of revocations (frames.c). */
struct revoke {
	unsigned n;
	exo_fpage_t fp[EXO_MR_COUNT];
	uint64_t frame[EXO_MR_COUNT];
	bool free[EXO_MR_COUNT];
};

/* frames.c */
void revoke_add(struct memsrv *ms, struct revoke *rv, uint64_t frame, unsigned rights, bool free_it);
void revoke_flush(struct memsrv *ms, struct revoke *rv);
int frames_init(struct memsrv *ms);
bool frame_alloc(struct memsrv *ms, uint64_t *frame);
bool frame_alloc_block(struct memsrv *ms, uint64_t *first);
/* Drop one owner of the frame; the last frees it. */
void frame_free(struct memsrv *ms, uint64_t frame);
/* One more owner (a forked space's page); is the frame owned by more than one? */
void frame_share(struct memsrv *ms, uint64_t frame);
bool frame_shared(struct memsrv *ms, uint64_t frame);
/* Take every mapping of the frame away from every space, then free it. */
void frame_release(struct memsrv *ms, uint64_t frame);
exo_fpage_t frame_fpage(struct memsrv *ms, uint64_t frame, unsigned rights);

/* space.c */
struct mspace *mspace_get(struct memsrv *ms, exo_space_t id, bool create);
void mspace_exit(struct memsrv *ms, exo_space_t id);
/* Release every region of s (revoking its mappings): an empty layout, the limit kept. */
void mspace_reset(struct memsrv *ms, struct mspace *s);
struct region *region_find(struct mspace *s, uint64_t addr);
int region_add(struct memsrv *ms, struct mspace *s, uint64_t start, uint64_t len, unsigned prot,
	       unsigned flags, struct shm *obj, uint64_t off);
void regions_remove(struct memsrv *ms, struct mspace *s, uint64_t start, uint64_t len);
int regions_protect(struct memsrv *ms, struct mspace *s, uint64_t start, uint64_t len, unsigned prot);
bool range_free(struct mspace *s, uint64_t start, uint64_t len);
uint64_t range_find(struct mspace *s, uint64_t len, uint64_t hint);

/* shm.c */
struct shm *shm_find_id(struct memsrv *ms, uint32_t id);
/* Open (or create) an object; space (0: none, a region's own) holds a reference. */
int shm_open_obj(struct memsrv *ms, exo_space_t space, const char *name, unsigned flags, uint64_t size,
		 struct shm **out);
/* The space's hold on o (created when `create`), or NULL. */
struct shm_user *shm_user(struct shm *o, exo_space_t space, bool create);
/* Drop a space's references and rights on every object (it ended). */
void shm_forget_space(struct memsrv *ms, exo_space_t space);
int shm_unlink_obj(struct memsrv *ms, const char *name);
void shm_put(struct memsrv *ms, struct shm *o);
int shm_resize(struct memsrv *ms, struct shm *o, uint64_t size);

/* fork.c */
/* Handlers of MEM_FORK and MEM_EXEC (ctx: the struct mem_req). */
int mem_fork(void *ctx, const struct memory_fork_in *in);
int mem_exec(void *ctx);
void mem_forget_proc(struct memsrv *ms, exo_space_t ended);

/* image.c */
int mem_image(void *ctx, const struct memory_image_in *in);
/* Install the waiting layout of the space restarted at its next program; false: none. */
bool image_install(struct memsrv *ms, exo_space_t id);
/* Drop a waiting layout (the space ended). */
void image_forget(struct memsrv *ms, struct mspace *s);

/* ops.c */
void mem_dispatch(struct mem_req *r);

#endif
