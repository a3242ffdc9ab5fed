/* SPDX-License-Identifier: Apache-2.0 */
/* Network namespace set-up over rtnetlink (libmnl).
 *
 * Moving a device (linux.netDevices, runtime-spec 1.3 config-linux.md "Network Devices"):
 *  - the kernel drops every address of a device when it changes namespace, but the spec
 *    requires the permanent, global-scope addresses to survive, so they are read in the
 *    runtime namespace first and re-added inside the target;
 *  - the device must be "up" in the container afterwards;
 *  - a name clash in the target is an error unless the name is a "%d" template.
 * To talk to the target namespace without ever changing the caller's namespace, a short-lived
 * child joins the target and hands back a NETLINK_ROUTE socket created there (a netlink
 * socket stays bound to the namespace it was created in). */
#include "netns.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../common/cleanup.h"
#include "../common/util.h"

/* Large enough for any dump message: the kernel sizes dump skbs after the largest
 * buffer userspace ever offered, capped at 32 KiB. */
#define NL_BUF_SIZE 32768
#define NL_EXT_MSG_MAX 256

struct nl {
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
	char *buf;
	char ext_msg[NL_EXT_MSG_MAX]; /* NLMSGERR_ATTR_MSG of the last failed request */
};

/* One request/response exchange: the data callback plus its argument. */
struct nl_call {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

/* ---------------------------------------------------------------- netlink plumbing */

static void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->buf);
	nl->buf = NULL;
}

/* Wrap `fd` (a NETLINK_ROUTE socket, ownership taken) or open a new one when fd < 0. */
static int nl_open(struct nl *nl, int fd, hull_err *e)
{
	memset(nl, 0, sizeof *nl);
	if (fd >= 0) {
		nl->sock = mnl_socket_fdopen(fd);
		if (!nl->sock) {
			int rc = herr_sys(e, "netlink socket");
			close(fd);
			return rc;
		}
	} else {
		nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
		if (!nl->sock)
			return herr_sys(e, "open rtnetlink socket");
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int rc = herr_sys(e, "bind rtnetlink socket");
		nl_close(nl);
		return rc;
	}
	/* Best effort: kernel error strings, and acks without a copy of our request. */
	int one = 1;
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof one);
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof one);
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	nl->buf = xmalloc(NL_BUF_SIZE);
	return 0;
}

static int nl_ext_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_call *call = data;
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(call->nl->ext_msg, sizeof call->nl->ext_msg, "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* NLMSG_ERROR: 0 is the ack; otherwise set errno and keep the kernel's extended message. */
static int nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_call *call = data;
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	if (plen < sizeof(struct nlmsgerr)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	if (err->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(struct nlmsgerr);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			/* the whole request is echoed before the TLVs */
			if (err->msg.nlmsg_len < sizeof(struct nlmsghdr))
				off = plen + 1;
			else
				off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		}
		if (off <= plen)
			(void)mnl_attr_parse(nlh, (unsigned)off, nl_ext_attr_cb, call);
	}
	errno = err->error < 0 ? -err->error : err->error;
	return MNL_CB_ERROR;
}

static int nl_noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

static int nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_STOP;
}

static int nl_overrun_cb(const struct nlmsghdr *nlh, void *data)
{
	errno = ENOBUFS;
	return MNL_CB_ERROR;
}

static int nl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_call *call = data;
	return call->cb ? call->cb(nlh, call->data) : MNL_CB_OK;
}

/* Send one request and process replies until the ack / NLMSG_DONE. Returns 0 or -errno
 * (NLMSG_ERROR's code); nl->ext_msg then holds the kernel's explanation if it gave one.
 * `dump` is explicit because NLM_F_DUMP's bits are reused by NLM_F_EXCL/NLM_F_CREATE. */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, bool dump, mnl_cb_t cb, void *data)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = nl_noop_cb,
		[NLMSG_ERROR] = nl_error_cb,
		[NLMSG_DONE] = nl_done_cb,
		[NLMSG_OVERRUN] = nl_overrun_cb,
	};
	struct nl_call call = {.nl = nl, .cb = cb, .data = data};

	nl->ext_msg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_flags |= dump ? NLM_F_DUMP : NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, NL_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		int r = mnl_cb_run2(nl->buf, (size_t)n, nlh->nlmsg_seq, nl->portid, nl_data_cb, &call, ctl,
				    NLMSG_MIN_TYPE);
		if (r < 0)
			return errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* A dump that raced with a change is flagged NLM_F_DUMP_INTR (-EINTR): retry a few times. */
static int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, void (*reset)(void *))
{
	int r = -EINTR;
	for (int i = 0; i < 5 && r == -EINTR; i++) {
		if (reset)
			reset(data);
		r = nl_talk(nl, nlh, true, cb, data);
	}
	return r;
}

/* "<what>: <strerror>" plus the kernel's extended ack message, when there is one. */
static int nl_err(hull_err *e, const struct nl *nl, int r, const char *what)
{
	if (nl->ext_msg[0])
		return herr_set(e, r, "%s: %s (kernel: %s)", what, strerror(-r), nl->ext_msg);
	return herr_errno(e, r, "%s", what);
}

/* Receive a NETLINK_ROUTE socket created by a child that joined `netns_fd`. */
static int nl_open_in_netns(struct nl *nl, int netns_fd, hull_err *e)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return herr_sys(e, "socketpair");
	_cleanup_fd_ int parent_end = sv[0];
	_cleanup_fd_ int child_end = sv[1];

	pid_t pid = fork();
	if (pid < 0)
		return herr_sys(e, "fork");
	if (pid == 0) {
		/* Child: only syscalls from here on; report errno or the socket, then exit. */
		int err = 0, fd = -1;
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			err = errno;
		else if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
			err = errno;
		char cbuf[CMSG_SPACE(sizeof(int))];
		memset(cbuf, 0, sizeof cbuf);
		struct iovec iov = {.iov_base = &err, .iov_len = sizeof err};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		if (fd >= 0) {
			msg.msg_control = cbuf;
			msg.msg_controllen = sizeof cbuf;
			struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &fd, sizeof fd);
		}
		_exit(sendmsg(child_end, &msg, MSG_NOSIGNAL) < 0 ? 1 : 0);
	}
	close(steal_fd(&child_end));

	int err = 0, fd = -1;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof err};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	ssize_t n;
	do
		n = recvmsg(parent_end, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	int rerr = n < 0 ? errno : 0;
	for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)) && fd < 0)
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n < 0)
		return herr_errno(e, -rerr, "receive netlink socket from the target network namespace");
	if (n != (ssize_t)sizeof err || err != 0 || fd < 0 || (msg.msg_flags & MSG_CTRUNC)) {
		if (fd >= 0)
			close(fd);
		if (n == (ssize_t)sizeof err && err != 0)
			return herr_errno(e, -err, "join the target network namespace");
		return herr_set(e, -EPROTO, "join the target network namespace: helper process failed");
	}
	return nl_open(nl, fd, e);
}

/* ---------------------------------------------------------------- links */

struct link_info {
	int index;
	unsigned flags;
	char name[IFNAMSIZ];
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;
	if (mnl_attr_get_type(attr) == IFLA_IFNAME) {
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_get_payload_len(attr) > IFNAMSIZ)
			return MNL_CB_ERROR;
		snprintf(li->name, sizeof li->name, "%s", mnl_attr_get_str(attr));
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *li = data;
	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	li->index = ifi->ifi_index;
	li->flags = ifi->ifi_flags;
	if (mnl_attr_parse(nlh, sizeof *ifi, link_attr_cb, li) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* RTM_GETLINK by index (> 0) or by name. -ENODEV when there is no such link. */
static int link_get(struct nl *nl, int index, const char *name, struct link_info *out)
{
	char req[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (index <= 0 && name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(out, 0, sizeof *out);
	int r = nl_talk(nl, nlh, false, link_cb, out);
	if (r == 0 && out->index <= 0)
		r = -ENODEV;
	return r;
}

static int max_index_cb(const struct nlmsghdr *nlh, void *data)
{
	int *max = data;
	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index > *max)
		*max = ifi->ifi_index;
	return MNL_CB_OK;
}

static void reset_int(void *p)
{
	*(int *)p = 0;
}

/* An ifindex not used by any link of the namespace behind `nl`. */
static int link_free_index(struct nl *nl, int *out)
{
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	int max = 0;
	int r = nl_dump(nl, nlh, max_index_cb, &max, reset_int);
	if (r < 0)
		return r;
	if (max == INT32_MAX)
		return -ENOSPC;
	*out = max + 1;
	return 0;
}

/* Set IFF_UP on a link, by index or (index 0) by name. */
static int link_set_up(struct nl *nl, int index, const char *name)
{
	char req[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_SETLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (index <= 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh, false, NULL, NULL);
}

/* ---------------------------------------------------------------- addresses */

struct saved_addr {
	unsigned char family, prefixlen, scope;
	uint32_t flags;
	unsigned char local[16], address[16], broadcast[16];
	unsigned local_len, address_len, broadcast_len;
	char label[IFNAMSIZ];
	bool has_rt_priority, has_proto;
	uint32_t rt_priority;
	uint8_t proto;
};

struct addr_list {
	int ifindex;
	struct saved_addr *v;
	size_t n;
	bool bad; /* a message failed validation */
};

static void addr_list_reset(void *p)
{
	struct addr_list *l = p;
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->bad = false;
}

static unsigned family_addr_len(unsigned char family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* Copy an address attribute after checking its length against the family. */
static int copy_addr_attr(const struct nlattr *attr, unsigned char family, unsigned char *dst, unsigned *len)
{
	unsigned want = family_addr_len(family);
	if (want == 0 || mnl_attr_get_payload_len(attr) != want)
		return -1;
	memcpy(dst, mnl_attr_get_payload(attr), want);
	*len = want;
	return 0;
}

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct saved_addr *a = data;
	int bad = 0;
	switch (mnl_attr_get_type(attr)) {
	case IFA_LOCAL:
		bad = copy_addr_attr(attr, a->family, a->local, &a->local_len);
		break;
	case IFA_ADDRESS:
		bad = copy_addr_attr(attr, a->family, a->address, &a->address_len);
		break;
	case IFA_BROADCAST:
		bad = copy_addr_attr(attr, a->family, a->broadcast, &a->broadcast_len);
		break;
	case IFA_LABEL:
		bad = mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 || mnl_attr_get_payload_len(attr) > IFNAMSIZ;
		if (!bad)
			snprintf(a->label, sizeof a->label, "%s", mnl_attr_get_str(attr));
		break;
	case IFA_FLAGS:
		bad = mnl_attr_validate(attr, MNL_TYPE_U32) < 0;
		if (!bad)
			a->flags = mnl_attr_get_u32(attr);
		break;
	case IFA_RT_PRIORITY:
		bad = mnl_attr_validate(attr, MNL_TYPE_U32) < 0;
		if (!bad) {
			a->rt_priority = mnl_attr_get_u32(attr);
			a->has_rt_priority = true;
		}
		break;
	case IFA_PROTO:
		bad = mnl_attr_validate(attr, MNL_TYPE_U8) < 0;
		if (!bad) {
			a->proto = mnl_attr_get_u8(attr);
			a->has_proto = true;
		}
		break;
	default:
		break;
	}
	return bad ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Keep what the spec asks to preserve: IFA_F_PERMANENT addresses with global scope. */
static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_list *l = data;
	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifaddrmsg)) {
		l->bad = true;
		return MNL_CB_OK;
	}
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if ((int)ifa->ifa_index != l->ifindex || family_addr_len(ifa->ifa_family) == 0)
		return MNL_CB_OK;
	struct saved_addr a = {
		.family = ifa->ifa_family,
		.prefixlen = ifa->ifa_prefixlen,
		.scope = ifa->ifa_scope,
		.flags = ifa->ifa_flags,
	};
	if (mnl_attr_parse(nlh, sizeof *ifa, addr_attr_cb, &a) < 0) {
		l->bad = true;
		return MNL_CB_OK;
	}
	if (!(a.flags & IFA_F_PERMANENT) || a.scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	if (a.local_len == 0 && a.address_len == 0) {
		l->bad = true;
		return MNL_CB_OK;
	}
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = a;
	return MNL_CB_OK;
}

static int addr_dump(struct nl *nl, struct addr_list *l)
{
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETADDR;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = AF_UNSPEC;
	int r = nl_dump(nl, nlh, addr_cb, l, addr_list_reset);
	if (r == 0 && l->bad)
		r = -EBADMSG;
	return r;
}

/* An alias label "old:x" follows the rename to "new:x"; a plain label is the device name,
 * which the kernel fills in itself. */
static void addr_label(const struct saved_addr *a, const char *old_name, const char *new_name, char *out)
{
	out[0] = '\0';
	size_t ol = strlen(old_name);
	if (strncmp(a->label, old_name, ol) != 0 || a->label[ol] != ':')
		return;
	char tmp[IFNAMSIZ * 2];
	snprintf(tmp, sizeof tmp, "%s%s", new_name, a->label + ol);
	if (strlen(tmp) < IFNAMSIZ)
		memcpy(out, tmp, strlen(tmp) + 1);
}

static int addr_add(struct nl *nl, int ifindex, const struct saved_addr *a, const char *label)
{
	/* Flags a caller may set on RTM_NEWADDR; the kernel derives the others. */
	const uint32_t settable = IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE |
				  IFA_F_MCAUTOJOIN | IFA_F_OPTIMISTIC;
	char req[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (unsigned)ifindex;
	ifa->ifa_flags = (unsigned char)(a->flags & settable);
	if (a->local_len)
		mnl_attr_put(nlh, IFA_LOCAL, a->local_len, a->local);
	if (a->address_len)
		mnl_attr_put(nlh, IFA_ADDRESS, a->address_len, a->address);
	if (a->broadcast_len)
		mnl_attr_put(nlh, IFA_BROADCAST, a->broadcast_len, a->broadcast);
	if (label && label[0])
		mnl_attr_put_strz(nlh, IFA_LABEL, label);
	mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags & settable);
	if (a->has_rt_priority)
		mnl_attr_put_u32(nlh, IFA_RT_PRIORITY, a->rt_priority);
	if (a->has_proto)
		mnl_attr_put_u8(nlh, IFA_PROTO, a->proto);
	return nl_talk(nl, nlh, false, NULL, NULL);
}

static const char *addr_str(const struct saved_addr *a, char *buf, size_t len)
{
	const unsigned char *p = a->local_len ? a->local : a->address;
	char ip[64] = "?";
	if (a->family == AF_INET)
		snprintf(ip, sizeof ip, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	else {
		size_t o = 0;
		for (int i = 0; i < 16; i += 2)
			o += (size_t)snprintf(ip + o, sizeof ip - o, "%s%x", i ? ":" : "", (p[i] << 8) | p[i + 1]);
	}
	snprintf(buf, len, "%s/%u", ip, a->prefixlen);
	return buf;
}

/* ---------------------------------------------------------------- moving devices */

/* The kernel's dev_valid_name() rules, checked early for a message naming the field. */
static bool ifname_valid(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
			return false;
	return true;
}

static int move_one(struct nl *host, struct nl *target, int target_netns_fd, const char *host_name,
		    const char *new_name, hull_err *e)
{
	const char *want = new_name ? new_name : host_name;
	char what[160];
	int r;

	if (!ifname_valid(host_name))
		return herr_set(e, -EINVAL, "network device \"%s\": invalid interface name", host_name);
	if (!ifname_valid(want))
		return herr_set(e, -EINVAL, "network device %s: invalid new name \"%s\"", host_name, want);

	struct link_info dev;
	r = link_get(host, 0, host_name, &dev);
	if (r < 0) {
		snprintf(what, sizeof what, "network device %s: look up in the runtime network namespace", host_name);
		return nl_err(e, host, r, what);
	}

	/* Spec: a clash with an existing name is an error, unless the name is a %d template. */
	if (!strchr(want, '%')) {
		struct link_info clash;
		r = link_get(target, 0, want, &clash);
		if (r == 0)
			return herr_set(e, -EEXIST,
					"network device %s: a device named %s already exists in the container "
					"network namespace",
					host_name, want);
		if (r != -ENODEV) {
			snprintf(what, sizeof what, "network device %s: look up %s in the container network namespace",
				 host_name, want);
			return nl_err(e, target, r, what);
		}
	}

	/* The kernel forgets the addresses on the move: remember the ones to preserve. */
	struct addr_list addrs = {.ifindex = dev.index};
	r = addr_dump(host, &addrs);
	if (r < 0) {
		addr_list_reset(&addrs);
		snprintf(what, sizeof what, "network device %s: read its addresses", host_name);
		return nl_err(e, host, r, what);
	}
	_cleanup_free_ struct saved_addr *saved = addrs.v;

	/* The ifindex survives the move when it is free in the target; otherwise pick a free one
	 * ourselves so that the device can be found again even under a %d name. */
	int new_index = dev.index;
	struct link_info other;
	r = link_get(target, dev.index, NULL, &other);
	if (r == 0)
		r = link_free_index(target, &new_index);
	if (r < 0 && r != -ENODEV) {
		snprintf(what, sizeof what, "network device %s: list the container network namespace's devices",
			 host_name);
		return nl_err(e, target, r, what);
	}

	char req[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_SETLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = dev.index;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)target_netns_fd);
	if (new_name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
	if (new_index != dev.index)
		mnl_attr_put_u32(nlh, IFLA_NEW_IFINDEX, (uint32_t)new_index);
	r = nl_talk(host, nlh, false, NULL, NULL);
	if (r < 0) {
		snprintf(what, sizeof what, "network device %s: move into the container network namespace", host_name);
		return nl_err(e, host, r, what);
	}

	struct link_info moved;
	r = link_get(target, new_index, NULL, &moved);
	if (r < 0) {
		snprintf(what, sizeof what, "network device %s: find it in the container network namespace", host_name);
		return nl_err(e, target, r, what);
	}

	for (size_t i = 0; i < addrs.n; i++) {
		char label[IFNAMSIZ], abuf[80];
		addr_label(&saved[i], host_name, moved.name, label);
		r = addr_add(target, moved.index, &saved[i], label);
		if (r < 0) {
			snprintf(what, sizeof what, "network device %s: restore address %s on %s", host_name,
				 addr_str(&saved[i], abuf, sizeof abuf), moved.name);
			return nl_err(e, target, r, what);
		}
	}

	r = link_set_up(target, moved.index, NULL);
	if (r < 0) {
		snprintf(what, sizeof what, "network device %s: set %s up in the container network namespace",
			 host_name, moved.name);
		return nl_err(e, target, r, what);
	}
	return 0;
}

int netns_move_devices(const struct oci_net_device *devs, size_t n, int target_netns_fd, hull_err *e)
{
	if (n == 0)
		return 0;
	if (target_netns_fd < 0)
		return herr_set(e, -EBADF, "move network devices: no target network namespace");

	struct nl host, target;
	int r = nl_open(&host, -1, e);
	if (r < 0)
		return r;
	r = nl_open_in_netns(&target, target_netns_fd, e);
	if (r < 0) {
		nl_close(&host);
		return herr_prefix(e, "move network devices");
	}
	for (size_t i = 0; i < n && r >= 0; i++)
		r = move_one(&host, &target, target_netns_fd, devs[i].host_name, devs[i].name, e);
	nl_close(&target);
	nl_close(&host);
	return r < 0 ? r : 0;
}

int netns_move_device(const char *host_name, const char *new_name, int target_netns_fd, hull_err *e)
{
	if (!host_name)
		return herr_set(e, -EINVAL, "move network device: no device name");
	struct oci_net_device d = {.host_name = (char *)host_name, .name = (char *)new_name};
	return netns_move_devices(&d, 1, target_netns_fd, e);
}

int netns_lo_up(hull_err *e)
{
	struct nl nl;
	int r = nl_open(&nl, -1, e);
	if (r < 0)
		return r;
	r = link_set_up(&nl, 0, "lo");
	if (r < 0)
		nl_err(e, &nl, r, "set lo up");
	nl_close(&nl);
	return r < 0 ? r : 0;
}
