/*
 * sh.h — Exo's shell: the declarations shared by its files.
 *
 * The shell is layered like this, each layer in its own file:
 *   input.c    lines from a terminal, a file, a string
 *   lex.c      tokens (words keep their quotes; expansion removes them)
 *   parse.c    a tree of nodes, allocated in one arena per parse
 *   expand.c   parameter, command and arithmetic expansion, field
 *              splitting, pathname expansion (glob.c, arith.c)
 *   exec.c     running nodes; redir.c for redirections, jobs.c for
 *              processes, process groups and the terminal
 *   var.c      variables, positional parameters, functions
 *   builtin*.c the builtins
 *   main.c     options and the read-parse-run loop
 *
 * Only POSIX calls that Exo's libposix implements are used, so the same
 * sources run on Exo and on the Linux host.
 */
#ifndef EXO_SH_H
#define EXO_SH_H

#include <stddef.h>
#include <sys/types.h>

/* ---- util.c: memory, vectors, arenas, output ---- */

void *sh_malloc(size_t n);
void *sh_realloc(void *p, size_t n);
char *sh_strdup(const char *s);
char *sh_strndup(const char *s, size_t n);

/* A growable NULL-terminated vector of malloc'd strings. */
struct strvec {
	char **v;
	int n;
	int cap;
};

void sv_push(struct strvec *sv, char *s);	/* takes ownership of s */
void sv_free(struct strvec *sv);

/* A growable byte string. */
struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

void sb_addc(struct sbuf *b, char c);
void sb_addn(struct sbuf *b, const char *s, size_t n);
void sb_adds(struct sbuf *b, const char *s);
char *sb_take(struct sbuf *b);		/* the string; b is empty again */

/*
 * A parse allocates all its nodes and strings in one arena; the arena lives
 * as long as something refers to it (the run loop, or a function defined in
 * it), so a tree is freed in one step however a parse ends.
 */
struct arena;

struct arena *arena_new(void);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_ref(struct arena *a);
void arena_unref(struct arena *a);

int sh_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sh_write_all(int fd, const char *s, size_t n);
ssize_t sh_read(int fd, void *buf, size_t n);

/* ---- input.c ---- */

enum input_kind { IN_FD, IN_STRING };

struct input {
	enum input_kind kind;
	int fd;
	int byte_at_a_time;	/* stdin: leave the rest for the commands */
	int prompt;		/* print PS1/PS2 before each line */
	const char *str;
	size_t pos, len;
	char buf[4096];
	size_t bpos, blen;
	int eof;
	int lineno;
};

void input_from_fd(struct input *in, int fd, int shared, int prompt);
void input_from_string(struct input *in, const char *s);
/* A malloc'd line with its newline (none at EOF), NULL at end of input. */
char *input_line(struct input *in, int continuation, int *interrupted);

/* ---- lex.c and parse.c ---- */

enum tok_type {
	T_EOF, T_WORD, T_NEWLINE, T_SEMI, T_DSEMI, T_AMP, T_PIPE, T_AND, T_OR,
	T_LPAREN, T_RPAREN, T_REDIR,
};

enum redir_op {
	R_IN,		/* <  */
	R_OUT,		/* >  and >| */
	R_APPEND,	/* >> */
	R_RDWR,		/* <> */
	R_DUPIN,	/* <& */
	R_DUPOUT,	/* >& */
	R_HEREDOC,	/* << and <<- */
};

struct redir {
	struct redir *next;
	enum redir_op op;
	int fd;			/* the descriptor redirected */
	char *word;		/* raw target word, or here-document body */
	int quoted;		/* here-document delimiter was quoted */
};

enum node_kind {
	N_CMD, N_PIPE, N_AND, N_OR, N_NOT, N_SEQ, N_BG, N_SUBSHELL, N_GROUP,
	N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE, N_FUNC,
};

struct case_item {
	struct case_item *next;
	char **pats;
	int npats;
	struct node *body;
};

/*
 * A node of the syntax tree. Which fields mean something depends on kind:
 *   N_CMD            words, assigns, redirs
 *   N_PIPE           kids[nkids]
 *   N_AND N_OR N_SEQ a, b
 *   N_NOT N_BG       a
 *   N_SUBSHELL N_GROUP  a, redirs
 *   N_IF             a (condition), b (then), c (else, maybe NULL)
 *   N_WHILE N_UNTIL  a (condition), b (body), redirs
 *   N_FOR            name, words (nwords < 0: no "in"), b, redirs
 *   N_CASE           words[0] (subject), items, redirs
 *   N_FUNC           name, a (body)
 */
struct node {
	enum node_kind kind;
	struct node *a, *b, *c;
	struct node **kids;
	int nkids;
	char **words;
	int nwords;
	char **assigns;
	int nassigns;
	char *name;
	struct case_item *items;
	struct redir *redirs;
	char *text;		/* source text, for job listings */
};

struct token {
	enum tok_type type;
	char *word;		/* T_WORD: raw text */
	struct redir *redir;	/* T_REDIR */
	int quoted;		/* T_WORD: contains quotes (here-doc delimiter) */
	size_t start, end;	/* source span */
};

struct pending_heredoc {
	struct redir *r;
	char *delim;
	int strip_tabs;
};

struct lexer {
	const char *src;
	size_t len, pos;
	struct arena *arena;
	struct token tok;
	int peeked;
	int incomplete;		/* ran out of text inside a construct */
	const char *err;	/* syntax error, NULL if none */
	struct pending_heredoc hd[16];
	int nhd;
};

void lex_init(struct lexer *lx, const char *src, size_t len, struct arena *a);
struct token *lex_peek(struct lexer *lx);
struct token *lex_next(struct lexer *lx);
int lex_is_name(const char *s, size_t n);
/* Scanners shared with expansion: the index after the construct, or -1. */
long scan_dquote(const char *s, size_t len, size_t i);
long scan_dollar(const char *s, size_t len, size_t i);
long scan_backquote(const char *s, size_t len, size_t i);

enum parse_result { P_OK, P_INCOMPLETE, P_ERROR };

/* Parses all of src; *out is NULL for empty input. */
enum parse_result parse_program(const char *src, size_t len, struct arena *a,
				struct node **out, const char **err);

/* ---- expand.c, arith.c, glob.c ---- */

int expand_words(char **words, int n, struct strvec *out);
char *expand_str(const char *word);		/* no splitting or globbing */
char *expand_pattern(const char *word);		/* quoted chars escaped */
char *expand_heredoc(const char *body);
int arith_eval(const char *expr, long *result);
int pattern_match(const char *pat, const char *str);
int pattern_has_magic(const char *pat);
void glob_expand(const char *pat, struct strvec *out);
char *pattern_unescape(const char *pat);

/* ---- var.c ---- */

const char *var_get(const char *name);
int var_set(const char *name, const char *value, int export);
int var_unset(const char *name);
int var_export(const char *name);
int var_set_readonly(const char *name);
int var_is_readonly(const char *name);
void var_import(char **env);
char **var_environ(char **extra, int nextra);	/* free with env_free */
void env_free(char **env);
void var_list(int exported_only);
void var_free_all(void);

/* Positional parameters: params.v[0..n-1] are $1..$n. */
void params_set(char **argv, int argc);
struct strvec params_swap(struct strvec p);

struct func;
struct node *func_get(const char *name);
void func_define(const char *name, struct node *body, struct arena *a);
int func_unset(const char *name);
void func_free_all(void);

/* ---- redir.c ---- */

struct redir_save;

/* Applies redirections in order; with save, they can be undone. */
int redir_apply(struct redir *r, struct redir_save **save);
void redir_restore(struct redir_save *save);
void fd_move_high(int *fd);

/* ---- jobs.c ---- */

enum proc_state { PS_RUNNING, PS_STOPPED, PS_DONE };

struct proc {
	pid_t pid;
	enum proc_state state;
	int status;		/* raw wait status */
};

struct job {
	struct job *next;
	int id;
	pid_t pgid;
	struct proc *procs;
	int nprocs;
	char *text;
	int notified;		/* done state already reported */
	int background;
	unsigned long seq;	/* recency, for + and - */
};

void jobs_init(void);
struct job *job_new(const char *text);
void job_add_proc(struct job *j, pid_t pid);
void job_register(struct job *j);
void job_free(struct job *j);
int job_wait_fg(struct job *j);
int job_status(struct job *j);
void jobs_reap(void);
void jobs_notify(void);
void jobs_free_all(void);
void jobs_hangup(void);
pid_t sh_fork(struct job *j, int foreground);
void jobs_reset_signals(void);
void child_exit(int status) __attribute__((noreturn));
int status_of(int wstatus);
const char *signal_name(int sig);
int signal_number(const char *name);

int builtin_jobs(int argc, char **argv);
int builtin_fg(int argc, char **argv);
int builtin_bg(int argc, char **argv);
int builtin_wait(int argc, char **argv);
int builtin_kill(int argc, char **argv);

/* ---- exec.c ---- */

enum { EX_NOFORK = 1 };

int exec_node(struct node *n, int flags);
int exec_string(const char *s, const char *name);
char *find_command(const char *name, int *err);
void exec_external(char **argv, char **env) __attribute__((noreturn));
char *command_subst(const char *text, size_t len);

/* ---- builtin.c, builtin_test.c ---- */

typedef int (*builtin_fn)(int argc, char **argv);

struct builtin {
	const char *name;
	builtin_fn fn;
	int special;		/* POSIX special builtin: assignments persist */
};

const struct builtin *builtin_find(const char *name);
int builtin_test(int argc, char **argv);
int builtin_set_options(int argc, char **argv, int *consumed);
int builtin_printf(int argc, char **argv);

/* ---- trap.c ---- */

int builtin_trap(int argc, char **argv);
void trap_run_pending(void);
void trap_run_exit(void);
void trap_reset_child(void);
void trap_free_all(void);

/* ---- main.c: the shell's state ---- */

enum ctl { CTL_NONE, CTL_BREAK, CTL_CONTINUE, CTL_RETURN, CTL_EXIT, CTL_INTR };

/*
 * The state of this shell process. A shell is one process with one set of
 * variables and jobs, so this is the one global; a forked subshell gets a
 * copy and drops interactivity and job control.
 */
struct shell {
	int status;		/* $? */
	char *arg0;		/* $0 */
	struct strvec params;	/* $1 ... */
	pid_t pid;		/* $$ */
	pid_t last_bg;		/* $! */
	int interactive;
	int jobctl;		/* job control: interactive, stdin a terminal */
	int is_child;		/* a forked subshell */
	pid_t pgid;		/* the shell's own process group */
	int opt_errexit, opt_xtrace, opt_noglob, opt_nounset, opt_noexec;
	int cond;		/* > 0: inside a condition, no errexit */
	enum ctl ctl;
	int ctl_count;		/* break/continue levels */
	int loop_depth;
	int func_depth;
	int source_depth;
	int subst_status;	/* of the last command substitution, or -1 */
	struct arena *arena;	/* of the tree running, for function definitions */
	struct job *jobs;
	unsigned long job_seq;
};

extern struct shell sh;

int sh_run_input(struct input *in);
int sh_source_file(const char *path);
/* Runs the file p (malloc'd, taken over) as a script in this child. */
void sh_run_script(char *p, char **argv, int argc) __attribute__((noreturn));
void sh_exit_cleanup(void);

#endif /* EXO_SH_H */
