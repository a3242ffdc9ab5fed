/* SPDX-License-Identifier: Apache-2.0 */
/* netns/: real rtnetlink against namespaces and veth pairs this test creates (root only).
 * Every name carries the test process's pid; teardown removes them by name. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "netns/netns.h"

static char ns_name[64], ns_path[128], veth_a[IFNAMSIZ], veth_b[IFNAMSIZ];
static unsigned subnet; /* third octet of a 198.18.x.0/24 test network */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* stdout+stderr of a shell command (malloc'd, "" on failure); stderr is kept so that a
 * failed assertion shows it, and so that `ip`'s warnings do not clutter the test log. */
static char *sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh_out(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
	FILE *f = popen(cmd, "r");
	size_t cap = 4096, n = 0;
	char *out = calloc(1, cap);
	if (!f)
		return out;
	size_t r;
	while ((r = fread(out + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 >= cap)
			out = realloc(out, cap *= 2);
	}
	out[n] = '\0';
	pclose(f);
	return out;
}

static void setup(void)
{
	if (geteuid() != 0)
		return;
	int pid = (int)getpid();
	subnet = (unsigned)pid % 250 + 1;
	snprintf(ns_name, sizeof ns_name, "hulltest-%d", pid);
	snprintf(ns_path, sizeof ns_path, "/run/netns/%s", ns_name);
	snprintf(veth_a, sizeof veth_a, "hv%da", pid);
	snprintf(veth_b, sizeof veth_b, "hv%db", pid);
	cr_assert_eq(sh("ip netns add %s", ns_name), 0);
	cr_assert_eq(sh("ip link add %s type veth peer name %s", veth_a, veth_b), 0);
	/* permanent global v4 + v6 (preserved), an alias, a non-permanent one (not preserved) */
	cr_assert_eq(sh("ip addr add 198.18.%u.2/24 dev %s", subnet, veth_a), 0);
	cr_assert_eq(sh("ip addr add 198.18.%u.3/24 dev %s label %s:1", subnet, veth_a, veth_a), 0);
	cr_assert_eq(sh("ip addr add 198.19.%u.9/24 dev %s valid_lft 300 preferred_lft 300", subnet, veth_a), 0);
	cr_assert_eq(sh("ip addr add fd00:68:%x::2/64 dev %s nodad", subnet, veth_a), 0);
}

static void teardown(void)
{
	if (geteuid() != 0 || !ns_name[0])
		return;
	sh("ip netns del %s >/dev/null 2>&1", ns_name);
	sh("ip link del %s >/dev/null 2>&1", veth_a);
	sh("ip link del %s >/dev/null 2>&1", veth_b);
}

#define REQUIRE_ROOT()                                         \
	do {                                                   \
		if (geteuid() != 0)                            \
			cr_skip_test("needs root (netlink, netns)"); \
	} while (0)

static int open_ns(void)
{
	int fd = open(ns_path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0, "open %s: %s", ns_path, strerror(errno));
	return fd;
}

TestSuite(netns, .init = setup, .fini = teardown, .timeout = 30);

Test(netns, lo_up_in_fresh_netns)
{
	REQUIRE_ROOT();
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(10);
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct ifreq ifr = {0};
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
		if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
			_exit(11);
		if (ifr.ifr_flags & IFF_UP)
			_exit(12); /* a fresh netns starts with lo down */
		hull_err e = {0};
		if (netns_lo_up(&e) < 0)
			_exit(13);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
			_exit(14);
		_exit(ifr.ifr_flags & IFF_UP ? 0 : 15);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0, "child step %d failed", WEXITSTATUS(st));
}

Test(netns, move_renamed_keeps_permanent_global_addresses)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	hull_err e = {0};
	int r = netns_move_device(veth_a, "ctr0", fd, &e);
	cr_assert_eq(r, 0, "%s", e.msg);

	char v4[64], v4alias[64], v4dyn[64], v6[64];
	snprintf(v4, sizeof v4, "inet 198.18.%u.2/24", subnet);
	snprintf(v4alias, sizeof v4alias, "inet 198.18.%u.3/24", subnet);
	snprintf(v4dyn, sizeof v4dyn, "198.19.%u.9", subnet);
	snprintf(v6, sizeof v6, "inet6 fd00:68:%x::2/64", subnet);

	_cleanup_free_ char *addrs = sh_out("ip -n %s -o addr show dev ctr0", ns_name);
	cr_assert(strstr(addrs, v4), "missing %s in:\n%s", v4, addrs);
	cr_assert(strstr(addrs, v4alias), "missing %s in:\n%s", v4alias, addrs);
	cr_assert(strstr(addrs, "ctr0:1"), "alias label not renamed:\n%s", addrs);
	cr_assert(strstr(addrs, v6), "missing %s in:\n%s", v6, addrs);
	cr_assert_null(strstr(addrs, v4dyn), "non-permanent address was moved:\n%s", addrs);

	_cleanup_free_ char *link = sh_out("ip -n %s -o link show ctr0", ns_name);
	cr_assert(strstr(link, ",UP") || strstr(link, "<UP"), "ctr0 not up:\n%s", link);
	cr_assert_neq(sh("ip link show %s >/dev/null 2>&1", veth_a), 0, "%s still in the host netns", veth_a);
}

Test(netns, move_keeps_name_when_none_given)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	hull_err e = {0};
	cr_assert_eq(netns_move_device(veth_a, NULL, fd, &e), 0, "%s", e.msg);
	cr_assert_eq(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, veth_a), 0);
}

Test(netns, name_clash_is_an_error_and_leaves_device_on_host)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	cr_assert_eq(sh("ip -n %s link add ctr0 type veth peer name ctr1", ns_name), 0);
	hull_err e = {0};
	int r = netns_move_device(veth_a, "ctr0", fd, &e);
	cr_assert_eq(r, -EEXIST, "r=%d %s", r, e.msg);
	cr_assert(strstr(e.msg, veth_a) && strstr(e.msg, "ctr0"), "message: %s", e.msg);
	cr_assert_eq(sh("ip link show %s >/dev/null 2>&1", veth_a), 0, "device left the host netns");
}

Test(netns, percent_d_template_gets_a_free_name)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	cr_assert_eq(sh("ip -n %s link add ctr0 type veth peer name ctr1", ns_name), 0);
	hull_err e = {0};
	cr_assert_eq(netns_move_device(veth_a, "ctr%d", fd, &e), 0, "%s", e.msg);
	char v4[64];
	snprintf(v4, sizeof v4, "inet 198.18.%u.2/24", subnet);
	/* ctr0 and ctr1 are taken: the kernel gives the first free number */
	_cleanup_free_ char *addrs = sh_out("ip -n %s -o addr show dev ctr2", ns_name);
	cr_assert(strstr(addrs, v4), "address not restored on ctr2:\n%s", addrs);
	_cleanup_free_ char *link = sh_out("ip -n %s -o link show ctr2", ns_name);
	cr_assert(strstr(link, ",UP") || strstr(link, "<UP"), "ctr2 not up:\n%s", link);
}

Test(netns, ifindex_taken_in_target)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	unsigned idx = if_nametoindex(veth_a);
	cr_assert_gt(idx, 0);
	cr_assert_eq(sh("ip -n %s link add ctrx index %u type veth peer name ctry", ns_name, idx), 0);
	hull_err e = {0};
	cr_assert_eq(netns_move_device(veth_a, "eth0", fd, &e), 0, "%s", e.msg);
	char v4[64];
	snprintf(v4, sizeof v4, "inet 198.18.%u.2/24", subnet);
	_cleanup_free_ char *addrs = sh_out("ip -n %s -o addr show dev eth0", ns_name);
	cr_assert(strstr(addrs, v4), "missing %s in:\n%s", v4, addrs);
	/* the device that owned the index is untouched */
	_cleanup_free_ char *other = sh_out("ip -n %s -o addr show dev ctrx", ns_name);
	cr_assert_null(strstr(other, "198.18."), "address landed on the wrong device:\n%s", other);
}

Test(netns, move_devices_moves_each_entry)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	struct oci_net_device devs[] = {
		{.host_name = veth_a, .name = "in0"},
		{.host_name = veth_b, .name = NULL},
	};
	hull_err e = {0};
	cr_assert_eq(netns_move_devices(devs, 2, fd, &e), 0, "%s", e.msg);
	cr_assert_eq(sh("ip -n %s link show in0 >/dev/null 2>&1", ns_name), 0);
	cr_assert_eq(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, veth_b), 0);
}

Test(netns, missing_device_is_named_in_error)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	hull_err e = {0};
	char missing[IFNAMSIZ];
	snprintf(missing, sizeof missing, "hx%dz", (int)getpid());
	int r = netns_move_device(missing, "eth0", fd, &e);
	cr_assert_eq(r, -ENODEV, "r=%d %s", r, e.msg);
	cr_assert(strstr(e.msg, missing), "message: %s", e.msg);
}

Test(netns, invalid_names_rejected)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open_ns();
	hull_err e = {0};
	cr_assert_eq(netns_move_device(veth_a, "a/b", fd, &e), -EINVAL);
	cr_assert(strstr(e.msg, "a/b"), "message: %s", e.msg);
	cr_assert_eq(netns_move_device(veth_a, "averyveryverylongname", fd, &e), -EINVAL);
	cr_assert_eq(sh("ip link show %s >/dev/null 2>&1", veth_a), 0);
}

Test(netns, target_fd_not_a_netns)
{
	REQUIRE_ROOT();
	_cleanup_fd_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	hull_err e = {0};
	int r = netns_move_device(veth_a, "eth0", fd, &e);
	cr_assert_lt(r, 0);
	cr_assert(strstr(e.msg, "network namespace"), "message: %s", e.msg);
	cr_assert_eq(sh("ip link show %s >/dev/null 2>&1", veth_a), 0);
}
