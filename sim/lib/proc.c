/*
 * sim/lib/proc.c — fork and exec of a space on the sim.
 *
 * Fork: the host forks twice and the middle process exits at once, so the
 * child is orphaned and comes to exosim, the subreaper, which reaps it and
 * reports its status like that of any program it started. The parent tells
 * the kernel the child's pid (SIM_OP_FORKED) and gets its space; prep() then
 * has the servers copy their state into it while the child waits on a pipe.
 * Only then does the child go on, joining the kernel afresh (chan.c drops
 * the inherited channels in every host fork).
 *
 * Exec: the image is written to an anonymous host file and run from there;
 * the host process, so the space, stays. The kernel socket's name goes along
 * in the environment, so the new program joins the same kernel.
 */
#include <errno.h>
#include <string.h>

#include <exo/ipc.h>

#include "chan.h"
#include "lxproc.h"

exo_err exo_space_fork(exo_space_t *child, exo_err (*prep)(exo_space_t child, void *arg), void *arg)
{
	int go[2], tell[2], mid, pid = -1;
	uint32_t space = 0;
	exo_err err;
	struct exo_chan *c;

	if (!child || (err = exo_sim_chan_get(&c)) != EXO_OK)
		return child ? err : EXO_EINVAL;
	if (exo_lx_pipe(go) < 0)
		return EXO_ENOMEM;
	if (exo_lx_pipe(tell) < 0) {
		exo_lx_close(go[0]);
		exo_lx_close(go[1]);
		return EXO_ENOMEM;
	}
	mid = exo_lx_fork();
	if (mid == 0) {
		int g;
		char b;

		exo_lx_close(go[1]);
		exo_lx_close(tell[0]);
		g = exo_lx_fork();
		if (g != 0) {
			exo_lx_write(tell[1], &g, sizeof(g));
			exo_lx_exit_group(0);
		}
		exo_lx_close(tell[1]);
		/*
		 * A host process group of its own, whose parent (exosim) is in
		 * the same session: never an orphaned group, so the host does
		 * not discard SIGTSTP, SIGTTIN and SIGTTOU sent to it.
		 */
		exo_lx_setpgid_self();
		if (exo_lx_read(go[0], &b, 1) != 1)
			exo_lx_exit_group(127); /* the parent gave up on this child */
		/*
		 * exosim is the host parent now (the middle process is gone):
		 * if it ends, even by SIGKILL, this process goes with it.
		 */
		exo_lx_die_with_parent();
		if (exo_lx_getppid() == 1)
			exo_lx_exit_group(127);
		exo_lx_close(go[0]);
		*child = EXO_NILSPACE;
		return EXO_OK;
	}
	exo_lx_close(go[0]);
	exo_lx_close(tell[1]);
	if (mid > 0) {
		if (exo_lx_read(tell[0], &pid, sizeof(pid)) != sizeof(pid))
			pid = -1;
		exo_lx_waitpid(mid);
	}
	exo_lx_close(tell[0]);
	if (pid <= 0) {
		exo_lx_close(go[1]);
		return EXO_ENOMEM;
	}
	err = exo_sim_chan_simple(SIM_OP_FORKED, 0, 0, &pid, sizeof(pid), &space, NULL, NULL, 0);
	if (err == EXO_OK && prep)
		err = prep(space, arg);
	if (err == EXO_OK && exo_lx_write(go[1], "g", 1) != 1)
		err = EXO_ENOMEM;
	exo_lx_close(go[1]); /* on failure the child reads end-of-file and exits */
	if (err == EXO_OK)
		*child = space;
	return err;
}

/* envp with the kernel socket added when the program did not pass it on. */
static char *const *with_socket(char *const envp[], char **buf, size_t cap, char *entry, size_t elen)
{
	size_t n = 0;
	const char *path = exo_sim_chan_socket_path();

	for (; envp && envp[n]; n++)
		if (strncmp(envp[n], SIM_SOCKET_ENV "=", sizeof(SIM_SOCKET_ENV)) == 0)
			return envp;
	if (!path || n + 2 > cap || strlen(path) + sizeof(SIM_SOCKET_ENV) + 1 > elen)
		return envp;
	memcpy(buf, envp, n * sizeof(char *));
	strcpy(entry, SIM_SOCKET_ENV "=");
	strcat(entry, path);
	buf[n] = entry;
	buf[n + 1] = NULL;
	return buf;
}

exo_err exo_space_exec(const void *img, uint64_t len, const char *name, char *const argv[],
		       char *const envp[])
{
	static char *envbuf[1024];
	static char entry[160];
	int r;

	if (!img || len < 4 || memcmp(img, "\177ELF", 4) != 0 || !argv)
		return EXO_EINVAL;
	r = exo_lx_exec_image(img, (size_t)len, name ? name : "exo", argv,
			  with_socket(envp, envbuf, 1024, entry, sizeof(entry)));
	if (r == -E2BIG)
		return EXO_EMSGSIZE;
	if (r == -ENOMEM)
		return EXO_ENOMEM;
	return EXO_EINVAL;
}

/* The sim's programs are host executables (exo_space_exec): nothing is loaded at user level. */
exo_err exo_space_restart(uint64_t entry, uint64_t sp, uint64_t arg0, uint64_t arg1, const char *name)
{
	(void)entry, (void)sp, (void)arg0, (void)arg1, (void)name;
	return EXO_ENOSYS;
}
