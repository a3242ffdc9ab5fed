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
		if (!e.msg[0] || strchr(e.msg, '\n'))
			fuzz_fail("oci_spec_parse failed (%d) without a one-line message: \"%s\"", r, e.msg);
		return 0;
	}
	if (!s)
		fuzz_fail("oci_spec_parse succeeded without a spec");
	hull_err e2 = {0};
	r = oci_spec_check_supported(s, "config.json", &e2);
	if (r < 0 && !e2.msg[0])
		fuzz_fail("oci_spec_check_supported failed (%d) without a message", r);
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct mount_opts o;
		hull_err e3 = {0};
		if (mount_opts_parse(s->mounts[i].options, s->mounts[i].n_options, &o, &e3) == 0)
			mount_opts_free(&o);
	}
	oci_spec_free(s);
	return 0;
}
