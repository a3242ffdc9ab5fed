/* SPDX-License-Identifier: Apache-2.0 */
/* notify_filter: what the sd_notify relay passes from the container to the caller. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/util.h"
#include "runtime/notify.h"

/* container pid 7 is host pid 4007; nothing else belongs to the container */
static pid_t map7(long cpid, void *arg)
{
	(void)arg;
	return cpid == 7 ? 4007 : 0;
}

static char *filter(const char *msg, bool *ready)
{
	struct strbuf out = {0};
	*ready = notify_filter(msg, strlen(msg), 1234, map7, NULL, &out);
	return out.buf ? out.buf : xstrdup("");
}

Test(notify, ready_gets_the_init_host_pid)
{
	bool ready;
	char *o = filter("READY=1", &ready);
	cr_assert(ready);
	cr_assert_str_eq(o, "READY=1\nMAINPID=1234\n");
	free(o);
}

Test(notify, status_alone_is_relayed_without_mainpid)
{
	bool ready;
	char *o = filter("STATUS=warming up", &ready);
	cr_assert(!ready);
	cr_assert_str_eq(o, "STATUS=warming up\n");
	free(o);
}

Test(notify, mainpid_is_translated)
{
	bool ready;
	char *o = filter("MAINPID=7\nREADY=1\n", &ready);
	cr_assert(ready);
	cr_assert_str_eq(o, "MAINPID=4007\nREADY=1\n");
	free(o);
}

Test(notify, mainpid_outside_the_container_is_dropped)
{
	bool ready;
	/* a host pid, or garbage: never passed on; READY still names the init */
	char *o = filter("MAINPID=1\nMAINPID=12x\nREADY=1", &ready);
	cr_assert(ready);
	cr_assert_str_eq(o, "READY=1\nMAINPID=1234\n");
	free(o);
}

Test(notify, unknown_and_dangerous_assignments_are_dropped)
{
	bool ready;
	char *o = filter("FDSTORE=1\nFDNAME=x\nNOTIFYACCESS=all\nBARRIER=1\nWATCHDOG_USEC=1\nREADY=2\nREADY=1x\n"
			 "ERRNO=2\nERRNO=-1\nEXTEND_TIMEOUT_USEC=5000000\nSTOPPING=1\nRELOADING=1",
			 &ready);
	cr_assert(!ready);
	cr_assert_str_eq(o, "ERRNO=2\nEXTEND_TIMEOUT_USEC=5000000\nSTOPPING=1\nRELOADING=1\n");
	free(o);
}

Test(notify, status_with_control_characters_or_too_long_is_dropped)
{
	bool ready;
	char *o = filter("STATUS=a\tb\nSTATUS=ok", &ready);
	cr_assert_str_eq(o, "STATUS=ok\n");
	free(o);
	char big[1100 + 8] = "STATUS=";
	memset(big + 7, 'x', 1100);
	big[1107] = 0;
	o = filter(big, &ready);
	cr_assert_str_eq(o, "");
	free(o);
}

Test(notify, datagram_with_nul_is_dropped_whole)
{
	struct strbuf out = {0};
	const char msg[] = "READY=1\0MAINPID=7";
	cr_assert(!notify_filter(msg, sizeof msg - 1, 1234, map7, NULL, &out));
	cr_assert_eq(out.len, 0);
	sb_free(&out);
}
