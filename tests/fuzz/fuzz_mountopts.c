/* SPDX-License-Identifier: Apache-2.0 */
/* Mount options (runtime/mountopts.c): the input is split at NUL bytes into the strings of
 * one mounts[].options array. */
#include "../../runtime/rootfs.h"
#include "fuzz.h"

#define MAX_OPTS 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, **opts;
	int n = fuzz_split(data, size, MAX_OPTS, &buf, &opts);
	struct mount_opts o;
	hull_err e = {0};
	int r = mount_opts_parse(opts, (size_t)n, &o, &e);
	if (r < 0) {
		fuzz_check_msg(r, e.msg, data, size, "mount_opts_parse");
		if (o.data)
			fuzz_fail("mount_opts_parse failed but kept its data");
	} else {
		if (o.flags & o.clear)
			fuzz_fail("flags %#lx both set and cleared", o.flags & o.clear);
		/* every option that is not a flag ends up in data, in order */
		size_t want = 0;
		for (int i = 0; i < n; i++)
			want += strlen(opts[i]);
		if (o.data && strlen(o.data) > want + (size_t)n)
			fuzz_fail("data \"%s\" is longer than the options", o.data);
		mount_opts_free(&o);
	}
	free(opts);
	free(buf);
	return 0;
}
