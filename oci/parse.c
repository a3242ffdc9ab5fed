/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the top level, root, mounts, hooks, annotations. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/util.h"
#include "json.h"
#include "tables.h"

/* "MAJOR.MINOR.PATCH" followed by an optional SemVer pre-release ("-dev", "-rc.1") or build
 * ("+abc") suffix. The suffix is ignored for the range check: podman and containerd send
 * "1.0.2-dev", which is a 1.0.2 config for every practical purpose. */
static bool parse_semver(const char *s, unsigned long v[3])
{
	const char *c = s;
	for (int i = 0; i < 3; i++) {
		if (*c < '0' || *c > '9')
			return false;
		if (*c == '0' && c[1] >= '0' && c[1] <= '9') /* no leading zeros */
			return false;
		char *end;
		errno = 0;
		v[i] = strtoul(c, &end, 10);
		if (errno)
			return false;
		c = end;
		if (i < 2) {
			if (*c != '.')
				return false;
			c++;
		}
	}
	if (*c == '\0')
		return true;
	if (*c != '-' && *c != '+')
		return false;
	if (!c[1])
		return false;
	for (c++; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '.' ||
		      *c == '-' || *c == '+'))
			return false;
	return true;
}

static int cmp_version(const unsigned long a[3], const unsigned long b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int check_version(struct jp *p, const char *ver)
{
	unsigned long v[3], lo[3], hi[3];
	if (!parse_semver(ver, v))
		return jp_err(p, "\"%s\" is not a valid SemVer version", ver);
	parse_semver(HULL_OCI_VERSION_MIN, lo);
	parse_semver(HULL_OCI_VERSION, hi);
	if (cmp_version(v, lo) < 0 || cmp_version(v, hi) > 0)
		return jp_err(p, "unsupported version \"%s\" (hull supports %s to %s)", ver, HULL_OCI_VERSION_MIN,
			      HULL_OCI_VERSION);
	return 0;
}

static int parse_root(struct jp *p, yajl_val v, void *out)
{
	struct oci_spec *s = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	s->has_root = true;
	REQ(p, jf_str(p, v, "path", &s->root.path), "path");
	if (!s->root.path[0])
		return jp_err_at(p, "path", "must not be empty");
	TRY(jf_bool(p, v, "readonly", &s->root.readonly));
	return 0;
}

static int parse_mount(struct jp *p, yajl_val v, void *out)
{
	struct oci_mount *m = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_str(p, v, "destination", &m->destination), "destination");
	if (!m->destination[0])
		return jp_err_at(p, "destination", "must not be empty");
	/* Relative destinations are deprecated but allowed: they are relative to "/". */
	if (m->destination[0] != '/') {
		char *abs = xasprintf("/%s", m->destination);
		free(m->destination);
		m->destination = abs;
	}
	TRY(jf_str(p, v, "type", &m->type));
	TRY(jf_str(p, v, "source", &m->source));
	TRY(jf_strv(p, v, "options", &m->options, &m->n_options));
	TRY(jf_array(p, v, "uidMappings", sizeof *m->uid_mappings, &m->uid_mappings, &m->n_uid_mappings,
		     oci_parse_idmap));
	TRY(jf_array(p, v, "gidMappings", sizeof *m->gid_mappings, &m->gid_mappings, &m->n_gid_mappings,
		     oci_parse_idmap));
	/* "If specified, it MUST be specified along with gidMappings" (and vice versa) */
	bool has_u = jv_get(v, "uidMappings") != NULL, has_g = jv_get(v, "gidMappings") != NULL;
	if (has_u != has_g)
		return jp_err_at(p, has_u ? "uidMappings" : "gidMappings", "must be given together with %s",
				 has_u ? "gidMappings" : "uidMappings");
	return 0;
}

static int parse_hook(struct jp *p, yajl_val v, void *out)
{
	struct oci_hook *h = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_str(p, v, "path", &h->path), "path");
	if (h->path[0] != '/')
		return jp_err_at(p, "path", "must be an absolute path, got \"%s\"", h->path);
	TRY(jf_strv(p, v, "args", &h->args, &h->n_args));
	TRY(oci_parse_env(p, v, "env", &h->env, &h->n_env));
	int r = jf_int(p, v, "timeout", 1, INT32_MAX, &h->timeout);
	TRY(r);
	h->has_timeout = r > 0;
	return 0;
}

static int parse_hooks(struct jp *p, yajl_val v, void *out)
{
	struct oci_hooks *hooks = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		TRY(jf_array(p, v, oci_hook_kind_name((enum oci_hook_kind)k), sizeof(struct oci_hook), &hooks->list[k],
			     &hooks->n[k], parse_hook));
	return 0;
}

static int parse_linux(struct jp *p, yajl_val v, void *out)
{
	struct oci_spec *s = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	s->linux_ = xcalloc(1, sizeof *s->linux_);
	return oci_parse_linux_obj(p, v, s->linux_);
}

static int parse_process(struct jp *p, yajl_val v, void *out)
{
	struct oci_spec *s = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	s->process = xcalloc(1, sizeof *s->process);
	return oci_parse_process_obj(p, v, s->process);
}

static const char *const other_platforms[] = {"windows", "solaris", "vm", "zos", "freebsd"};

static int parse_spec(struct jp *p, yajl_val root, struct oci_spec *s)
{
	REQ(p, jf_str(p, root, "ociVersion", &s->oci_version), "ociVersion");
	size_t o = jp_key(p, "ociVersion");
	int r = check_version(p, s->oci_version);
	jp_pop(p, o);
	TRY(r);

	for (size_t i = 0; i < sizeof other_platforms / sizeof other_platforms[0]; i++)
		if (jv_get(root, other_platforms[i]))
			return jp_err_at(p, other_platforms[i], "not supported on linux");

	TRY(jf_sub(p, root, "root", parse_root, s));
	if (!s->has_root) /* REQUIRED on every platform but Hyper-V Windows */
		return jp_missing(p, "root");
	TRY(jf_sub(p, root, "process", parse_process, s));
	TRY(jf_array(p, root, "mounts", sizeof *s->mounts, &s->mounts, &s->n_mounts, parse_mount));
	TRY(jf_str(p, root, "hostname", &s->hostname));
	TRY(jf_str(p, root, "domainname", &s->domainname));
	TRY(jf_sub(p, root, "hooks", parse_hooks, &s->hooks));
	TRY(jf_kv(p, root, "annotations", &s->annotations, &s->n_annotations));
	TRY(jf_sub(p, root, "linux", parse_linux, s));
	return 0;
}

int oci_spec_parse(const char *json, size_t len, const char *file, struct oci_spec **out, hull_err *e)
{
	*out = NULL;
	if (!file)
		file = "config.json";
	yajl_val root = NULL;
	TRY(oci_json_parse(json, len, file, &root, e));
	struct jp p;
	jp_init(&p, file, NULL, e);
	struct oci_spec *s = xcalloc(1, sizeof *s);
	int r = parse_spec(&p, root, s);
	yajl_tree_free(root);
	if (r < 0) {
		oci_spec_free(s);
		return r;
	}
	*out = s;
	return 0;
}

int oci_spec_parse_file(const char *path, struct oci_spec **out, hull_err *e)
{
	*out = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	TRY(read_file_at(AT_FDCWD, path, &buf, &len, e));
	return oci_spec_parse(buf, len, path, out, e);
}
