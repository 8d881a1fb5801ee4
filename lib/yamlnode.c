/* yamlnode.c -- a YAML document as a tree of nodes that remember their source position. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "xalloc.h"
#include "params.h"
#include "yamlnode.h"

#define MAX_DEPTH 64
#define MAX_NODES 200000 /* after alias expansion */

struct conv {
	yaml_document_t *doc;
	size_t *off; /* char index -> byte offset, NULL when the text is ASCII */
	size_t noff;
	size_t budget;
	struct fr_err *err;
};

static size_t byte_off(const struct conv *c, size_t idx)
{
	if (c->off == NULL)
		return idx;
	return idx < c->noff ? c->off[idx] : c->off[c->noff - 1];
}

static int is_match(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int digits(const char *s, int (*ok)(int))
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!ok((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int isoct(int c)
{
	return c >= '0' && c <= '7';
}

enum fr_scalar_type fr_yaml_resolve(const char *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = { "yes", "Yes", "YES", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF", NULL };
	static const char *const floats[] = { ".inf", ".Inf", ".INF", "-.inf",
		"-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN", NULL };
	const char *p = s;
	int dot = 0, dig = 0, exp = 0;

	if (is_match(s, nulls))
		return FR_SCALAR_NULL;
	if (is_match(s, bools))
		return FR_SCALAR_BOOL;
	if (is_match(s, floats))
		return FR_SCALAR_FLOAT;
	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '0' && p[1] == 'x')
		return digits(p + 2, isxdigit) ? FR_SCALAR_INT : FR_SCALAR_STR;
	if (p[0] == '0' && p[1] == 'o')
		return digits(p + 2, isoct) ? FR_SCALAR_INT : FR_SCALAR_STR;
	if (*p == '\0')
		return FR_SCALAR_STR;
	if (digits(p, isdigit) && *p != '_')
		return FR_SCALAR_INT;
	/* [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? */
	for (; *p; p++) {
		if (isdigit((unsigned char)*p) || (*p == '_' && dig && !exp))
			dig = 1;
		else if (*p == '.' && !dot && !exp)
			dot = 1;
		else if ((*p == 'e' || *p == 'E') && dig && !exp) {
			exp = 1;
			if (p[1] != '-' && p[1] != '+')
				return FR_SCALAR_STR;
			p++;
			if (!isdigit((unsigned char)p[1]))
				return FR_SCALAR_STR;
		} else
			return FR_SCALAR_STR;
	}
	return (dot && dig) ? FR_SCALAR_FLOAT : FR_SCALAR_STR;
}

static struct fr_node *conv_node(struct conv *c, int id, int depth)
{
	yaml_node_t *y = yaml_document_get_node(c->doc, id);
	struct fr_node *n;

	if (y == NULL) {
		fr_err_set(c->err, FR_ESYNTAX, "0:0: dangling node reference");
		return NULL;
	}
	if (depth > MAX_DEPTH) {
		fr_err_set(c->err, FR_ESYNTAX, "%zu:%zu: nesting deeper than %d levels",
			   y->start_mark.line + 1, y->start_mark.column + 1, MAX_DEPTH);
		return NULL;
	}
	if (c->budget == 0) {
		fr_err_set(c->err, FR_ESYNTAX, "%zu:%zu: document too large after alias expansion",
			   y->start_mark.line + 1, y->start_mark.column + 1);
		return NULL;
	}
	c->budget--;
	n = fr_xcalloc(1, sizeof(*n));
	n->line = (int)y->start_mark.line + 1;
	n->col = (int)y->start_mark.column + 1;
	n->start = byte_off(c, y->start_mark.index);
	n->end = byte_off(c, y->end_mark.index);
	if (y->tag && y->tag[0] == '!')
		n->tag = fr_xstrdup((const char *)y->tag);
	switch (y->type) {
	case YAML_SCALAR_NODE:
		n->kind = FR_NODE_SCALAR;
		n->str = fr_xstrndup((const char *)y->data.scalar.value, y->data.scalar.length);
		if (strlen(n->str) != y->data.scalar.length) {
			fr_err_set(c->err, FR_ESYNTAX, "%d:%d: NUL character in a scalar", n->line, n->col);
			fr_node_free(n);
			return NULL;
		}
		n->quoted = y->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		n->type = n->quoted ? FR_SCALAR_STR : fr_yaml_resolve(n->str);
		break;
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *it;
		size_t i = 0;

		n->kind = FR_NODE_SEQ;
		n->flow = y->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE;
		n->n = (size_t)(y->data.sequence.items.top - y->data.sequence.items.start);
		n->items = fr_xcalloc(n->n, sizeof(*n->items));
		for (it = y->data.sequence.items.start; it < y->data.sequence.items.top; it++) {
			n->items[i] = conv_node(c, *it, depth + 1);
			if (n->items[i++] == NULL) {
				fr_node_free(n);
				return NULL;
			}
		}
		break;
	}
	case YAML_MAPPING_NODE: {
		yaml_node_pair_t *pr;
		size_t i = 0;

		n->kind = FR_NODE_MAP;
		n->flow = y->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
		n->n = (size_t)(y->data.mapping.pairs.top - y->data.mapping.pairs.start);
		n->keys = fr_xcalloc(n->n, sizeof(*n->keys));
		n->items = fr_xcalloc(n->n, sizeof(*n->items));
		for (pr = y->data.mapping.pairs.start; pr < y->data.mapping.pairs.top; pr++, i++) {
			n->keys[i] = conv_node(c, pr->key, depth + 1);
			n->items[i] = n->keys[i] ? conv_node(c, pr->value, depth + 1) : NULL;
			if (n->items[i] == NULL) {
				fr_node_free(n);
				return NULL;
			}
		}
		break;
	}
	default:
		fr_err_set(c->err, FR_ESYNTAX, "%d:%d: empty node", n->line, n->col);
		fr_node_free(n);
		return NULL;
	}
	return n;
}

static size_t *char_offsets(const char *text, size_t len, size_t *count)
{
	size_t i, n = 0, *off;
	int ascii = 1;

	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii)
		return NULL;
	off = fr_xmalloc((len + 1) * sizeof(*off));
	for (i = 0; i < len; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			off[n++] = i;
	off[n++] = len;
	*count = n;
	return off;
}

struct fr_node *fr_yaml_parse(const char *text, size_t len, struct fr_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct conv c = { 0 };
	struct fr_node *root = NULL;

	if (!yaml_parser_initialize(&parser)) {
		fr_err_set(err, FR_EIO, "0:0: cannot initialise the YAML parser");
		return NULL;
	}
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_mark_t m = parser.problem_mark;

		if (parser.error == YAML_READER_ERROR) {
			/* bad bytes (invalid UTF-8, a control character): libyaml gives only their offset */
			size_t off = parser.problem_offset < len ? parser.problem_offset : len, i;

			m.line = 0;
			m.column = 0;
			for (i = 0; i < off; i++) {
				if (text[i] == '\n') {
					m.line++;
					m.column = 0;
				} else if (((unsigned char)text[i] & 0xc0) != 0x80)
					m.column++;
			}
			fr_err_set(err, FR_ESYNTAX, "%zu:%zu: %s (byte 0x%02x at offset %zu)", m.line + 1, m.column + 1,
				   parser.problem ? parser.problem : "unreadable text", off < len ? (unsigned char)text[off] : 0,
				   off);
			yaml_parser_delete(&parser);
			return NULL;
		}
		if (parser.context)
			fr_err_set(err, FR_ESYNTAX, "%zu:%zu: %s %s", m.line + 1, m.column + 1,
				   parser.problem ? parser.problem : "syntax error", parser.context);
		else
			fr_err_set(err, FR_ESYNTAX, "%zu:%zu: %s", m.line + 1, m.column + 1,
				   parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		return NULL;
	}
	if (yaml_document_get_root_node(&doc) == NULL) {
		fr_err_set(err, FR_EINVALID, "1:1: empty document");
		goto out;
	}
	c.doc = &doc;
	c.err = err;
	c.budget = MAX_NODES;
	c.off = char_offsets(text, len, &c.noff);
	root = conv_node(&c, 1, 0);
	free(c.off);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return root;
}

void fr_node_free(struct fr_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys)
			fr_node_free(n->keys[i]);
		if (n->items)
			fr_node_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->str);
	free(n->tag);
	free(n);
}

struct fr_node *fr_node_get2(const struct fr_node *map, const char *key, struct fr_node **keynode)
{
	size_t i;

	if (keynode)
		*keynode = NULL;
	if (map == NULL || map->kind != FR_NODE_MAP)
		return NULL;
	for (i = map->n; i-- > 0;)
		if (map->keys[i]->kind == FR_NODE_SCALAR && strcmp(map->keys[i]->str, key) == 0) {
			if (keynode)
				*keynode = map->keys[i];
			return map->items[i];
		}
	return NULL;
}

struct fr_node *fr_node_get(const struct fr_node *map, const char *key)
{
	return fr_node_get2(map, key, NULL);
}

int fr_node_is_map(const struct fr_node *n)
{
	return n && n->kind == FR_NODE_MAP;
}

int fr_node_is_seq(const struct fr_node *n)
{
	return n && n->kind == FR_NODE_SEQ;
}

int fr_node_is_scalar(const struct fr_node *n)
{
	return n && n->kind == FR_NODE_SCALAR;
}

int fr_node_is_null(const struct fr_node *n)
{
	return n == NULL || (n->kind == FR_NODE_SCALAR && n->type == FR_SCALAR_NULL);
}

int fr_node_int(const struct fr_node *n, long long *out)
{
	char *end, clean[64];
	size_t i, j = 0;
	long long v;
	int base = 10;
	const char *s;

	if (!fr_node_is_scalar(n) || n->type != FR_SCALAR_INT)
		return 0;
	for (i = 0; n->str[i] && j < sizeof(clean) - 1; i++)
		if (n->str[i] != '_')
			clean[j++] = n->str[i];
	clean[j] = '\0';
	s = clean;
	if ((s[0] == '0' && s[1] == 'o') || ((s[0] == '-' || s[0] == '+') && s[1] == '0' && s[2] == 'o')) {
		/* strtoll does not know 0o; rewrite as 0NNN */
		char *o = strchr(clean, 'o');

		*o = '0';
		base = 8;
	}
	errno = 0;
	v = strtoll(s, &end, base == 8 ? 8 : 0);
	if (errno || *end)
		return 0;
	*out = v;
	return 1;
}

int fr_node_bool(const struct fr_node *n, int *out)
{
	if (!fr_node_is_scalar(n) || n->type != FR_SCALAR_BOOL)
		return 0;
	*out = strchr("yYtToO", n->str[0]) != NULL && strcmp(n->str, "off") && strcmp(n->str, "Off") &&
	       strcmp(n->str, "OFF");
	return 1;
}

const char *fr_node_str(const struct fr_node *n)
{
	if (!fr_node_is_scalar(n) || n->type == FR_SCALAR_NULL)
		return NULL;
	return n->str;
}

const char *fr_node_kind_name(const struct fr_node *n)
{
	if (n == NULL)
		return "nothing";
	switch (n->kind) {
	case FR_NODE_MAP:
		return "mapping";
	case FR_NODE_SEQ:
		return "list";
	case FR_NODE_SCALAR:
		break;
	}
	switch (n->type) {
	case FR_SCALAR_NULL:
		return "null";
	case FR_SCALAR_BOOL:
		return "boolean";
	case FR_SCALAR_INT:
		return "integer";
	case FR_SCALAR_FLOAT:
		return "number";
	case FR_SCALAR_STR:
		break;
	}
	return "string";
}

void fr_node_to_json(const struct fr_node *n, struct fr_buf *out, int (*is_secret)(const char *))
{
	size_t i;
	long long v;
	int b;
	char *masked;

	if (n == NULL) {
		fr_buf_adds(out, "null");
		return;
	}
	switch (n->kind) {
	case FR_NODE_SCALAR:
		if (n->type == FR_SCALAR_NULL)
			fr_buf_adds(out, "null");
		else if (fr_node_bool(n, &b))
			fr_buf_adds(out, b ? "true" : "false");
		else if (fr_node_int(n, &v))
			fr_buf_addf(out, "%lld", v);
		else if (n->type == FR_SCALAR_FLOAT && strchr(n->str, '_') == NULL && isdigit((unsigned char)n->str[n->str[0] == '-'])
			 && strchr(n->str, 'n') == NULL && n->str[strlen(n->str) - 1] != '.')
			fr_buf_adds(out, n->str);
		else if (is_secret && (masked = fr_secret_mask_urls(n->str)) != NULL) {
			fr_buf_add_json_str(out, masked);
			free(masked);
		} else
			fr_buf_add_json_str(out, n->str);
		break;
	case FR_NODE_SEQ:
		fr_buf_addc(out, '[');
		for (i = 0; i < n->n; i++) {
			if (i)
				fr_buf_addc(out, ',');
			fr_node_to_json(n->items[i], out, is_secret);
		}
		fr_buf_addc(out, ']');
		break;
	case FR_NODE_MAP:
		fr_buf_addc(out, '{');
		for (i = 0; i < n->n; i++) {
			if (i)
				fr_buf_addc(out, ',');
			if (n->keys[i]->kind == FR_NODE_SCALAR)
				fr_buf_add_json_str(out, n->keys[i]->str);
			else {
				struct fr_buf k = FR_BUF_INIT;

				fr_node_to_flow(n->keys[i], &k, NULL);
				fr_buf_add_json_str(out, k.buf);
				fr_buf_release(&k);
			}
			fr_buf_addc(out, ':');
			if (is_secret && fr_node_is_scalar(n->keys[i]) && is_secret(n->keys[i]->str))
				fr_buf_adds(out, "\"********\"");
			else
				fr_node_to_json(n->items[i], out, is_secret);
		}
		fr_buf_addc(out, '}');
		break;
	}
}

static int needs_quotes(const struct fr_node *n)
{
	const char *p;

	if (n->str[0] == '\0')
		return 1;
	if (n->quoted && fr_yaml_resolve(n->str) != FR_SCALAR_STR)
		return 1;
	if (strchr("!&*-?:,[]{}#|>@`\"'% ", n->str[0]))
		return 1;
	for (p = n->str; *p; p++)
		if (strchr(",[]{}#\n\"'", *p) || (*p == ':' && (p[1] == ' ' || p[1] == '\0')) ||
		    (unsigned char)*p < 0x20)
			return 1;
	return p[-1] == ' ';
}

void fr_node_to_flow(const struct fr_node *n, struct fr_buf *out, int (*is_secret)(const char *))
{
	size_t i;
	char *masked;

	if (n == NULL) {
		fr_buf_adds(out, "null");
		return;
	}
	switch (n->kind) {
	case FR_NODE_SCALAR:
		if (n->type == FR_SCALAR_NULL && !n->quoted)
			fr_buf_adds(out, "null");
		else if (is_secret && (masked = fr_secret_mask_urls(n->str)) != NULL) {
			fr_buf_add_json_str(out, masked);
			free(masked);
		} else if (needs_quotes(n))
			fr_buf_add_json_str(out, n->str);
		else
			fr_buf_adds(out, n->str);
		break;
	case FR_NODE_SEQ:
		fr_buf_addc(out, '[');
		for (i = 0; i < n->n; i++) {
			fr_buf_adds(out, i ? ", " : "");
			fr_node_to_flow(n->items[i], out, is_secret);
		}
		fr_buf_addc(out, ']');
		break;
	case FR_NODE_MAP:
		fr_buf_addc(out, '{');
		for (i = 0; i < n->n; i++) {
			fr_buf_adds(out, i ? ", " : " ");
			fr_node_to_flow(n->keys[i], out, NULL);
			fr_buf_adds(out, ": ");
			if (is_secret && fr_node_is_scalar(n->keys[i]) && is_secret(n->keys[i]->str))
				fr_buf_adds(out, "********");
			else
				fr_node_to_flow(n->items[i], out, is_secret);
		}
		fr_buf_adds(out, n->n ? " }" : "}");
		break;
	}
}
