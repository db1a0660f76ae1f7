/*
 * sim/kernel/control.c — the control socket: what `exoctl` sees of a running
 * kernel (proto/control.proto).
 *
 * exosim listens on its kernel socket's path + ".ctl" (a SOCK_STREAM socket,
 * mode 0600, and only its own user or root may talk to it). A request is a
 * 4-byte little-endian length and a protobuf Request; the answer is framed
 * the same way. Requests only read the kernel's state, except `kill` (SIGKILL
 * to a space's process) and `trace`. Everything runs on the libevent loop, so
 * an answer is a snapshot taken between two frames of the kernel socket.
 *
 * Entry points: k_control_listen (after k_listen, which owns the kernel
 * socket, so a .ctl file left behind is stale and replaced) and
 * k_control_close (teardown: closes connections, removes the socket).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "control.pb-c.h"
#include "kernel.h"

#define CONTROL_REQUEST_MAX (64u << 10)

struct kcontrol {
	struct ksim *k;
	struct bufferevent *bev;
	bool closing;            /* a bad request: close once the answer is out */
	struct kcontrol *next, *prev;
};

/*
 * Every allocation of one answer, freed together once it is packed: the
 * answer is a tree of small protobuf-c structs and arrays.
 */
struct arena {
	void **p;
	size_t n, cap;
	bool failed;
};

static void *a_alloc(struct arena *a, size_t size)
{
	void *p;

	if (a->failed)
		return NULL;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void **np = realloc(a->p, cap * sizeof(*np));

		if (!np) {
			a->failed = true;
			return NULL;
		}
		a->p = np;
		a->cap = cap;
	}
	p = calloc(1, size ? size : 1);
	if (!p) {
		a->failed = true;
		return NULL;
	}
	a->p[a->n++] = p;
	return p;
}

static char *a_strdup(struct arena *a, const char *s)
{
	char *p = a_alloc(a, strlen(s) + 1);

	if (p)
		strcpy(p, s);
	return p;
}

static void a_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->p[i]);
	free(a->p);
}

/* The names thread t registered, as an array in the arena. */
static char **thread_names(struct ksim *k, struct arena *a, struct kthread *t, size_t *n)
{
	char **v;
	size_t i = 0;

	*n = 0;
	for (struct kname *nm = k->names; nm; nm = nm->next)
		if (nm->owner == t)
			(*n)++;
	if (!*n)
		return NULL;
	v = a_alloc(a, *n * sizeof(*v));
	if (!v) {
		*n = 0;
		return NULL;
	}
	for (struct kname *nm = k->names; nm; nm = nm->next)
		if (nm->owner == t)
			v[i++] = a_strdup(a, nm->name);
	return v;
}

/* ---- ps ---- */

/* The host process's name now (/proc/PID/comm), or NULL. */
static char *host_comm(struct arena *a, pid_t pid)
{
	char path[64], buf[64] = "", *p;
	FILE *f;

	if (pid <= 0)
		return NULL;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	/* A program exec'd from memory (exo_lx_exec_image) is named memfd:NAME. */
	p = strncmp(buf, "memfd:", 6) == 0 ? buf + 6 : buf;
	return p[0] ? a_strdup(a, p) : NULL;
}

static void fill_thread(struct ksim *k, struct arena *a, struct kthread *t, Exoctl__Thread *pt)
{
	exoctl__thread__init(pt);
	pt->tid = t->ipc.tid;
	pt->since_ns = t->since;
	pt->names = thread_names(k, a, t, &pt->n_names);
	pt->has_received = pt->has_sent = pt->has_faults = true;
	pt->received = t->ipc_count;
	pt->sent = t->ipc_sent;
	pt->faults = t->faults;
	if (!t->chan) {
		pt->state = EXOCTL__THREAD__STATE__NOT_STARTED;
		return;
	}
	switch (t->wait) {
	case KWAIT_NONE:
		pt->state = EXOCTL__THREAD__STATE__RUNNING;
		return;
	case KWAIT_LOOKUP:
		pt->state = EXOCTL__THREAD__STATE__LOOKUP;
		pt->lookup = a_strdup(a, t->lookup);
		if (t->lookup_deadline != IPC_NEVER) {
			pt->has_deadline_ns = true;
			pt->deadline_ns = t->lookup_deadline;
		}
		return;
	case KWAIT_UNMAP:
		pt->state = EXOCTL__THREAD__STATE__UNMAP;
		return;
	case KWAIT_IPC:
		break;
	}
	switch (t->ipc.state) {
	case IPC_SENDING:
		pt->state = EXOCTL__THREAD__STATE__SENDING;
		break;
	case IPC_RECEIVING:
		pt->state = EXOCTL__THREAD__STATE__RECEIVING;
		break;
	default:
		/* Between phases (a grant's answer held back): not blocked on a partner. */
		pt->state = EXOCTL__THREAD__STATE__RUNNING;
		return;
	}
	pt->has_partner = pt->has_op = true;
	pt->partner = t->ipc.partner;
	pt->op = t->op;
	pt->has_call = pt->call = t->op == SIM_OP_CALL;
	pt->has_fault = pt->fault = t->op == SIM_OP_FAULT;
	pt->has_reply_wait = pt->reply_wait = t->op == SIM_OP_REPLY_WAIT;
	if (t->ipc.deadline != IPC_NEVER) {
		pt->has_deadline_ns = true;
		pt->deadline_ns = t->ipc.deadline;
	}
}

static void do_ps(struct ksim *k, struct arena *a, Exoctl__Answer *ans)
{
	Exoctl__PsAnswer *ps = a_alloc(a, sizeof(*ps));
	size_t i = 0;

	if (!ps)
		return;
	exoctl__ps_answer__init(ps);
	ps->has_default_pager = true;
	ps->default_pager = k->default_pager;
	ps->spaces = a_alloc(a, (k->nspaces + 1) * sizeof(*ps->spaces));
	for (struct kspace *s = k->spaces; s && ps->spaces; s = s->next) {
		Exoctl__Space *sp = a_alloc(a, sizeof(*sp));
		size_t j = 0;

		if (!sp)
			return;
		exoctl__space__init(sp);
		sp->id = s->id;
		sp->pid = s->pid;
		sp->label = a_strdup(a, s->label);
		sp->command = s->reaped ? NULL : host_comm(a, s->pid);
		sp->has_sigma0 = sp->sigma0 = s->sigma0;
		sp->has_spawned = sp->spawned = s->spawned;
		sp->has_privileged = sp->privileged = s->privileged;
		sp->has_exec = sp->exec = s->is_exec;
		if (s->pager) {
			sp->has_pager = true;
			sp->pager = s->pager;
		}
		sp->has_pages = true;
		sp->pages = s->mdb.count;
		sp->threads = a_alloc(a, (s->nthreads + 1) * sizeof(*sp->threads));
		for (struct kthread *t = s->threads; t && sp->threads; t = t->snext) {
			Exoctl__Thread *pt = a_alloc(a, sizeof(*pt));

			if (!pt)
				return;
			fill_thread(k, a, t, pt);
			sp->threads[j++] = pt;
		}
		sp->n_threads = j;
		ps->spaces[i++] = sp;
	}
	ps->n_spaces = i;
	ans->what_case = EXOCTL__ANSWER__WHAT_PS;
	ans->ps = ps;
}

/* ---- servers ---- */

static void do_servers(struct ksim *k, struct arena *a, Exoctl__Answer *ans)
{
	Exoctl__ServersAnswer *sv = a_alloc(a, sizeof(*sv));
	size_t i = 0;

	if (!sv)
		return;
	exoctl__servers_answer__init(sv);
	sv->names = a_alloc(a, (k->nnames + 1) * sizeof(*sv->names));
	for (struct kname *n = k->names; n && sv->names; n = n->next) {
		Exoctl__Name *pn = a_alloc(a, sizeof(*pn));

		if (!pn)
			return;
		exoctl__name__init(pn);
		pn->name = a_strdup(a, n->name);
		pn->tid = n->owner->ipc.tid;
		pn->space = n->owner->space->id;
		pn->label = a_strdup(a, n->owner->space->label);
		sv->names[i++] = pn;
	}
	sv->n_names = i;
	ans->what_case = EXOCTL__ANSWER__WHAT_SERVERS;
	ans->servers = sv;
}

/* ---- maps ---- */

static int node_cmp(const void *x, const void *y)
{
	const struct mdb_node *a = *(const struct mdb_node *const *)x, *b = *(const struct mdb_node *const *)y;

	return a->vaddr < b->vaddr ? -1 : a->vaddr > b->vaddr;
}

static uint64_t count_children(const struct mdb_node *n)
{
	uint64_t c = 0;

	for (const struct mdb_node *ch = n->children; ch; ch = ch->next)
		c++;
	return c;
}

/* Does node n continue the run that ends with node p (npages pages from `first`)? */
static bool continues(const struct mdb_node *first, const struct mdb_node *p, const struct mdb_node *n,
		      uint64_t npages)
{
	if (n->vaddr != p->vaddr + EXO_PAGE_SIZE || n->frame != first->frame + npages || n->rights != p->rights)
		return false;
	if (!n->parent || !p->parent)
		return !n->parent && !p->parent;
	return n->parent->space == p->parent->space && n->parent->vaddr == p->parent->vaddr + EXO_PAGE_SIZE;
}

static void do_maps(struct ksim *k, struct arena *a, Exoctl__Answer *ans, uint32_t space)
{
	struct kspace *s = k_space_find(k, space);
	Exoctl__MapsAnswer *ma;
	struct mdb_node **v;
	size_t n = 0, runs = 0;

	if (!s) {
		char buf[64];

		snprintf(buf, sizeof(buf), "no space %u", space);
		ans->error = a_strdup(a, buf);
		return;
	}
	ma = a_alloc(a, sizeof(*ma));
	v = a_alloc(a, (s->mdb.count + 1) * sizeof(*v));
	if (!ma || !v)
		return;
	exoctl__maps_answer__init(ma);
	ma->space = s->id;
	ma->label = a_strdup(a, s->label);
	ma->has_sigma0 = ma->sigma0 = s->sigma0;
	for (size_t b = 0; s->mdb.buckets && b < s->mdb.nbuckets; b++)
		for (struct mdb_node *nd = s->mdb.buckets[b]; nd && n < s->mdb.count; nd = nd->hnext)
			v[n++] = nd;
	qsort(v, n, sizeof(*v), node_cmp);
	ma->pages = n;
	ma->maps = a_alloc(a, (n + 1) * sizeof(*ma->maps));
	for (size_t i = 0; i < n && ma->maps;) {
		Exoctl__Mapping *m = a_alloc(a, sizeof(*m));
		size_t j = i + 1;

		if (!m)
			return;
		exoctl__mapping__init(m);
		m->vaddr = v[i]->vaddr;
		m->frame = v[i]->frame;
		m->rights = v[i]->rights;
		m->has_children = true;
		m->children = count_children(v[i]);
		while (j < n && continues(v[i], v[j - 1], v[j], j - i)) {
			m->children += count_children(v[j]);
			j++;
		}
		m->pages = j - i;
		if (v[i]->parent) {
			m->has_from_space = m->has_from_vaddr = true;
			m->from_space = ((struct kspace *)v[i]->parent->space->priv)->id;
			m->from_vaddr = v[i]->parent->vaddr;
		}
		ma->maps[runs++] = m;
		i = j;
	}
	ma->n_maps = runs;
	ans->what_case = EXOCTL__ANSWER__WHAT_MAPS;
	ans->maps = ma;
}

/* ---- stats ---- */

static void do_stats(struct ksim *k, struct arena *a, Exoctl__Answer *ans)
{
	Exoctl__StatsAnswer *st = a_alloc(a, sizeof(*st));
	size_t i = 0;

	if (!st)
		return;
	exoctl__stats_answer__init(st);
	st->uptime_ns = k_now(k);
	st->delivered = k->ipc.delivered;
	st->threads = k->nthreads;
	st->spaces = k->nspaces;
	st->names = k->nnames;
	st->mdb_nodes = k->mdb.nodes;
	st->kernel_bytes = k->kernel_bytes;
	st->phys_bytes = k->phys_size;
	st->has_faults = true;
	st->faults = k->faults;
	st->threads_stats = a_alloc(a, (k->nthreads + 1) * sizeof(*st->threads_stats));
	for (struct kspace *s = k->spaces; s && st->threads_stats; s = s->next) {
		for (struct kthread *t = s->threads; t && i < k->nthreads; t = t->snext) {
			Exoctl__ThreadStats *ts = a_alloc(a, sizeof(*ts));

			if (!ts)
				return;
			exoctl__thread_stats__init(ts);
			ts->tid = t->ipc.tid;
			ts->space = s->id;
			ts->label = a_strdup(a, s->label);
			ts->names = thread_names(k, a, t, &ts->n_names);
			ts->sent = t->ipc_sent;
			ts->received = t->ipc_count;
			ts->faults = t->faults;
			st->threads_stats[i++] = ts;
		}
	}
	st->n_threads_stats = i;
	ans->what_case = EXOCTL__ANSWER__WHAT_STATS;
	ans->stats = st;
}

/* ---- trace, kill ---- */

static void do_trace(struct ksim *k, struct arena *a, Exoctl__Answer *ans, const Exoctl__TraceRequest *r)
{
	Exoctl__TraceAnswer *ta;
	char buf[PATH_MAX + 64];
	int err;

	if (r->start) {
		struct ktrace_opts o = { .max_bytes = r->max_bytes, .string_max = r->string_max,
					 .filters = (const char *const *)r->filters, .nfilters = (unsigned)r->n_filters };

		if (!r->path || r->path[0] != '/') {
			ans->error = a_strdup(a, "trace start wants an absolute path");
			return;
		}
		for (size_t i = 0; i < r->n_filters; i++) {
			if (k_trace_filter_check(r->filters[i]) < 0) {
				snprintf(buf, sizeof(buf), "bad trace filter %.100s (server=NAME, protocol=NAME, "
					 "space=N, label=A[-B])", r->filters[i]);
				ans->error = a_strdup(a, buf);
				return;
			}
		}
		err = k_trace_start(k, r->path, &o);
		if (err == -EBUSY)
			snprintf(buf, sizeof(buf), "already tracing (exoctl trace stop first)");
		else if (err < 0)
			snprintf(buf, sizeof(buf), "cannot trace to %.*s: %s", PATH_MAX, r->path, strerror(-err));
		else
			klog(k, "exoctl: tracing to %s", r->path);
	} else {
		err = k_trace_stop(k);
		if (err == -ENOENT)
			snprintf(buf, sizeof(buf), "not tracing");
		else if (err < 0)
			snprintf(buf, sizeof(buf), "the trace ended with an error: %s", strerror(-err));
		else
			klog(k, "exoctl: tracing stopped");
	}
	if (err < 0) {
		ans->error = a_strdup(a, buf);
		return;
	}
	ta = a_alloc(a, sizeof(*ta));
	if (!ta)
		return;
	exoctl__trace_answer__init(ta);
	if (r->start)
		ta->path = a_strdup(a, r->path);
	ans->what_case = EXOCTL__ANSWER__WHAT_TRACE;
	ans->trace = ta;
}

static void do_kill(struct ksim *k, struct arena *a, Exoctl__Answer *ans, uint32_t space)
{
	struct kspace *s = k_space_find(k, space);
	Exoctl__KillAnswer *ka;
	char buf[128];

	if (!s || s->reaped || s->pid <= 0) {
		snprintf(buf, sizeof(buf), "no space %u", space);
	} else if (s->pid == getpid()) {
		snprintf(buf, sizeof(buf), "space %u is the kernel", space);
	} else if (s->sigma0) {
		snprintf(buf, sizeof(buf), "space %u (%s) is sigma0: it owns physical memory", space, s->label);
	} else if (kill(s->pid, SIGKILL) < 0) {
		snprintf(buf, sizeof(buf), "cannot kill pid %d: %s", (int)s->pid, strerror(errno));
	} else {
		klog(k, "exoctl: killed space %u (%s, pid %d)", s->id, s->label, (int)s->pid);
		ka = a_alloc(a, sizeof(*ka));
		if (!ka)
			return;
		exoctl__kill_answer__init(ka);
		ka->space = s->id;
		ka->pid = s->pid;
		ans->what_case = EXOCTL__ANSWER__WHAT_KILL;
		ans->kill = ka;
		return;
	}
	ans->error = a_strdup(a, buf);
}

/* ---- the connection ---- */

static void control_free(struct kcontrol *c)
{
	struct ksim *k = c->k;

	bufferevent_free(c->bev);
	if (c->prev)
		c->prev->next = c->next;
	else
		k->controls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

static void send_answer(struct kcontrol *c, const Exoctl__Answer *ans)
{
	size_t len = exoctl__answer__get_packed_size(ans);
	unsigned char hdr[4] = { (unsigned char)len, (unsigned char)(len >> 8), (unsigned char)(len >> 16),
				 (unsigned char)(len >> 24) };
	unsigned char *buf = malloc(len ? len : 1);

	if (!buf) {
		c->closing = true;
		return;
	}
	exoctl__answer__pack(ans, buf);
	bufferevent_write(c->bev, hdr, sizeof(hdr));
	bufferevent_write(c->bev, buf, len);
	free(buf);
}

static void answer_error(struct kcontrol *c, const char *msg)
{
	Exoctl__Answer ans;

	exoctl__answer__init(&ans);
	ans.error = (char *)msg;
	send_answer(c, &ans);
}

static void handle(struct kcontrol *c, const Exoctl__Request *req)
{
	struct ksim *k = c->k;
	struct arena a = { 0 };
	Exoctl__Answer ans;

	exoctl__answer__init(&ans);
	ans.has_clock_ns = true;
	ans.clock_ns = k_now(k);
	switch (req->what_case) {
	case EXOCTL__REQUEST__WHAT_PS:
		do_ps(k, &a, &ans);
		break;
	case EXOCTL__REQUEST__WHAT_SERVERS:
		do_servers(k, &a, &ans);
		break;
	case EXOCTL__REQUEST__WHAT_MAPS:
		do_maps(k, &a, &ans, req->maps->space);
		break;
	case EXOCTL__REQUEST__WHAT_STATS:
		do_stats(k, &a, &ans);
		break;
	case EXOCTL__REQUEST__WHAT_TRACE:
		do_trace(k, &a, &ans, req->trace);
		break;
	case EXOCTL__REQUEST__WHAT_KILL:
		do_kill(k, &a, &ans, req->kill->space);
		break;
	default:
		ans.error = "unknown request";
		break;
	}
	if (a.failed) {
		exoctl__answer__init(&ans);
		ans.error = "the kernel is out of memory";
	}
	send_answer(c, &ans);
	a_free(&a);
}

static void control_read(struct bufferevent *bev, void *arg)
{
	struct kcontrol *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char hdr[4], *body;
	uint32_t len;
	Exoctl__Request *req;

	while (!c->closing && evbuffer_get_length(in) >= 4) {
		evbuffer_copyout(in, hdr, 4);
		len = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
		if (len > CONTROL_REQUEST_MAX) {
			answer_error(c, "request too large");
			c->closing = true;
			break;
		}
		if (evbuffer_get_length(in) < 4 + (size_t)len)
			return;
		evbuffer_drain(in, 4);
		body = evbuffer_pullup(in, len);
		req = len ? exoctl__request__unpack(NULL, len, body) : NULL;
		evbuffer_drain(in, len);
		if (!req) {
			answer_error(c, "malformed request");
			c->closing = true;
			break;
		}
		handle(c, req);
		exoctl__request__free_unpacked(req, NULL);
	}
	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		control_free(c);
}

static void control_written(struct bufferevent *bev, void *arg)
{
	struct kcontrol *c = arg;

	(void)bev;
	if (c->closing)
		control_free(c);
}

static void control_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		control_free(arg);
}

static void control_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct ksim *k = arg;
	struct ucred cred;
	struct kcontrol *c;
	int fd;

	(void)what;
	if ((fd = k_accept(lfd, &cred)) < 0)
		return;
	/* The socket's mode already says so; the peer's uid says it again. */
	if ((cred.uid != geteuid() && cred.uid != 0) || !(c = calloc(1, sizeof(*c)))) {
		close(fd);
		return;
	}
	c->k = k;
	c->bev = bufferevent_socket_new(k->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, control_read, control_written, control_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = k->controls;
	if (k->controls)
		k->controls->prev = c;
	k->controls = c;
}

int k_control_listen(struct ksim *k)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(k->socket_path);
	mode_t old;
	int fd;

	k->control_fd = -1;
	if (n + 5 >= sizeof(sa.sun_path)) {
		klog(k, "no control socket: the path %s.ctl is too long", k->socket_path);
		return -1;
	}
	k->control_path = malloc(n + 5);
	if (!k->control_path)
		return -1;
	sprintf(k->control_path, "%s.ctl", k->socket_path);
	strcpy(sa.sun_path, k->control_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/*
	 * This kernel owns the kernel socket (k_listen checked that no live
	 * kernel answers on it), so a control socket already there is stale.
	 */
	unlink(k->control_path);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (listen(fd, 16) < 0)
		goto fail;
	k->control_fd = fd;
	k->control_ev = event_new(k->base, fd, EV_READ | EV_PERSIST, control_accept, k);
	if (!k->control_ev)
		goto fail;
	event_add(k->control_ev, NULL);
	return 0;
fail:
	klog(k, "no control socket on %s: %s", k->control_path, strerror(errno));
	if (fd >= 0)
		close(fd);
	k->control_fd = -1;
	free(k->control_path);
	k->control_path = NULL;
	return -1;
}

void k_control_close(struct ksim *k)
{
	while (k->controls)
		control_free(k->controls);
	if (k->control_fd >= 0) {
		event_free(k->control_ev);
		close(k->control_fd);
		unlink(k->control_path);
		k->control_fd = -1;
	}
	free(k->control_path);
	k->control_path = NULL;
}
