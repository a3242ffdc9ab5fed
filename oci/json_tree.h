/* SPDX-License-Identifier: Apache-2.0 */
/* The one way hull turns JSON text into a yajl tree, for every document it reads (config.json,
 * process.json, LinuxResources, the state record): NUL bytes and \u0000 are refused, the
 * nesting depth is bounded (yajl_tree_free recurses once per level, so a deeply nested
 * document would otherwise blow the stack), and a syntax error is one line with its position. */
#ifndef HULL_OCI_JSON_TREE_H
#define HULL_OCI_JSON_TREE_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "../common/err.h"

/* Parse bytes into a tree. Errors: "<file>: invalid JSON at line L, column C: <yajl message>".
 * The top level must be an object ("<file>: .: expected object, got array"). */
int oci_json_parse(const char *json, size_t len, const char *file, yajl_val *out, hull_err *e);

#endif
