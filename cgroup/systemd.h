/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd cgroup driver (--systemd-cgroup). The container's cgroup is a transient unit
 * (a scope, or a slice when the name ends in ".slice") that hull asks systemd for over its
 * D-Bus API (sd-bus from libsystemd, loaded with dlopen only when this driver is used, so
 * every other hull invocation keeps its start-up time and memory). Resources are set twice:
 * as unit properties, so systemd keeps them across daemon-reload, and by writing the unit's
 * cgroup files (resources.c) for the exact values and what systemd has no property for.
 *
 * The bus is the system manager's for root (its private socket when reachable, else the
 * system bus) and the user manager's ($XDG_RUNTIME_DIR/bus) otherwise: which manager is
 * the only difference rootless needs. */
#ifndef HULL_CGROUP_SYSTEMD_H
#define HULL_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../oci/spec.h"
#include "cgroup.h"

/* "slice:prefix:name" as systemd names it. */
struct cgsd_path {
	char *slice;  /* parent slice unit, e.g. "system.slice" */
	char *unit;   /* the container's unit: "prefix-name.scope" or "name.slice" */
	char *cgroup; /* where systemd will put it, e.g. "/system.slice/prefix-name.scope" */
};

/* Parse linux.cgroupsPath for the systemd driver. NULL/empty gives "<default>:hull:<id>". An
 * empty slice is "system.slice" ("user.slice" under a user manager); "a-b-c.slice" nests as
 * /a.slice/a-b.slice/a-b-c.slice; a name ending in ".slice" makes that slice, otherwise the
 * unit is the scope "prefix-name.scope" ("name.scope" with an empty prefix). Pure. */
int cgsd_parse_path(const char *cgroups_path, const char *id, bool user_manager, struct cgsd_path *out,
		    hull_err *e);
void cgsd_path_free(struct cgsd_path *p);

/* One D-Bus unit property (name + variant) in a form tests can read without a bus. */
enum cgsd_ptype {
	CGSD_T,   /* uint64 "t" */
	CGSD_U,   /* uint32 "u" */
	CGSD_I,   /* int32 "i" */
	CGSD_X,   /* int64 "x" */
	CGSD_Q,   /* uint16 "q" */
	CGSD_N,   /* int16 "n" */
	CGSD_Y,   /* byte "y" */
	CGSD_D,   /* double "d" */
	CGSD_B,   /* boolean "b" */
	CGSD_S,   /* string "s" */
	CGSD_AS,  /* array of strings "as" */
	CGSD_AY,  /* byte array "ay" (cpu/node masks) */
	CGSD_AU,  /* array of uint32 "au" (PIDs) */
	CGSD_AST, /* array of (string, uint64) "a(st)" (IO limits by device) */
	CGSD_ASS, /* array of (string, string) "a(ss)" (DeviceAllow) */
};

struct cgsd_prop {
	char *name;
	enum cgsd_ptype type;
	uint64_t u;   /* T U Q Y B (0/1) */
	int64_t i;    /* I X N */
	double d;     /* D */
	char *s;      /* S */
	size_t n;     /* array length */
	char **strs;  /* AS, AST/ASS first members */
	char **strs2; /* ASS second members */
	uint64_t *nums; /* AST second members, AU */
	uint8_t *bytes; /* AY */
};

struct cgsd_props {
	struct cgsd_prop *v;
	size_t n;
};

/* linux.resources -> unit properties (MemoryMax/High/Low/Min/SwapMax, CPUWeight,
 * CPUQuotaPerSecUSec + CPUQuotaPeriodUSec, AllowedCPUs/AllowedMemoryNodes, TasksMax, IOWeight,
 * IODeviceWeight, IO{Read,Write}{Bandwidth,IOPS}Max, DevicePolicy/DeviceAllow and the
 * unified keys systemd has a property for). Block devices are named "/dev/block/MAJ:MIN".
 * `devices` (linux.devices) joins the device rules as in the cgroupfs driver; `with_devices`
 * false leaves DevicePolicy/DeviceAllow out (an update without device rules). Pure, apart
 * from reading /proc/devices for rules with a wildcard minor. */
int cgsd_resource_props(const struct oci_resources *res, const struct oci_device *devices, size_t n_devices,
			bool with_devices, struct cgsd_props *out, hull_err *e);
/* annotations "org.systemd.property.NAME" = GVariant text ("uint64 123", "'str'", "true",
 * "['a', 'b']", a bare integer is int32; NAME ending in "Sec" takes seconds and becomes the
 * "USec" property, as runc does). Invalid values fail naming the annotation. Pure. */
int cgsd_annotation_props(const struct oci_kv *ann, size_t n, struct cgsd_props *out, hull_err *e);
/* "Name=type:value" lines, for tests and debug logs. malloc'd. */
char *cgsd_props_text(const struct cgsd_props *p);
void cgsd_props_free(struct cgsd_props *p);

/* cpu list "0-3,7" -> bit mask bytes (little-endian bit order, as systemd's AllowedCPUs). Pure. */
int cgsd_cpu_mask(const char *list, uint8_t **bytes, size_t *n, const char *field, hull_err *e);

/* Start the container's unit for `spec` (cgroupsPath, resources, annotations), wait for its
 * job, and fill cg with the unit's cgroup with every resource written (cg->unit set). A
 * placeholder process holds the scope until the container init is cloned into it; cg_release
 * ends it. On failure nothing is left (unit stopped, failed state reset). */
int cgsd_create(struct hull_cgroup *cg, const char *mount, const char *id, const struct oci_spec *spec,
		hull_err *e);
/* SetUnitProperties for an update (the caller writes the files). */
int cgsd_update(const struct hull_cgroup *cg, const struct oci_resources *res, hull_err *e);
/* Stop the unit and wait for it; a unit that is already gone is fine. */
int cgsd_destroy(struct hull_cgroup *cg, hull_err *e);
/* Kill the placeholder process of cgsd_create, if any. */
void cgsd_release_holder(struct hull_cgroup *cg);

#endif
