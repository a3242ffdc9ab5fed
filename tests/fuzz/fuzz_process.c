/* SPDX-License-Identifier: Apache-2.0 */
/* process.json (`hull exec --process FILE`): the parser and the "not supported" checks. */
#include "../../oci/spec.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_process *p = NULL;
	hull_err e = {0};
	int r = oci_process_parse((const char *)data, size, "process.json", &p, &e);
	if (r < 0) {
		if (p)
			fuzz_fail("oci_process_parse failed (%d) but returned a process", r);
		fuzz_check_msg(r, e.msg, data, size, "oci_process_parse");
		return 0;
	}
	if (!p)
		fuzz_fail("oci_process_parse succeeded without a process");
	if (p->n_args && !p->args)
		fuzz_fail("n_args %zu without args", p->n_args);
	hull_err e2 = {0};
	r = oci_process_check_supported(p, "process.json", &e2);
	fuzz_check_msg(r, e2.msg, data, size, "oci_process_check_supported");
	oci_process_free(p);
	return 0;
}
