/* SPDX-License-Identifier: Apache-2.0 */
/* Network namespace set-up over rtnetlink (libmnl). Nothing else in hull speaks netlink. */
#ifndef HULL_NETNS_H
#define HULL_NETNS_H

#include "../common/err.h"
#include "../oci/spec.h"

/* Bring `lo` up in the calling process's current network namespace. */
int netns_lo_up(hull_err *e);

/* Move host interface `host_name` (in the caller's netns) into the netns referred to by
 * `target_netns_fd`, renamed to `new_name` (NULL = keep its name). Keeps its addresses
 * where the kernel allows (like runc's netDevices). */
int netns_move_device(const char *host_name, const char *new_name, int target_netns_fd, hull_err *e);

/* Move every linux.netDevices entry into the target netns. */
int netns_move_devices(const struct oci_net_device *devs, size_t n, int target_netns_fd, hull_err *e);

#endif
