/*
 * var.c — shell variables, positional parameters and functions.
 *
 * Variables live in one array searched linearly (shells have tens of them).
 * The environment handed to execve() is built from the exported ones each
 * time, so the shell never edits `environ` behind libposix's back.
 */
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct var {
	char *name;
	char *value;		/* NULL: exported or readonly but unset */
	int exported;
	int readonly;
};

static struct var *vars;
static int nvars, capvars;

struct func {
	struct func *next;
	char *name;
	struct node *body;
	struct arena *arena;	/* holds body alive */
};

static struct func *funcs;

static struct var *var_find(const char *name, size_t len)
{
	for (int i = 0; i < nvars; i++)
		if (strlen(vars[i].name) == len && !memcmp(vars[i].name, name, len))
			return &vars[i];
	return NULL;
}

static struct var *var_make(const char *name, size_t len)
{
	struct var *v = var_find(name, len);

	if (v)
		return v;
	if (nvars == capvars) {
		capvars = capvars ? capvars * 2 : 64;
		vars = sh_realloc(vars, capvars * sizeof(*vars));
	}
	v = &vars[nvars++];
	memset(v, 0, sizeof(*v));
	v->name = sh_strndup(name, len);
	return v;
}

const char *var_get(const char *name)
{
	struct var *v = var_find(name, strlen(name));

	return v ? v->value : NULL;
}

int var_is_readonly(const char *name)
{
	struct var *v = var_find(name, strlen(name));

	return v && v->readonly;
}

int var_set(const char *name, const char *value, int export)
{
	struct var *v = var_make(name, strlen(name));

	if (v->readonly) {
		sh_error("%s: is read only", name);
		return -1;
	}
	free(v->value);
	v->value = sh_strdup(value);
	if (export)
		v->exported = 1;
	return 0;
}

int var_unset(const char *name)
{
	struct var *v = var_find(name, strlen(name));

	if (!v)
		return 0;
	if (v->readonly) {
		sh_error("%s: is read only", name);
		return -1;
	}
	free(v->name);
	free(v->value);
	*v = vars[--nvars];
	return 0;
}

int var_export(const char *name)
{
	var_make(name, strlen(name))->exported = 1;
	return 0;
}

int var_set_readonly(const char *name)
{
	var_make(name, strlen(name))->readonly = 1;
	return 0;
}

void var_import(char **env)
{
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');
		struct var *v;

		if (!eq || !lex_is_name(*env, eq - *env))
			continue;
		v = var_make(*env, eq - *env);
		free(v->value);
		v->value = sh_strdup(eq + 1);
		v->exported = 1;
	}
}

/* The exported variables as NAME=VALUE; extra entries override them. */
char **var_environ(char **extra, int nextra)
{
	char **env = sh_malloc((nvars + nextra + 1) * sizeof(char *));
	int n = 0;

	for (int i = 0; i < nvars; i++) {
		struct var *v = &vars[i];
		size_t nl = strlen(v->name);
		int overridden = 0;

		if (!v->exported || !v->value)
			continue;
		for (int k = 0; k < nextra; k++)
			if (!strncmp(extra[k], v->name, nl) && extra[k][nl] == '=')
				overridden = 1;
		if (overridden)
			continue;
		env[n] = sh_malloc(nl + strlen(v->value) + 2);
		strcpy(env[n], v->name);
		env[n][nl] = '=';
		strcpy(env[n] + nl + 1, v->value);
		n++;
	}
	for (int k = 0; k < nextra; k++)
		env[n++] = sh_strdup(extra[k]);
	env[n] = NULL;
	return env;
}

void env_free(char **env)
{
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

static int var_cmp(const void *x, const void *y)
{
	return strcmp(((const struct var *)x)->name, ((const struct var *)y)->name);
}

/* Prints a value in single quotes that the shell can read back. */
static void print_quoted(struct sbuf *b, const char *s)
{
	sb_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_adds(b, "'\\''");
		else
			sb_addc(b, *s);
	}
	sb_addc(b, '\'');
}

void var_list(int exported_only)
{
	struct sbuf b = { 0 };

	qsort(vars, nvars, sizeof(*vars), var_cmp);
	for (int i = 0; i < nvars; i++) {
		struct var *v = &vars[i];

		if (exported_only && !v->exported)
			continue;
		if (exported_only)
			sb_adds(&b, "export ");
		else if (!v->value)
			continue;
		sb_adds(&b, v->name);
		if (v->value) {
			sb_addc(&b, '=');
			print_quoted(&b, v->value);
		}
		sb_addc(&b, '\n');
	}
	if (b.len)
		sh_write_all(1, b.s, b.len);
	free(b.s);
}

void var_free_all(void)
{
	for (int i = 0; i < nvars; i++) {
		free(vars[i].name);
		free(vars[i].value);
	}
	free(vars);
	vars = NULL;
	nvars = capvars = 0;
}

void params_set(char **argv, int argc)
{
	struct strvec p = { 0 };

	for (int i = 0; i < argc; i++)
		sv_push(&p, sh_strdup(argv[i]));
	p = params_swap(p);
	sv_free(&p);
}

struct strvec params_swap(struct strvec p)
{
	struct strvec old = sh.params;

	sh.params = p;
	return old;
}

struct node *func_get(const char *name)
{
	for (struct func *f = funcs; f; f = f->next)
		if (!strcmp(f->name, name))
			return f->body;
	return NULL;
}

void func_define(const char *name, struct node *body, struct arena *a)
{
	struct func *f = sh_malloc(sizeof(*f));

	func_unset(name);
	f->name = sh_strdup(name);
	f->body = body;
	f->arena = a;
	arena_ref(a);
	f->next = funcs;
	funcs = f;
}

/*
 * A function may unset or redefine itself while it runs: its arena must
 * stay until the call returns, so unset arenas go to a graveyard freed at
 * exit rather than at once.
 */
static struct arena **graveyard;
static int ngraves;

int func_unset(const char *name)
{
	for (struct func **pf = &funcs; *pf; pf = &(*pf)->next) {
		struct func *f = *pf;

		if (strcmp(f->name, name))
			continue;
		*pf = f->next;
		graveyard = sh_realloc(graveyard, (ngraves + 1) * sizeof(*graveyard));
		graveyard[ngraves++] = f->arena;
		free(f->name);
		free(f);
		return 0;
	}
	return -1;
}

void func_free_all(void)
{
	while (funcs)
		func_unset(funcs->name);
	for (int i = 0; i < ngraves; i++)
		arena_unref(graveyard[i]);
	free(graveyard);
	graveyard = NULL;
	ngraves = 0;
}
