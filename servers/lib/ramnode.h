/*
 * servers/lib/ramnode.h — what the VFS's ramfs and the tmpfs server share:
 * a directory's entries and a file's data, both held in memory.
 *
 * A directory keeps its entries in insertion order, each with an increasing
 * cookie, so a cookie (the next one to return) stays valid while entries
 * come and go: a listing returns every entry present throughout it exactly
 * once. The node an entry names is the server's own type; link counts,
 * parents and times stay with each server.
 */
#ifndef EXO_SERVERS_RAMNODE_H
#define EXO_SERVERS_RAMNODE_H

#include <stddef.h>
#include <stdint.h>

struct ram_ent {
	char *name;
	void *node;              /* the server's node */
	uint64_t cookie;         /* increasing within the directory */
};

struct ram_dir {
	struct ram_ent *ents;
	size_t nents, cap;
	uint64_t next_cookie;    /* the cookie the next entry gets */
};

/* The bytes a struct vfs_dirent (exo/vfs.h) naming `name` takes, 8-aligned. */
size_t ram_dirent_len(const char *name);
/* Append that record at buf + *len and add its length to *len. */
void ram_dirent_put(void *buf, size_t *len, uint64_t ino, uint64_t next, uint8_t type, const char *name);

/* The largest file: a bigger size is -XE_EFBIG. */
#define RAM_FILE_MAX (1ull << 40)

struct ram_ent *ram_dir_find(struct ram_dir *d, const char *name);
/* Append name -> node with the next cookie: 0 or -XE_ENOSPC. */
int ram_dir_add(struct ram_dir *d, const char *name, void *node);
/* Remove e, an entry of d; returns the node it named. */
void *ram_dir_remove(struct ram_dir *d, struct ram_ent *e);
/* The index of the first entry whose cookie is at least `cookie`. */
size_t ram_dir_seek(const struct ram_dir *d, uint64_t cookie);
/* Free every entry's name and the entry array. */
void ram_dir_free(struct ram_dir *d);

/*
 * Set a file's size (zeros past the old end), growing its data by doubling
 * from 4096 bytes when *cap is short, to at most max_cap bytes: 0, -XE_EFBIG
 * or -XE_ENOSPC, and nothing changes on an error.
 */
int ram_data_resize(uint8_t **data, uint64_t *size, uint64_t *cap, uint64_t new_size, uint64_t max_cap);

#endif
