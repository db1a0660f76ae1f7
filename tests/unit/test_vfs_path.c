/*
 * tests/unit/test_vfs_path.c — unit tests of the VFS's path resolution
 * (servers/vfs/path.c) over its own ramfs nodes (node.c, servers/lib/
 * ramnode.c) and permission checks (cred.c): ".", "..", the root and a
 * chroot, symbolic links (relative, absolute, loops, as the last
 * component), trailing slashes, the limits, search permission, and the
 * path of a directory. Mounted file systems and the other servers are
 * mocked away (no mount is made here).
 *
 * Each test builds the tree
 *   /            0755 root
 *   /a/          0755 root      /a/f  file 0644
 *   /a/b/        0755 root      /a/b/g file
 *   /locked/     0700 root      /locked/x file
 *   /la -> a     /abs -> /a/b   /loop1 -> loop2, /loop2 -> loop1
 *   /a/up -> ../a/b   /dangling -> nowhere   /toof -> a/f
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include <exo/errno.h>

#include "vfs.h"

/* ---- what path.c, node.c and cred.c reach beyond themselves, mocked ---- */

void pipe_free(struct node *n) { (void)n; }
void lock_node_free(struct node *n) { (void)n; }
void shm_node_free(struct node *n) { (void)n; }
int shm_node_resize(struct node *n, uint64_t size) { (void)n, (void)size; return -XE_EIO; }
int fsc_lookup(struct vfs *v, struct node *dir, const char *name, struct node **n)
{
	(void)v, (void)dir, (void)name, (void)n;
	fail_msg("no mount here: fsc_lookup must not be called");
	return -XE_EIO;
}
int fsc_name_of(struct node *dir, const struct node *child, char name[VFS_NAME_MAX + 1])
{
	(void)dir, (void)child, (void)name;
	fail_msg("no mount here: fsc_name_of must not be called");
	return -XE_EIO;
}
struct vproc *proc_get(struct vfs *v, exo_space_t space) { (void)v, (void)space; return NULL; }
exo_err exo_kernel_info(exo_kinfo_t *ki) { memset(ki, 0, sizeof(*ki)); return EXO_OK; }
exo_err exo_lookup(const char *name, exo_tid_t *tid, exo_timeout_t wait)
{
	(void)name, (void)wait;
	*tid = EXO_NILTHREAD;
	return EXO_ENOENT;
}

/* ---- the tree ---- */

static struct vfs v;
static struct vproc proc;
static const struct vcred root_cred = { 0 }, user = { .ruid = 1000, .euid = 1000, .rgid = 1000, .egid = 1000 };
static struct node *a, *b, *f, *g, *locked;

static struct node *mk(struct node *dir, const char *name, uint32_t mode)
{
	struct node *n = node_new(&v, mode);

	assert_non_null(n);
	assert_int_equal(dir_add(&v, dir, name, n), 0);
	return n;
}

static void symlink_to(struct node *dir, const char *name, const char *target)
{
	struct node *l = mk(dir, name, VS_IFLNK | 0777);

	l->data = (uint8_t *)strdup(target);
	l->size = l->cap = strlen(target);
}

static int setup(void **state)
{
	(void)state;
	memset(&v, 0, sizeof(v));
	v.root = node_new(&v, VS_IFDIR | 0755);
	v.root->nlink = 2;
	a = mk(v.root, "a", VS_IFDIR | 0755);
	b = mk(a, "b", VS_IFDIR | 0755);
	f = mk(a, "f", VS_IFREG | 0644);
	g = mk(b, "g", VS_IFREG | 0644);
	locked = mk(v.root, "locked", VS_IFDIR | 0700);
	mk(locked, "x", VS_IFREG | 0644);
	symlink_to(v.root, "la", "a");
	symlink_to(v.root, "abs", "/a/b");
	symlink_to(v.root, "loop1", "loop2");
	symlink_to(v.root, "loop2", "loop1");
	symlink_to(a, "up", "../a/b");
	symlink_to(v.root, "dangling", "nowhere");
	symlink_to(v.root, "toof", "a/f");
	memset(&proc, 0, sizeof(proc));
	proc.cwd = v.root;
	return 0;
}

/* Free the tree bottom-up, as unlink would; every node must go. */
static void drop(struct node *dir)
{
	while (dir->dir.nents) {
		struct ram_ent *d = &dir->dir.ents[dir->dir.nents - 1];
		struct node *n = d->node;

		if (node_is_dir(n) && n->dir.nents)
			drop(n);
		dir_remove(&v, dir, d);
	}
}

static int teardown(void **state)
{
	(void)state;
	drop(v.root);
	v.root->nlink = 0;
	node_put(&v, v.root);
	assert_int_equal(v.nodes, 0);
	return 0;
}

/* Resolve fully (follow: the last link too): the node, or NULL with *err. */
static struct node *res(const char *path, bool follow, const struct vcred *who, int *err)
{
	struct node *dir, *node;
	char last[VFS_NAME_MAX + 1];
	bool slash;

	*err = path_resolve(&v, &proc, who ? who : &root_cred, NULL, path, strlen(path), false, follow, &dir, &node,
			    last, &slash);
	return *err ? NULL : node;
}

static int err_of(const char *path, bool follow)
{
	int e;

	res(path, follow, NULL, &e);
	return e;
}

static void test_dots_and_the_root(void **state)
{
	int e;

	(void)state;
	assert_ptr_equal(res("/", true, NULL, &e), v.root);
	assert_ptr_equal(res("//a//b/", true, NULL, &e), b);
	assert_ptr_equal(res("/a/./b/../f", true, NULL, &e), f);
	assert_ptr_equal(res("/../../a", true, NULL, &e), a);   /* ".." at the root stays there */
	assert_ptr_equal(res("a/b/g", true, NULL, &e), g);      /* relative to the working directory */
	proc.cwd = b;
	assert_ptr_equal(res("../f", true, NULL, &e), f);
	assert_ptr_equal(res(".", true, NULL, &e), b);
	/* A chroot is the root for "/" and for "..". */
	proc.root = a;
	assert_ptr_equal(res("/b/g", true, NULL, &e), g);
	assert_ptr_equal(res("/../../f", true, NULL, &e), f);
	assert_int_equal(err_of("/a", true), -XE_ENOENT);
}

static void test_symbolic_links(void **state)
{
	int e;

	(void)state;
	assert_ptr_equal(res("/la/b/g", false, NULL, &e), g);   /* in the middle: always followed */
	assert_ptr_equal(res("/abs/g", false, NULL, &e), g);    /* an absolute target starts at / */
	assert_ptr_equal(res("/a/up/g", false, NULL, &e), g);   /* relative to the link's directory */
	/* The last component: followed only when asked, or with a trailing slash. */
	assert_int_equal(res("/la", false, NULL, &e)->mode & VS_IFMT, VS_IFLNK);
	assert_ptr_equal(res("/la", true, NULL, &e), a);
	assert_ptr_equal(res("/la/", false, NULL, &e), a);
	assert_ptr_equal(res("/toof", true, NULL, &e), f);
	assert_int_equal(err_of("/toof/", false), -XE_ENOTDIR); /* a trailing slash wants a directory */
	assert_int_equal(err_of("/loop1", true), -XE_ELOOP);
	assert_int_equal(err_of("/loop1/x", false), -XE_ELOOP);
	assert_int_equal(err_of("/dangling", true), -XE_ENOENT);
	assert_non_null(res("/dangling", false, NULL, &e));     /* the link itself */
}

static void test_forty_links_resolve_and_forty_one_loop(void **state)
{
	char name[16], target[16];
	int e;

	(void)state;
	/* /c0 -> c1 -> ... -> c40 -> a: 41 links. */
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		if (i == 40)
			snprintf(target, sizeof(target), "a");
		else
			snprintf(target, sizeof(target), "c%d", i + 1);
		symlink_to(v.root, name, target);
	}
	assert_ptr_equal(res("/c1", true, NULL, &e), a);        /* 40 links */
	assert_int_equal(err_of("/c0", true), -XE_ELOOP);        /* 41 */
}

static void test_not_a_directory_and_missing_files(void **state)
{
	(void)state;
	assert_int_equal(err_of("/a/f/x", true), -XE_ENOTDIR);
	assert_int_equal(err_of("/a/f/", true), -XE_ENOTDIR);
	assert_int_equal(err_of("/a/nope", true), -XE_ENOENT);
	assert_int_equal(err_of("/nope/x", true), -XE_ENOENT);
	assert_int_equal(err_of("", true), -XE_ENOENT);
}

static void test_the_limits(void **state)
{
	char *p = malloc(VFS_PATH_MAX + 2);

	(void)state;
	assert_non_null(p);
	/* A component of NAME_MAX bytes is looked up (ENOENT); one more is too long. */
	p[0] = '/';
	memset(p + 1, 'n', VFS_NAME_MAX);
	p[1 + VFS_NAME_MAX] = 0;
	assert_int_equal(err_of(p, true), -XE_ENOENT);
	p[1 + VFS_NAME_MAX] = 'n';
	p[2 + VFS_NAME_MAX] = 0;
	assert_int_equal(err_of(p, true), -XE_ENAMETOOLONG);
	/* A path over PATH_MAX, however it is made of short names. */
	for (size_t i = 0; i < VFS_PATH_MAX + 1; i++)
		p[i] = i % 2 ? '.' : '/';
	p[VFS_PATH_MAX + 1] = 0;
	assert_int_equal(err_of(p, true), -XE_ENAMETOOLONG);
	free(p);
	/* A NUL inside the given length. */
	{
		struct node *dir, *node;
		char last[VFS_NAME_MAX + 1];
		bool slash;

		assert_int_equal(path_resolve(&v, &proc, &root_cred, NULL, "/a\0b", 4, false, true, &dir, &node, last,
					      &slash),
				 -XE_EINVAL);
	}
}

static void test_search_permission_on_every_directory(void **state)
{
	int e;

	(void)state;
	assert_int_equal(err_of("/locked/x", true), 0);           /* root passes the mode bits */
	res("/locked/x", true, &user, &e);
	assert_int_equal(e, -XE_EACCES);
	res("/locked/.", true, &user, &e);                        /* "." too takes search permission */
	assert_int_equal(e, -XE_EACCES);
	assert_non_null(res("/locked", true, &user, &e));         /* the directory itself: searched in / */
	a->mode = VS_IFDIR | 0644;                                 /* readable, not searchable */
	res("/la/f", true, &user, &e);
	assert_int_equal(e, -XE_EACCES);
	a->mode = VS_IFDIR | 0755;
}

static void test_parent_resolution_names_the_last_component(void **state)
{
	struct node *dir, *node;
	char last[VFS_NAME_MAX + 1];
	bool slash;

	(void)state;
	assert_int_equal(path_resolve(&v, &proc, &root_cred, NULL, "/a/new", 6, true, false, &dir, &node, last, &slash), 0);
	assert_ptr_equal(dir, a);
	assert_null(node);
	assert_string_equal(last, "new");
	assert_int_equal(path_resolve(&v, &proc, &root_cred, NULL, "/a/b/", 5, true, false, &dir, &node, last, &slash), 0);
	assert_ptr_equal(dir, a);
	assert_ptr_equal(node, b);
	assert_true(slash);
	/* A file with a trailing slash: ENOTDIR even for the parent's caller. */
	assert_int_equal(path_resolve(&v, &proc, &root_cred, NULL, "/a/f/", 5, true, false, &dir, &node, last, &slash),
			 -XE_ENOTDIR);
	/* The link itself as the last component when not following: unlink, lstat. */
	assert_int_equal(path_resolve(&v, &proc, &root_cred, NULL, "/la", 3, true, false, &dir, &node, last, &slash), 0);
	assert_ptr_equal(dir, v.root);
	assert_int_equal(node->mode & VS_IFMT, VS_IFLNK);
}

static void test_the_path_of_a_directory(void **state)
{
	char buf[VFS_PATH_MAX + 1];
	size_t len;

	(void)state;
	assert_int_equal(path_of(&v, v.root, b, buf, sizeof(buf), &len), 0);
	assert_string_equal(buf, "/a/b");
	assert_int_equal(len, 4);
	assert_int_equal(path_of(&v, v.root, v.root, buf, sizeof(buf), &len), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(path_of(&v, a, b, buf, sizeof(buf), &len), 0); /* under a chroot */
	assert_string_equal(buf, "/b");
	assert_int_equal(path_of(&v, v.root, b, buf, 4, &len), -XE_ERANGE);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_dots_and_the_root),
		T(test_symbolic_links),
		T(test_forty_links_resolve_and_forty_one_loop),
		T(test_not_a_directory_and_missing_files),
		T(test_the_limits),
		T(test_search_permission_on_every_directory),
		T(test_parent_resolution_names_the_last_component),
		T(test_the_path_of_a_directory),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
