/* configure.c -- the engine of `farrow configure`: a template and answers in, an inventory out. */
/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "configure.h"
#include "crypto.h"
#include "embedded.h"
#include "fileio.h"
#include "inventory.h"
#include "params.h"
#include "xalloc.h"
#include "yamlnode.h"

static const char *const templates[] = { "meta", "rich", "slim", "ha/dual", "ha/trio", "ha/full", "demo/redis", NULL };

static const char *const *keyed_secrets = fr_secret_keyed;
static const char *const *valued_secrets = fr_secret_valued;

const char *const *fr_template_names(void)
{
	return templates;
}

const char *fr_template_desc(const char *name)
{
	static char desc[160];
	char key[128];
	const struct fr_embedded *e;
	const char *p, *q;

	snprintf(key, sizeof(key), "profiles/%s.yml", name);
	if ((e = fr_embedded_find(key)) == NULL || (p = strstr(e->data, "# desc: ")) == NULL)
		return "";
	p += 8;
	q = strchr(p, '\n');
	snprintf(desc, sizeof(desc), "%.*s", q ? (int)(q - p) : (int)strlen(p), p);
	return desc;
}

int fr_template_load(const char *conf, char **text, size_t *len, char **origin, struct fr_err *err)
{
	char key[512];
	const struct fr_embedded *e;
	size_t n = strlen(conf), i;
	struct fr_buf names = FR_BUF_INIT;

	if (n > 4 && strcmp(conf + n - 4, ".yml") == 0)
		n -= 4;
	snprintf(key, sizeof(key), "profiles/%.*s.yml", (int)n, conf);
	/* a name is an embedded template; ./x.yml or /x.yml is always a file */
	if (conf[0] != '/' && strncmp(conf, "./", 2) != 0 && (e = fr_embedded_find(key)) != NULL) {
		*text = fr_xstrndup(e->data, e->len);
		*len = e->len;
		*origin = fr_xasprintf("%.*s", (int)n, conf);
		return 0;
	}
	if (fr_read_file(conf, 16u << 20, text, len, NULL) == 0) {
		*origin = fr_xstrdup(conf);
		return 0;
	}
	for (i = 0; templates[i]; i++)
		fr_buf_addf(&names, "%s%s", i ? ", " : "", templates[i]);
	fr_err_set(err, FR_ENOTFOUND, "template '%s' not found: not one of %s, nor a readable file", conf,
		   names.buf);
	fr_buf_release(&names);
	return FR_ENOTFOUND;
}

static void note(char ***v, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void note(char ***v, size_t *n, const char *fmt, ...)
{
	struct fr_buf b = FR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	fr_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	*v = fr_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = fr_buf_detach(&b, NULL);
}

/* ------------------------------------------------------------------ text edits */

struct edit {
	size_t start, end;
	char *with;
};

struct edits {
	struct edit *v;
	size_t n, alloc;
};

static void edit_add(struct edits *e, size_t start, size_t end, const char *with)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (e->v[i].start == start && e->v[i].end == end)
			return; /* an alias copy of a node already edited */
	FR_ALLOC_GROW(e->v, e->n + 1, e->alloc);
	e->v[e->n].start = start;
	e->v[e->n].end = end;
	e->v[e->n].with = fr_xstrdup(with);
	e->n++;
}

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Apply the edits to *text (reallocated); frees them. */
static void edits_apply(struct edits *e, char **text, size_t *len)
{
	struct fr_buf out = FR_BUF_INIT;
	size_t i, at = 0;

	if (e->n)
		qsort(e->v, e->n, sizeof(*e->v), cmp_edit);
	for (i = 0; i < e->n; i++) {
		if (e->v[i].start < at)
			continue; /* overlapping: cannot happen with distinct nodes */
		fr_buf_addn(&out, *text + at, e->v[i].start - at);
		fr_buf_adds(&out, e->v[i].with);
		at = e->v[i].end;
	}
	fr_buf_addn(&out, *text + at, *len - at);
	for (i = 0; i < e->n; i++)
		free(e->v[i].with);
	free(e->v);
	memset(e, 0, sizeof(*e));
	free(*text);
	*text = fr_buf_detach(&out, len);
}

static int parse(const char *text, size_t len, struct fr_node **root, struct fr_err *err)
{
	struct fr_err perr = { 0 };

	*root = fr_yaml_parse(text, len, &perr);
	if (*root == NULL)
		return fr_err_set(err, FR_EINVALID, "%s", perr.msg);
	return 0;
}

/* Offset of the start of the line holding offset at. */
static size_t line_start(const char *text, size_t at)
{
	while (at > 0 && text[at - 1] != '\n')
		at--;
	return at;
}

/* Offset just past the end of the line holding offset at (past its newline). */
static size_t line_end(const char *text, size_t len, size_t at)
{
	while (at < len && text[at] != '\n')
		at++;
	return at < len ? at + 1 : at;
}

/*
 * Set key to the YAML text value in the block mapping map (whose own key is
 * mapkey, for messages): replace the scalar or flow value if the key is
 * there, else insert a line after the line of `after` (when present with a
 * one-line value), else at the end of the mapping, else before its first key.
 */
static int set_key(const char *text, size_t len, const struct fr_node *map, const char *mapname,
		   const char *key, const char *value, const char *after, struct edits *e, struct fr_err *err)
{
	const struct fr_node *v, *k, *a, *last;
	struct fr_buf line = FR_BUF_INIT;
	size_t at;

	if (!fr_node_is_map(map) || map->flow || map->n == 0)
		return fr_err_set(err, FR_EARG, "%d:%d: %s: cannot add '%s': not a block mapping with keys",
				  map ? map->line : 0, map ? map->col : 0, mapname, key);
	v = fr_node_get2(map, key, (struct fr_node **)&k);
	if (v != NULL) {
		if (v->kind != FR_NODE_SCALAR && !v->flow)
			return fr_err_set(err, FR_EARG, "%d:%d: %s: cannot replace a block value", v->line, v->col,
					  key);
		if (fr_node_is_null(v) && v->start == v->end) {
			/* "key:" with nothing after it: write after the colon */
			at = k->end;
			while (at < len && text[at] != ':')
				at++;
			fr_buf_addf(&line, " %s", value);
			edit_add(e, at + 1, at + 1, line.buf);
		} else
			edit_add(e, v->start, v->end, value);
		fr_buf_release(&line);
		return 0;
	}
	a = after ? fr_node_get(map, after) : NULL;
	last = map->items[map->n - 1];
	if (a && (a->kind == FR_NODE_SCALAR || a->flow))
		at = line_end(text, len, a->end > a->start ? a->end - 1 : a->end);
	else if (last->kind == FR_NODE_SCALAR || last->flow)
		at = line_end(text, len, last->end > last->start ? last->end - 1 : last->end);
	else
		at = line_start(text, map->keys[0]->start);
	if (at > 0 && text[at - 1] != '\n')
		fr_buf_addc(&line, '\n');
	fr_buf_addf(&line, "%*s%s: %s\n", map->keys[0]->col - 1, "", key, value);
	edit_add(e, at, at, line.buf);
	fr_buf_release(&line);
	return 0;
}

/* Set a parameter in all.vars of *text (re-parsing first). */
static int set_global(char **text, size_t *len, const char *key, const char *value, const char *after,
		      struct fr_err *err)
{
	struct fr_node *root, *all;
	struct edits e = { 0 };
	int r;

	if ((r = parse(*text, *len, &root, err)) < 0)
		return r;
	all = fr_node_get(root, "all");
	if (fr_node_get(all, "vars") == NULL && fr_node_is_map(all) && !all->flow && all->n > 0) {
		/* no all.vars yet: add one at the end of the document */
		struct fr_buf b = FR_BUF_INIT;
		size_t at = *len;
		int ind = all->keys[0]->col - 1;

		while (at > 0 && ((*text)[at - 1] == '\n' || (*text)[at - 1] == ' '))
			at--;
		if (at >= 3 && strncmp(*text + at - 3, "...", 3) == 0 && line_start(*text, at - 3) == at - 3)
			at -= 3;
		else
			at = *len;
		if (at > 0 && (*text)[at - 1] != '\n')
			fr_buf_addc(&b, '\n');
		fr_buf_addf(&b, "%*svars:\n%*s%s: %s\n", ind, "", ind + 2, "", key, value);
		edit_add(&e, at, at, b.buf);
		fr_buf_release(&b);
		fr_node_free(root);
		edits_apply(&e, text, len);
		return 0;
	}
	r = set_key(*text, *len, fr_node_get(all, "vars"), "all.vars", key, value, after, &e, err);
	fr_node_free(root);
	edits_apply(&e, text, len);
	return r;
}

/* ------------------------------------------------------------------ addresses */

static int cmp_ip(const void *a, const void *b)
{
	struct in_addr x, y;

	inet_pton(AF_INET, *(const char *const *)a, &x);
	inet_pton(AF_INET, *(const char *const *)b, &y);
	return ntohl(x.s_addr) < ntohl(y.s_addr) ? -1 : ntohl(x.s_addr) > ntohl(y.s_addr);
}

int fr_template_nodes(const char *text, size_t len, char ***ips, size_t *n, struct fr_err *err)
{
	struct fr_inventory *inv = NULL;
	size_t i;
	int r;

	*ips = NULL;
	*n = 0;
	if ((r = fr_inv_load_text("template", text, len, &inv, err)) < 0)
		return r;
	if (inv->root == NULL) {
		r = fr_err_set(err, FR_EINVALID, "%d:%d: %s", inv->diags.v[0].line, inv->diags.v[0].col,
			       inv->diags.v[0].msg);
		fr_inv_free(inv);
		return r;
	}
	*ips = fr_xcalloc(inv->nhosts ? inv->nhosts : 1, sizeof(char *));
	for (i = 0; i < inv->nhosts; i++)
		if (fr_is_ipv4(inv->hosts[i].ip))
			(*ips)[(*n)++] = fr_xstrdup(inv->hosts[i].ip);
	qsort(*ips, *n, sizeof(char *), cmp_ip);
	fr_inv_free(inv);
	return 0;
}

/*
 * Replace whole IPv4 addresses: a run of digits and dots, not preceded by a
 * digit or dot, equal to from[i] (a trailing dot, as at the end of a
 * sentence, is not part of it). 10.10.10.100 is not 10.10.10.10.
 */
static size_t replace_ips(char **text, size_t *len, const char *const *from, const char *const *to, size_t n)
{
	struct edits e = { 0 };
	const char *t = *text;
	size_t i = 0, count = 0, j;

	while (i < *len) {
		size_t s = i, runlen;

		if (!isdigit((unsigned char)t[i]) || (i > 0 && (isdigit((unsigned char)t[i - 1]) || t[i - 1] == '.'))) {
			i++;
			continue;
		}
		while (i < *len && (isdigit((unsigned char)t[i]) || t[i] == '.'))
			i++;
		runlen = i - s;
		if (runlen > 0 && t[s + runlen - 1] == '.')
			runlen--;
		for (j = 0; j < n; j++)
			if (strlen(from[j]) == runlen && strncmp(t + s, from[j], runlen) == 0) {
				edit_add(&e, s, s + runlen, to[j]);
				count++;
				break;
			}
	}
	edits_apply(&e, text, len);
	return count;
}

/* ------------------------------------------------------------------ secrets */

struct secrets {
	struct fr_configure *c;
	struct fr_err *err;
	int failed;
};

/* The secret for label, made on first use. */
static const char *secret_for(struct secrets *s, const char *label)
{
	struct fr_configure *c = s->c;
	char value[FR_SECRET_LEN + 1];
	size_t i;

	for (i = 0; i < c->nsecrets; i++)
		if (strcmp(c->secrets[i].name, label) == 0)
			return c->secrets[i].value;
	for (i = 0; i < c->ngiven; i++) {
		const char *g = c->given[i].name;
		size_t gl = strlen(g);

		/* a parameter's name, or a default value ('DBUser.Meta', labelled with its quotes) */
		if (strcmp(g, label) == 0 || (label[0] == '\'' && strncmp(label + 1, g, gl) == 0 &&
					      strcmp(label + 1 + gl, "'") == 0)) {
			c->secrets = fr_xrealloc(c->secrets, (c->nsecrets + 1) * sizeof(*c->secrets));
			c->secrets[c->nsecrets].name = fr_xstrdup(label);
			c->secrets[c->nsecrets].value = fr_xstrdup(c->given[i].value);
			return c->secrets[c->nsecrets++].value;
		}
	}
	if (fr_random_password(value, FR_SECRET_LEN, s->err) < 0) {
		s->failed = 1;
		return NULL;
	}
	c->secrets = fr_xrealloc(c->secrets, (c->nsecrets + 1) * sizeof(*c->secrets));
	c->secrets[c->nsecrets].name = fr_xstrdup(label);
	c->secrets[c->nsecrets].value = fr_xstrdup(value);
	return c->secrets[c->nsecrets++].value;
}

static int is_generated(const struct fr_configure *c, const char *v)
{
	size_t i;

	for (i = 0; i < c->nsecrets; i++)
		if (strcmp(c->secrets[i].value, v) == 0)
			return 1;
	return 0;
}

static int tokch(int ch)
{
	return isalnum(ch) || ch == '_';
}

/*
 * Pigsty's placeholder passwords, replaced everywhere in the text (comments
 * too, as Pigsty does), each by one secret: DBUser.*, S3User.*, Vibe.Coding,
 * minioadmin.
 */
static void replace_tokens(struct secrets *s, char **text, size_t *len)
{
	static const char *const prefixes[] = { "DBUser.", "S3User.", NULL };
	static const char *const words[] = { "Vibe.Coding", "minioadmin", NULL };
	struct edits e = { 0 };
	const char *t = *text;
	size_t i, j;

	for (i = 0; i < *len && !s->failed; i++) {
		size_t end = 0;
		char *tok;
		const char *v;

		if (i > 0 && (tokch((unsigned char)t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '-'))
			continue;
		for (j = 0; prefixes[j]; j++)
			if (strncmp(t + i, prefixes[j], strlen(prefixes[j])) == 0) {
				end = i + strlen(prefixes[j]);
				if (end >= *len || !isalpha((unsigned char)t[end])) {
					end = 0;
					continue;
				}
				while (end < *len && tokch((unsigned char)t[end]))
					end++;
				break;
			}
		for (j = 0; !end && words[j]; j++)
			if (strncmp(t + i, words[j], strlen(words[j])) == 0 &&
			    !tokch((unsigned char)t[i + strlen(words[j])]))
				end = i + strlen(words[j]);
		if (!end)
			continue;
		tok = fr_xstrndup(t + i, end - i);
		if ((v = secret_for(s, tok)) != NULL)
			edit_add(&e, i, end, v);
		free(tok);
		i = end - 1;
	}
	edits_apply(&e, text, len);
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static void walk_secrets(struct secrets *s, const struct fr_node *n, struct edits *e)
{
	size_t i;

	if (n == NULL || s->failed)
		return;
	if (n->kind == FR_NODE_MAP)
		for (i = 0; i < n->n; i++) {
			const struct fr_node *k = n->keys[i], *v = n->items[i];
			const char *val = fr_node_str(v), *secret = NULL;
			char *label;

			if (fr_node_is_scalar(k) && val && *val && !strstr(val, "{{") && !strstr(val, "${") &&
			    !is_generated(s->c, val)) {
				if (in_list(k->str, keyed_secrets)) {
					secret = secret_for(s, k->str);
				} else if (in_list(k->str, valued_secrets)) {
					/* one secret per old value, whatever key holds it */
					label = fr_xasprintf("'%s'", val);
					secret = secret_for(s, label);
					free(label);
				}
				if (secret)
					edit_add(e, v->start, v->end, secret);
			}
			walk_secrets(s, v, e);
		}
	else if (n->kind == FR_NODE_SEQ)
		for (i = 0; i < n->n; i++)
			walk_secrets(s, n->items[i], e);
}

static int generate_secrets(struct fr_configure *c, char **text, size_t *len, struct fr_err *err)
{
	struct secrets s = { c, err, 0 };
	struct fr_node *root;
	struct edits e = { 0 };
	size_t i;
	int r;

	replace_tokens(&s, text, len);
	if (s.failed)
		return FR_ECRYPTO;
	if ((r = parse(*text, *len, &root, err)) < 0)
		return r;
	walk_secrets(&s, root, &e);
	fr_node_free(root);
	edits_apply(&e, text, len);
	if (s.failed)
		return FR_ECRYPTO;
	/* a credential the template leaves to its default gets a secret too */
	for (i = 0; keyed_secrets[i]; i++) {
		struct fr_node *vars;
		const char *v;
		int done;

		if ((r = parse(*text, *len, &root, err)) < 0)
			return r;
		vars = fr_node_get(fr_node_get(root, "all"), "vars");
		v = fr_node_str(fr_node_get(vars, keyed_secrets[i]));
		done = v && is_generated(c, v);
		fr_node_free(root);
		if (done)
			continue;
		{
			const char *sec = secret_for(&s, keyed_secrets[i]);

			if (sec == NULL)
				return FR_ECRYPTO;
			if ((r = set_global(text, len, keyed_secrets[i], sec, NULL, err)) < 0)
				return r;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ rendering */

/* Replace every value of key equal to from, anywhere in the tree, by to. */
static void replace_values(const struct fr_node *n, const char *key, const char *from, const char *to,
			   struct edits *e)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->kind == FR_NODE_MAP && fr_node_is_scalar(n->keys[i]) && strcmp(n->keys[i]->str, key) == 0 &&
		    fr_node_str(n->items[i]) && strcmp(n->items[i]->str, from) == 0)
			edit_add(e, n->items[i]->start, n->items[i]->end, to);
		replace_values(n->items[i], key, from, to, e);
	}
}

static int tune_tiny(struct fr_configure *c, char **text, size_t *len, struct fr_err *err)
{
	struct fr_node *root;
	struct edits e = { 0 };
	int r;

	if ((r = parse(*text, *len, &root, err)) < 0)
		return r;
	replace_values(root, "pg_conf", "oltp.yml", "tiny.yml", &e);
	replace_values(root, "node_tune", "oltp", "tiny", &e);
	fr_node_free(root);
	edits_apply(&e, text, len);
	if ((r = set_global(text, len, "node_tune", "tiny", NULL, err)) < 0 ||
	    (r = set_global(text, len, "pg_conf", "tiny.yml", "node_tune", err)) < 0)
		return r;
	note(&c->notes, &c->nnotes, "fewer than 4 vCPUs: node_tune tiny, pg_conf tiny.yml");
	return 0;
}

/* Rewrite package aliases pg<old>- to pg<new>- (pg18-main -> pg16-main). */
static void rewrite_aliases(char **text, size_t *len, int from, int to)
{
	char a[16], b[16];
	struct edits e = { 0 };
	size_t i, n;

	snprintf(a, sizeof(a), "pg%d-", from);
	snprintf(b, sizeof(b), "pg%d-", to);
	n = strlen(a);
	for (i = 0; i + n <= *len; i++)
		if (strncmp(*text + i, a, n) == 0 && (i == 0 || !tokch((unsigned char)(*text)[i - 1])))
			edit_add(&e, i, i + n, b);
	edits_apply(&e, text, len);
}

static int proxy_block(struct fr_configure *c, char **text, size_t *len, struct fr_err *err)
{
	struct fr_buf v = FR_BUF_INIT;
	const char *names[] = { "http_proxy", "https_proxy", "all_proxy", "no_proxy" };
	const char *vals[] = { c->http_proxy, c->https_proxy, c->all_proxy, c->no_proxy };
	size_t i;
	int r, any = 0;

	if ((vals[0] && *vals[0]) || (vals[1] && *vals[1]) || (vals[2] && *vals[2])) {
		if (vals[3] == NULL || !*vals[3])
			vals[3] = FR_DEFAULT_NO_PROXY;
	} else
		vals[3] = NULL;
	fr_buf_adds(&v, "{ ");
	for (i = 0; i < 4; i++) {
		if (vals[i] == NULL || !*vals[i])
			continue;
		fr_buf_addf(&v, "%s%s: ", any ? ", " : "", names[i]);
		fr_buf_add_json_str(&v, vals[i]);
		any = 1;
	}
	fr_buf_adds(&v, any ? " }" : "}");
	if (!any) {
		note(&c->warnings, &c->nwarnings,
		     "-x: no HTTP_PROXY, HTTPS_PROXY or ALL_PROXY in the environment; proxy_env left as it was");
		fr_buf_release(&v);
		return 0;
	}
	r = set_global(text, len, "proxy_env", v.buf, "region", err);
	if (r == FR_EARG) {
		/* a block-style proxy_env: rewrite its keys one by one */
		struct fr_node *root;
		struct edits e = { 0 };
		const struct fr_node *pe;

		if ((r = parse(*text, *len, &root, err)) < 0)
			goto out;
		pe = fr_node_get(fr_node_get(fr_node_get(root, "all"), "vars"), "proxy_env");
		for (i = 0, r = 0; i < 4 && r == 0; i++) {
			struct fr_buf s = FR_BUF_INIT;

			if (vals[i] == NULL || !*vals[i])
				continue;
			fr_buf_add_json_str(&s, vals[i]);
			r = set_key(*text, *len, pe, "proxy_env", names[i], s.buf, NULL, &e, err);
			fr_buf_release(&s);
		}
		fr_node_free(root);
		edits_apply(&e, text, len);
	}
	if (r == 0 && any)
		note(&c->notes, &c->nnotes, "proxy_env written from the environment");
out:
	fr_buf_release(&v);
	return r;
}

int fr_template_pg_version(const char *text, size_t len, struct fr_err *err)
{
	struct fr_node *root;
	long long v;

	if (parse(text, len, &root, err) < 0)
		return -1;
	/* a template without pg_version gets the parameter table's default, as an inventory would */
	if (!fr_node_int(fr_node_get(fr_node_get(fr_node_get(root, "all"), "vars"), "pg_version"), &v) &&
	    !fr_node_int(fr_param_find("pg_version")->def, &v))
		v = FR_PG_VERSION_MAX;
	fr_node_free(root);
	return (int)v;
}

static int map_addresses(struct fr_configure *c, char **text, size_t *len, struct fr_err *err)
{
	char **tips = NULL;
	size_t ntips = 0, i, n;
	int r, has_placeholder = 0;

	if ((r = fr_template_nodes(*text, *len, &tips, &ntips, err)) < 0)
		return r;
	for (i = 0; i < ntips; i++)
		if (strcmp(tips[i], FR_PLACEHOLDER_IP) == 0)
			has_placeholder = 1;
	if (c->nnodes) {
		struct fr_buf list = FR_BUF_INIT;

		for (i = 0; i < ntips; i++)
			fr_buf_addf(&list, "%s%s", i ? ", " : "", tips[i]);
		if (c->nnodes != ntips) {
			r = fr_err_set(err, FR_EARG, "template '%s' has %zu node%s (%s); --nodes gave %zu",
				       c->template_name, ntips, ntips == 1 ? "" : "s", list.buf, c->nnodes);
			fr_buf_release(&list);
			goto out;
		}
		fr_buf_release(&list);
		n = replace_ips(text, len, (const char *const *)tips, c->nodes, ntips);
		for (i = 0; i < ntips; i++)
			note(&c->notes, &c->nnotes, "node %s -> %s", tips[i], c->nodes[i]);
		(void)n;
	} else if (c->primary_ip) {
		const char *from[] = { FR_PLACEHOLDER_IP }, *to[] = { c->primary_ip };

		if (!has_placeholder)
			note(&c->warnings, &c->nwarnings, "template has no node %s to replace with %s",
			     FR_PLACEHOLDER_IP, c->primary_ip);
		n = replace_ips(text, len, from, to, 1);
		if (n)
			note(&c->notes, &c->nnotes, "%s -> %s (%zu place%s)", FR_PLACEHOLDER_IP, c->primary_ip, n,
			     n == 1 ? "" : "s");
		if (ntips > 1) {
			struct fr_buf rest = FR_BUF_INIT;

			for (i = 0; i < ntips; i++)
				if (strcmp(tips[i], FR_PLACEHOLDER_IP) != 0)
					fr_buf_addf(&rest, "%s%s", rest.len ? ", " : "", tips[i]);
			note(&c->warnings, &c->nwarnings,
			     "template has %zu nodes; %s kept as they are: pass --nodes to fill them", ntips, rest.buf);
			fr_buf_release(&rest);
		}
	}
	r = 0;
out:
	fr_strv_free(tips, ntips);
	return r;
}

static int validate(const char *text, size_t len, struct fr_err *err)
{
	struct fr_inventory *inv = NULL;
	int r = 0;

	if ((r = fr_inv_load_text("inventory", text, len, &inv, err)) < 0)
		return r;
	if (fr_inv_validate(inv) > 0) {
		size_t i;

		for (i = 0; i < inv->diags.n; i++)
			if (inv->diags.v[i].sev == FR_SEV_ERROR)
				break;
		r = fr_err_set(err, FR_EINVALID, "%d:%d: %s: %s", inv->diags.v[i].line, inv->diags.v[i].col,
			       inv->diags.v[i].param ? inv->diags.v[i].param : "inventory", inv->diags.v[i].msg);
	}
	fr_inv_free(inv);
	return r;
}

int fr_secret_value_ok(const char *v)
{
	size_t n = strlen(v), i;

	if (n < 8 || n > 128)
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      strchr("._~-", v[i])))
			return 0;
	return 1;
}

int fr_configure_render(struct fr_configure *c, struct fr_err *err)
{
	char *text = NULL, num[32];
	size_t len = 0, gi;
	int r, tver;

	for (gi = 0; gi < c->ngiven; gi++)
		if (!fr_secret_value_ok(c->given[gi].value))
			return fr_err_set(err, FR_EARG, "the credential for '%s' must be 8-128 characters of A-Z a-z 0-9 . _ ~ -",
					  c->given[gi].name);

	if ((r = fr_template_load(c->conf, &text, &len, &c->template_name, err)) < 0)
		return r;
	if ((r = validate(text, len, err)) < 0)
		goto out;
	if ((tver = fr_template_pg_version(text, len, err)) < 0) {
		r = FR_EINVALID;
		goto out;
	}
	c->effective_version = c->pg_version ? c->pg_version : tver;
	if ((r = map_addresses(c, &text, &len, err)) < 0)
		goto out;
	if (c->region && (r = set_global(&text, &len, "region", c->region, "admin_ip", err)) < 0)
		goto out;
	if (c->region)
		note(&c->notes, &c->nnotes, "region %s", c->region);
	if (c->pg_version) {
		snprintf(num, sizeof(num), "%d", c->pg_version);
		if ((r = set_global(&text, &len, "pg_version", num, "region", err)) < 0)
			goto out;
		if (c->pg_version != tver)
			rewrite_aliases(&text, &len, tver, c->pg_version);
		note(&c->notes, &c->nnotes, "pg_version %d", c->pg_version);
	}
	if (c->effective_version >= 17) {
		if ((r = set_global(&text, &len, "pg_locale", "C.UTF-8", "pg_version", err)) < 0 ||
		    (r = set_global(&text, &len, "pg_lc_collate", "C.UTF-8", "pg_locale", err)) < 0 ||
		    (r = set_global(&text, &len, "pg_lc_ctype", "C.UTF-8", "pg_lc_collate", err)) < 0)
			goto out;
		note(&c->notes, &c->nnotes, "PostgreSQL %d: locale C.UTF-8", c->effective_version);
	}
	if (c->tiny && (r = tune_tiny(c, &text, &len, err)) < 0)
		goto out;
	if (c->proxy && (r = proxy_block(c, &text, &len, err)) < 0)
		goto out;
	if (c->ssh_port) {
		snprintf(num, sizeof(num), "%d", c->ssh_port);
		if ((r = set_global(&text, &len, "ansible_port", num, "admin_ip", err)) < 0)
			goto out;
		note(&c->notes, &c->nnotes, "SSH port %d", c->ssh_port);
	}
	if (c->generate) {
		if ((r = generate_secrets(c, &text, &len, err)) < 0)
			goto out;
		/* every credential the user chose must have found its place */
		for (gi = 0; gi < c->ngiven; gi++) {
			size_t k;
			int used = 0;

			for (k = 0; k < c->nsecrets; k++)
				used |= strcmp(c->secrets[k].value, c->given[gi].value) == 0;
			if (!used) {
				r = fr_err_set(err, FR_EARG, "'%s' is not a credential of template '%s'", c->given[gi].name,
					       c->conf);
				goto out;
			}
		}
		if (c->ngiven)
			note(&c->notes, &c->nnotes, "%zu credentials set, %zu chosen by you", c->nsecrets, c->ngiven);
		else
			note(&c->notes, &c->nnotes, "%zu credentials generated", c->nsecrets);
	}
	if ((r = validate(text, len, err)) < 0) {
		char *m = fr_xstrdup(err->msg);

		fr_err_set(err, r, "as rendered: %s", m);
		free(m);
		goto out;
	}
	c->text = text;
	c->len = len;
	text = NULL;
out:
	free(text);
	return r;
}

void fr_configure_release(struct fr_configure *c)
{
	size_t i;

	for (i = 0; i < c->nsecrets; i++) {
		OPENSSL_cleanse(c->secrets[i].value, strlen(c->secrets[i].value));
		free(c->secrets[i].name);
		free(c->secrets[i].value);
	}
	free(c->secrets);
	fr_strv_free(c->notes, c->nnotes);
	fr_strv_free(c->warnings, c->nwarnings);
	fr_wipe(c->text, c->len);
	free(c->text);
	free(c->template_name);
	c->secrets = NULL;
	c->notes = c->warnings = NULL;
	c->text = c->template_name = NULL;
	c->nsecrets = c->nnotes = c->nwarnings = 0;
}
