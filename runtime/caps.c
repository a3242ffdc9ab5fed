/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities and process.user: the identity switch of the container process.
 *
 * Order (each step needs the privileges the next one gives up):
 *   1. drop from the bounding set every cap not listed in bounding (needs CAP_SETPCAP);
 *   2. PR_SET_KEEPCAPS=1 so setresuid away from 0 keeps the permitted set;
 *   3. setgroups(additionalGids), setresgid, setresuid (need CAP_SETGID/CAP_SETUID);
 *   4. PR_SET_KEEPCAPS=0;
 *   5. capset effective/permitted/inheritable exactly as listed. The inheritable set is
 *      exactly what is named, never "whatever the runtime had" (CVE-2022-29162);
 *   6. ambient: clear all, then raise each listed cap;
 *   7. umask, when process.user.umask is given.
 * Caps the runtime itself does not have (not in its bounding set at entry, e.g. CAP_SYS_RESOURCE
 * on a VM that withholds it, or caps newer than the kernel) cannot be granted: they are skipped
 * with one warning line, as runtime-spec asks ("SHOULD NOT fail") and runc does — podman
 * --privileged lists all 41. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "caps.h"

#define CAPS_PATH ".process.capabilities"

static int last_cap(void)
{
	/* libcap probes the running kernel (PR_CAPBSET_READ) for this; masks here are 64 bit. */
	int n = cap_max_bits();
	if (n <= 0)
		n = CAP_LAST_CAP + 1;
	return n > 64 ? 63 : n - 1;
}

int caps_from_name(const char *name)
{
	/* Only the capabilities(7) spelling: libcap would also take "21" or "cap_chown". */
	if (!name || strncmp(name, "CAP_", 4) != 0 || !name[4])
		return -EINVAL;
	for (const char *c = name + 4; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return -EINVAL;
	cap_value_t v;
	if (cap_from_name(name, &v) < 0 || v < 0)
		return -EINVAL;
	if (v > last_cap())
		return -ERANGE;
	return (int)v;
}

struct cap_set_def {
	const char *key; /* JSON key */
	char **names;
	size_t n;
};

static void sets_of(const struct oci_capabilities *c, struct cap_set_def out[5])
{
	out[0] = (struct cap_set_def){"bounding", c->bounding, c->n_bounding};
	out[1] = (struct cap_set_def){"effective", c->effective, c->n_effective};
	out[2] = (struct cap_set_def){"inheritable", c->inheritable, c->n_inheritable};
	out[3] = (struct cap_set_def){"permitted", c->permitted, c->n_permitted};
	out[4] = (struct cap_set_def){"ambient", c->ambient, c->n_ambient};
}

int caps_validate(const struct oci_capabilities *c, const char *file, hull_err *e)
{
	if (!c)
		return 0;
	struct cap_set_def sets[5];
	sets_of(c, sets);
	for (int s = 0; s < 5; s++)
		for (size_t i = 0; i < sets[s].n; i++)
			if (caps_from_name(sets[s].names[i]) == -EINVAL)
				return herr_set(e, -EINVAL, "%s%s%s.%s[%zu]: unknown capability \"%s\"", file ? file : "",
						file ? ": " : "", CAPS_PATH, sets[s].key, i,
						sets[s].names[i] ? sets[s].names[i] : "");
	return 0;
}

/* Whether " word" is already in the space-separated list. */
static bool word_listed(const struct strbuf *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list->buf; p && (p = strstr(p, word)); p += n)
		if (p > list->buf && p[-1] == ' ' && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* Caps named in one set, as a mask of those we can grant; the others are added to `skipped`
 * (a mask of ungrantable known caps) or to the `unknown_names` text. */
static int set_mask(const struct cap_set_def *s, uint64_t avail, uint64_t *mask, uint64_t *skipped,
		    struct strbuf *unknown_names, hull_err *e)
{
	*mask = 0;
	for (size_t i = 0; i < s->n; i++) {
		int v = caps_from_name(s->names[i]);
		if (v == -EINVAL)
			return herr_set(e, -EINVAL, "%s.%s[%zu]: unknown capability \"%s\"", CAPS_PATH, s->key, i,
					s->names[i] ? s->names[i] : "");
		if (v == -ERANGE) { /* newer than this kernel */
			if (!word_listed(unknown_names, s->names[i]))
				sb_appendf(unknown_names, " %s", s->names[i]);
			continue;
		}
		uint64_t bit = UINT64_C(1) << v;
		if (!(avail & bit)) {
			*skipped |= bit;
			continue;
		}
		*mask |= bit;
	}
	return 0;
}

/* "CAP_SYS_RESOURCE" for 24 (libcap spells it lower case and allocates it its own way). */
static void cap_name(int v, char *buf, size_t len)
{
	char *n = cap_to_name(v);
	if (!n) {
		snprintf(buf, len, "%d", v);
		return;
	}
	size_t i = 0;
	for (; n[i] && i + 1 < len; i++)
		buf[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 'a' + 'A' : n[i]);
	buf[i] = '\0';
	cap_free(n);
}

static void warn_skipped(uint64_t skipped, const struct strbuf *unknown_names)
{
	if (!skipped && !unknown_names->len)
		return;
	struct strbuf sb = {0};
	sb_append(&sb, "");
	for (int v = 0; v < 64; v++) {
		if (!(skipped & (UINT64_C(1) << v)))
			continue;
		char n[64];
		cap_name(v, n, sizeof n);
		sb_appendf(&sb, " %s", n);
	}
	hull_warn("ignoring capabilities the runtime does not have:%s%s", sb.buf,
		  unknown_names->buf ? unknown_names->buf : "");
	sb_free(&sb);
}

/* Whether /proc/self/setgroups says "deny" (a user namespace that forbids setgroups). */
static bool setgroups_denied(void)
{
	_cleanup_fd_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char buf[16] = {0};
	ssize_t n = read(fd, buf, sizeof buf - 1);
	return n > 0 && strncmp(buf, "deny", 4) == 0;
}

static int switch_identity(const struct oci_user *u, bool userns, hull_err *e)
{
	if (!u)
		return 0;
	_cleanup_free_ gid_t *gids = xcalloc(u->n_additional_gids ? u->n_additional_gids : 1, sizeof *gids);
	for (size_t i = 0; i < u->n_additional_gids; i++)
		gids[i] = (gid_t)u->additional_gids[i];
	/* With no additionalGids this clears the runtime's own supplementary groups. */
	if (setgroups(u->n_additional_gids, gids) < 0) {
		if (errno != EPERM || !setgroups_denied())
			return herr_sys(e, "setgroups (process.user.additionalGids)");
		/* A user namespace with setgroups "deny" (rootless without a helper): there is
		 * nothing to clear, but requested groups cannot be honoured. */
		if (u->n_additional_gids > 0)
			return herr_set(e, -EPERM,
					"process.user.additionalGids: cannot set supplementary groups: setgroups is denied "
					"in this user namespace");
		hull_debug("setgroups denied in this user namespace: supplementary groups left as they are");
	}
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return herr_sys(e, "setresgid(%u)%s", u->gid, userns && errno == EINVAL ? " (gid not mapped)" : "");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return herr_sys(e, "setresuid(%u)%s", u->uid, userns && errno == EINVAL ? " (uid not mapped)" : "");
	return 0;
}

static int set_caps(uint64_t eff, uint64_t prm, uint64_t inh, hull_err *e)
{
	cap_t c = cap_init(); /* all clear */
	if (!c)
		return herr_sys(e, "cap_init");
	for (int v = 0; v < 64; v++) {
		cap_value_t one[1] = {v};
		uint64_t bit = UINT64_C(1) << v;
		if ((eff & bit) && cap_set_flag(c, CAP_EFFECTIVE, 1, one, CAP_SET) < 0)
			goto fail;
		if ((prm & bit) && cap_set_flag(c, CAP_PERMITTED, 1, one, CAP_SET) < 0)
			goto fail;
		if ((inh & bit) && cap_set_flag(c, CAP_INHERITABLE, 1, one, CAP_SET) < 0)
			goto fail;
	}
	if (cap_set_proc(c) < 0)
		goto fail;
	cap_free(c);
	return 0;
fail:;
	int r = herr_sys(e, "capset (effective %#llx, permitted %#llx, inheritable %#llx)", (unsigned long long)eff,
			 (unsigned long long)prm, (unsigned long long)inh);
	cap_free(c);
	return r;
}

static int set_ambient(uint64_t amb, uint64_t prm, uint64_t inh, hull_err *e)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		/* Kernels before 4.3 have no ambient set: nothing to clear, nothing to raise. */
		if (errno == EINVAL && amb == 0)
			return 0;
		return herr_sys(e, "clear the ambient capability set");
	}
	for (int v = 0; v < 64; v++) {
		uint64_t bit = UINT64_C(1) << v;
		if (!(amb & bit))
			continue;
		/* The kernel keeps ambient within permitted & inheritable. runc ignores (with a
		 * warning) ambient caps not also inheritable, and configs rely on it. */
		if (!(prm & inh & bit)) {
			char n[64];
			cap_name(v, n, sizeof n);
			hull_warn("ambient capability %s is not both permitted and inheritable: ignored", n);
			continue;
		}
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)v, 0, 0) < 0)
			return herr_sys(e, "raise ambient capability %d", v);
	}
	return 0;
}

int caps_apply_user(const struct oci_capabilities *c, const struct oci_user *u, bool userns, hull_err *e)
{
	int last = last_cap();
	uint64_t avail = 0; /* what this process can still grant: its bounding set */
	for (int v = 0; v <= last; v++)
		if (prctl(PR_CAPBSET_READ, (unsigned long)v, 0, 0, 0) == 1)
			avail |= UINT64_C(1) << v;

	uint64_t bnd = 0, eff = 0, inh = 0, prm = 0, amb = 0, skipped = 0;
	struct strbuf unknown = {0};
	if (c) {
		struct cap_set_def sets[5];
		sets_of(c, sets);
		uint64_t *masks[5] = {&bnd, &eff, &inh, &prm, &amb};
		for (int s = 0; s < 5; s++) {
			int r = set_mask(&sets[s], avail, masks[s], &skipped, &unknown, e);
			if (r < 0) {
				sb_free(&unknown);
				return r;
			}
		}
	}
	warn_skipped(skipped, &unknown);
	sb_free(&unknown);
	/* The kernel refuses these at capset time with a bare EPERM: say what is wrong. */
	if (eff & ~prm)
		return herr_set(e, -EPERM, "%s.effective: capabilities %#llx are not in the permitted set", CAPS_PATH,
				(unsigned long long)(eff & ~prm));
	if (inh & ~bnd)
		return herr_set(e, -EPERM, "%s.inheritable: capabilities %#llx are not in the bounding set", CAPS_PATH,
				(unsigned long long)(inh & ~bnd));

	for (int v = 0; v <= last; v++) {
		uint64_t bit = UINT64_C(1) << v;
		if ((avail & bit) && !(bnd & bit) && prctl(PR_CAPBSET_DROP, (unsigned long)v, 0, 0, 0) < 0)
			return herr_sys(e, "drop capability %d from the bounding set", v);
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return herr_sys(e, "prctl(PR_SET_KEEPCAPS, 1)");
	int r = switch_identity(u, userns, e);
	if (r < 0)
		return r;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return herr_sys(e, "prctl(PR_SET_KEEPCAPS, 0)");
	if ((r = set_caps(eff, prm, inh, e)) < 0)
		return r;
	if ((r = set_ambient(amb, prm, inh, e)) < 0)
		return r;
	/* runtime-spec: without umask, "the umask should not be changed". */
	if (u && u->has_umask)
		umask((mode_t)(u->umask & 07777));
	hull_debug("identity: uid %u gid %u, caps bnd %#llx eff %#llx prm %#llx inh %#llx amb %#llx", u ? u->uid : 0,
		   u ? u->gid : 0, (unsigned long long)bnd, (unsigned long long)eff, (unsigned long long)prm,
		   (unsigned long long)inh, (unsigned long long)amb);
	return 0;
}
