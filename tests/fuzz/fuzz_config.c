/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the OCI parser, the "valid but not supported" checks, and the mount options
 * of every mount, as `hull create` runs them before touching the system. */
#include "../../oci/spec.h"
#include "../../runtime/rootfs.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = oci_spec_parse((const char *)data, size, "config.json", &s, &e);
	if (r < 0) {
		if (s)
			fuzz_fail("oci_spec_parse failed (%d) but returned a spec", r);
		fuzz_check_msg(r, e.msg, data, size, "oci_spec_parse");
		return 0;
	}
	if (!s)
		fuzz_fail("oci_spec_parse succeeded without a spec");
	hull_err e2 = {0};
	r = oci_spec_check_supported(s, "config.json", &e2);
	fuzz_check_msg(r, e2.msg, data, size, "oci_spec_check_supported");
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct mount_opts o;
		hull_err e3 = {0};
		r = mount_opts_parse(s->mounts[i].options, s->mounts[i].n_options, &o, &e3);
		fuzz_check_msg(r, e3.msg, data, size, "mount_opts_parse");
		if (r == 0)
			mount_opts_free(&o);
	}
	oci_spec_free(s);
	return 0;
}
