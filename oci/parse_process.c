/* SPDX-License-Identifier: Apache-2.0 */
/* The "process" object of config.json, also the whole of an exec --process process.json. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../common/util.h"
#include "json.h"
#include "tables.h"

/* Environment entries as runc checks them: "NAME=value" with a non-empty NAME. */
static int check_env(struct jp *p, char **env, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(env[i], '=');
		const char *why = !eq ? "missing '='" : eq == env[i] ? "empty name" : NULL;
		if (why) {
			size_t o = jp_idx(p, i);
			int r = jp_err(p, "invalid environment variable \"%s\": %s", env[i], why);
			jp_pop(p, o);
			return r;
		}
	}
	return 0;
}

int oci_parse_env(struct jp *p, yajl_val obj, const char *key, char ***env, size_t *n)
{
	int r = jf_strv(p, obj, key, env, n);
	if (r <= 0)
		return r;
	size_t o = jp_key(p, key);
	int c = check_env(p, *env, *n);
	jp_pop(p, o);
	return c < 0 ? c : 1;
}

static int parse_console_size(struct jp *p, yajl_val v, void *out)
{
	struct oci_process *proc = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	/* struct winsize holds unsigned short */
	uint64_t h = 0, w = 0;
	REQ(p, jf_u64(p, v, "height", USHRT_MAX, &h), "height");
	REQ(p, jf_u64(p, v, "width", USHRT_MAX, &w), "width");
	proc->has_console_size = true;
	proc->console_height = (unsigned)h;
	proc->console_width = (unsigned)w;
	return 0;
}

static int parse_u32_elem(struct jp *p, yajl_val v, void *out)
{
	uint64_t u = 0;
	TRY(jp_u64(p, v, UINT32_MAX, &u));
	*(uint32_t *)out = (uint32_t)u;
	return 0;
}

static int parse_user(struct jp *p, yajl_val v, void *out)
{
	struct oci_user *u = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	/* uid/gid default to 0 when absent, like runc (the schema does not require them). */
	TRY(jf_u32(p, v, "uid", &u->uid));
	TRY(jf_u32(p, v, "gid", &u->gid));
	uint64_t umask = 0;
	int r = jf_u64(p, v, "umask", 0777, &umask);
	TRY(r);
	if (r) {
		u->has_umask = true;
		u->umask = (uint32_t)umask;
	}
	TRY(jf_array(p, v, "additionalGids", sizeof(uint32_t), &u->additional_gids, &u->n_additional_gids,
		     parse_u32_elem));
	yajl_val name = jv_get(v, "username");
	if (name && !(name->type == yajl_t_string && !name->u.string[0]))
		return jp_err_at(p, "username", "not supported on linux");
	return 0;
}

static int check_caps(struct jp *p, char **caps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (oci_cap_from_name(caps[i]) < 0) {
			size_t o = jp_idx(p, i);
			int r = jp_err(p, "unknown capability \"%s\"", caps[i]);
			jp_pop(p, o);
			return r;
		}
	}
	return 0;
}

static int parse_cap_set(struct jp *p, yajl_val obj, const char *key, char ***set, size_t *n)
{
	int r = jf_strv(p, obj, key, set, n);
	if (r <= 0)
		return r;
	size_t o = jp_key(p, key);
	r = check_caps(p, *set, *n);
	jp_pop(p, o);
	return r;
}

static int parse_caps(struct jp *p, yajl_val v, void *out)
{
	struct oci_process *proc = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	struct oci_capabilities *c = xcalloc(1, sizeof *c);
	proc->capabilities = c;
	TRY(parse_cap_set(p, v, "bounding", &c->bounding, &c->n_bounding));
	TRY(parse_cap_set(p, v, "effective", &c->effective, &c->n_effective));
	TRY(parse_cap_set(p, v, "inheritable", &c->inheritable, &c->n_inheritable));
	TRY(parse_cap_set(p, v, "permitted", &c->permitted, &c->n_permitted));
	TRY(parse_cap_set(p, v, "ambient", &c->ambient, &c->n_ambient));
	return 0;
}

static int parse_rlimit(struct jp *p, yajl_val v, void *out)
{
	struct oci_rlimit *rl = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_str(p, v, "type", &rl->type), "type");
	const struct oci_enum *m = oci_enum_find(oci_rlimit_enum, rl->type);
	if (!m)
		return jp_err_at(p, "type", "unknown rlimit \"%s\"", rl->type);
	rl->resource = m->value;
	REQ(p, jf_u64(p, v, "soft", UINT64_MAX, &rl->soft), "soft");
	REQ(p, jf_u64(p, v, "hard", UINT64_MAX, &rl->hard), "hard");
	/* setrlimit(2) would fail with EINVAL; say why now. */
	if (rl->soft > rl->hard)
		return jp_err_at(p, "soft", "soft limit %" PRIu64 " is above the hard limit %" PRIu64, rl->soft,
				 rl->hard);
	return 0;
}

static int parse_rlimits(struct jp *p, yajl_val v, void *out)
{
	struct oci_process *proc = out;
	TRY(jp_array(p, v, sizeof *proc->rlimits, &proc->rlimits, &proc->n_rlimits, parse_rlimit));
	for (size_t j = 1; j < proc->n_rlimits; j++)
		for (size_t i = 0; i < j; i++)
			if (proc->rlimits[i].resource == proc->rlimits[j].resource) {
				size_t o = jp_idx(p, j);
				int r = jp_err_at(p, "type", "duplicate rlimit \"%s\"", proc->rlimits[j].type);
				jp_pop(p, o);
				return r;
			}
	return 0;
}

static int parse_io_priority(struct jp *p, yajl_val v, void *out)
{
	struct oci_io_priority *io = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_enum(p, v, "class", oci_ioprio_class_enum, "I/O priority class", &io->class), "class");
	/* 0 (highest) .. 7 (lowest) */
	TRY(jf_int(p, v, "priority", 0, 7, &io->priority));
	io->present = true;
	return 0;
}

static int parse_sched_flags(struct jp *p, yajl_val v, void *out)
{
	struct oci_scheduler *s = out;
	if (!v || v->type != yajl_t_array)
		return jp_err(p, "expected array of strings, got %s", jv_type_name(v));
	for (size_t i = 0; i < v->u.array.len; i++) {
		int bit = 0;
		size_t o = jp_idx(p, i);
		int r = jp_enum(p, v->u.array.values[i], oci_sched_flag_enum, "scheduler flag", &bit);
		jp_pop(p, o);
		TRY(r);
		s->flags |= (unsigned)bit;
	}
	return 0;
}

static int parse_scheduler(struct jp *p, yajl_val v, void *out)
{
	struct oci_scheduler *s = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_enum(p, v, "policy", oci_sched_policy_enum, "scheduler policy", &s->policy), "policy");
	/* sched_setattr(2) rejects nice values outside -20..19 */
	TRY(jf_int(p, v, "nice", -20, 19, &s->nice));
	TRY(jf_int(p, v, "priority", INT32_MIN, INT32_MAX, &s->priority));
	TRY(jf_sub(p, v, "flags", parse_sched_flags, s));
	TRY(jf_u64(p, v, "runtime", UINT64_MAX, &s->runtime));
	TRY(jf_u64(p, v, "deadline", UINT64_MAX, &s->deadline));
	TRY(jf_u64(p, v, "period", UINT64_MAX, &s->period));
	s->present = true;
	return 0;
}

static int parse_cpu_list_field(struct jp *p, yajl_val obj, const char *key, char **out)
{
	int r = jf_str(p, obj, key, out);
	if (r > 0 && !oci_is_cpu_list(*out))
		return jp_err_at(p, key, "invalid CPU list \"%s\" (expected e.g. \"0-3,7\")", *out);
	return r;
}

static int parse_exec_cpu_affinity(struct jp *p, yajl_val v, void *out)
{
	struct oci_exec_cpu_affinity *a = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	TRY(parse_cpu_list_field(p, v, "initial", &a->initial));
	TRY(parse_cpu_list_field(p, v, "final", &a->final));
	return 0;
}

int oci_parse_process_obj(struct jp *p, yajl_val v, void *out)
{
	struct oci_process *proc = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));

	yajl_val cl = jv_get(v, "commandLine");
	if (cl && !(cl->type == yajl_t_string && !cl->u.string[0]))
		return jp_err_at(p, "commandLine", "not supported on linux");

	TRY(jf_bool(p, v, "terminal", &proc->terminal));
	TRY(jf_sub(p, v, "consoleSize", parse_console_size, proc));
	TRY(jf_sub(p, v, "user", parse_user, &proc->user));

	/* args: at least one entry is REQUIRED on non-Windows platforms */
	REQ(p, jf_strv(p, v, "args", &proc->args, &proc->n_args), "args");
	if (proc->n_args == 0)
		return jp_err_at(p, "args", "must contain at least one entry");
	if (!proc->args[0][0]) {
		size_t o = jp_key(p, "args");
		jp_idx(p, 0);
		int r = jp_err(p, "must not be empty");
		jp_pop(p, o);
		return r;
	}

	TRY(oci_parse_env(p, v, "env", &proc->env, &proc->n_env));
	REQ(p, jf_str(p, v, "cwd", &proc->cwd), "cwd");
	if (proc->cwd[0] != '/')
		return jp_err_at(p, "cwd", "must be an absolute path, got \"%s\"", proc->cwd);

	TRY(jf_sub(p, v, "capabilities", parse_caps, proc));
	TRY(jf_sub(p, v, "rlimits", parse_rlimits, proc));
	TRY(jf_bool(p, v, "noNewPrivileges", &proc->no_new_privileges));
	TRY(jf_str(p, v, "apparmorProfile", &proc->apparmor_profile));
	/* /proc/<pid>/oom_score_adj accepts -1000..1000 */
	int r = jf_int(p, v, "oomScoreAdj", -1000, 1000, &proc->oom_score_adj);
	TRY(r);
	proc->has_oom_score_adj = r > 0;
	TRY(jf_str(p, v, "selinuxLabel", &proc->selinux_label));
	TRY(jf_sub(p, v, "ioPriority", parse_io_priority, &proc->io_priority));
	TRY(jf_sub(p, v, "scheduler", parse_scheduler, &proc->scheduler));
	TRY(jf_sub(p, v, "execCPUAffinity", parse_exec_cpu_affinity, &proc->exec_cpu_affinity));
	return 0;
}

int oci_process_parse(const char *json, size_t len, const char *file, struct oci_process **out, hull_err *e)
{
	*out = NULL;
	if (!file)
		file = "process.json";
	yajl_val root = NULL;
	TRY(oci_json_parse(json, len, file, &root, e));
	struct jp p;
	jp_init(&p, file, NULL, e);
	struct oci_process *proc = xcalloc(1, sizeof *proc);
	int r = oci_parse_process_obj(&p, root, proc);
	yajl_tree_free(root);
	if (r < 0) {
		oci_process_free(proc);
		return r;
	}
	*out = proc;
	return 0;
}
