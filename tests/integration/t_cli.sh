#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The command line as a runc user (or podman/containerd) sees it: --version, --help, spec,
# features, --log/--log-format, usage errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

COMMANDS="create start run state kill delete list exec ps pause resume update events spec features"
# the runtime-spec v1.3.0 schemas, kept in the repository (data/runtime-spec-schema/README.md)
SCHEMA_DIR=$(cd "$(dirname "$0")/data/runtime-spec-schema" && pwd)

# validate FILE SCHEMA-NAME: JSON-schema validation with python3-jsonschema (scripts/deps
# test installs it). Without it the calling test is a counted skip with the reason, not a pass.
validate() {
	[ -f "$SCHEMA_DIR/$2" ] || { fail "schema $SCHEMA_DIR/$2 missing"; return 1; }
	python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema missing (scripts/deps test installs it)"
	python3 -W ignore - "$1" "$SCHEMA_DIR" "$2" <<'PY'
import json, sys, pathlib, jsonschema
doc, d, name = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
schema = json.load(open(d / name))
resolver = jsonschema.RefResolver(base_uri=d.as_uri() + "/", referrer=schema)
errors = list(jsonschema.Draft4Validator(schema, resolver=resolver).iter_errors(json.load(open(doc))))
for e in errors[:5]:
    print("schema:", "/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
PY
}

test_version_three_lines() {
	local out
	out=$("$HULL_BIN" --version) || fail "--version failed"
	assert_eq "$(wc -l <<<"$out")" 3 "three lines"
	[[ $(sed -n 1p <<<"$out") == "hull version "[0-9]* ]] || fail "first line: $(sed -n 1p <<<"$out")"
	[[ $(sed -n 2p <<<"$out") == "commit: "?* ]] || fail "second line: $(sed -n 2p <<<"$out")"
	assert_eq "$(sed -n 3p <<<"$out")" "spec: 1.3.0"
	assert_eq "$("$HULL_BIN" -v)" "$out" "-v is --version"
}

test_help_of_every_command() {
	local c out
	out=$("$HULL_BIN" --help) || fail "--help exited $?"
	for c in $COMMANDS; do
		assert_contains "$out" "$c"
		out=$("$HULL_BIN" "$c" --help 2>&1) || fail "$c --help exited $?"
		assert_contains "$out" "Usage: hull $c"
		"$HULL_BIN" "$c" -h >/dev/null 2>&1 || fail "$c -h exited $?"
		"$HULL_BIN" help "$c" >/dev/null 2>&1 || fail "help $c exited $?"
		out=$("$HULL_BIN" --help)
	done
}

test_usage_errors() {
	local out
	out=$("$HULL_BIN" no-such-command 2>&1) && fail "an unknown command succeeded"
	assert_contains "$out" "no-such-command"
	out=$("$HULL_BIN" --no-such-flag list 2>&1) && fail "an unknown global flag succeeded"
	assert_contains "$out" "--no-such-flag"
	out=$(HULL create --no-such-flag x 2>&1 </dev/null) && fail "an unknown create flag succeeded"
	assert_contains "$out" "--no-such-flag"
	out=$(HULL start 2>&1) && fail "start without an id succeeded"
	[ -n "$out" ] || fail "no message for a missing id"
	out=$(HULL state "bad/id" 2>&1) && fail "an id with a slash was accepted"
	[ ! -e "$ROOT/bad" ] || fail "a bad id made a directory"
	out=$(HULL state ".." 2>&1) && fail "the id .. was accepted"
	return 0
}

test_spec_writes_and_refuses_to_overwrite() {
	local d=$TMPROOT/spec out
	mkdir -p "$d"
	(cd "$d" && "$HULL_BIN" spec) || fail "spec failed"
	jq -e '.ociVersion and .process.args and .root.path == "rootfs"' "$d/config.json" >/dev/null || fail "spec wrote an odd config"
	echo '{"mine": true}' >"$d/config.json"
	out=$(cd "$d" && "$HULL_BIN" spec 2>&1) && fail "spec overwrote an existing config.json"
	assert_eq "$(cat "$d/config.json")" '{"mine": true}' "the existing file is untouched"
	assert_contains "$out" "config.json"
	rm -f "$d/config.json"
	"$HULL_BIN" spec --bundle "$d" 2>/dev/null || (cd "$d" && "$HULL_BIN" spec -b "$d") || fail "spec --bundle failed"
	[ -f "$d/config.json" ] || fail "spec --bundle wrote nothing in $d"
}

test_spec_rootless() {
	local d=$TMPROOT/spec-rl
	mkdir -p "$d"
	(cd "$d" && "$HULL_BIN" spec --rootless) || fail "spec --rootless failed"
	jq -e '[.linux.namespaces[].type] | index("user") != null' "$d/config.json" >/dev/null || fail "no user namespace"
	jq -e '[.linux.namespaces[].type] | index("network") == null' "$d/config.json" >/dev/null || fail "a rootless spec has a network namespace"
	assert_eq "$(jq -c '.linux.uidMappings' "$d/config.json")" "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" "uidMappings"
	assert_eq "$(jq -c '.linux.gidMappings' "$d/config.json")" "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]" "gidMappings"
	# the rootless config runs as is (with a rootfs next to it)
	ln -sfn "$BASE_ROOTFS" "$d/rootfs"
	jq '.process.terminal = false | .process.args = ["sh", "-c", "cat /proc/self/uid_map"] | .root.readonly = false' "$d/config.json" >"$d/c" && mv "$d/c" "$d/config.json"
	local out
	out=$(HULL run -b "$d" "$(new_id)" 2>&1 </dev/null) || fail "the rootless spec did not run: $out"
	assert_eq "$(echo $out)" "0 $(id -u) 1" "uid_map"
}

test_features_json() {
	local f=$TMPROOT/features.json
	"$HULL_BIN" features >"$f" || fail "features failed"
	jq -e . "$f" >/dev/null || fail "features is not JSON"
	assert_eq "$(jq -r .ociVersionMin "$f")" 1.0.0
	assert_eq "$(jq -r .ociVersionMax "$f")" 1.3.0
	assert_eq "$(jq -c '.hooks | sort' "$f")" '["createContainer","createRuntime","poststart","poststop","prestart","startContainer"]'
	assert_eq "$(jq -c '.linux.namespaces | sort' "$f")" '["cgroup","ipc","mount","network","pid","time","user","uts"]'
	for o in rbind rro tmpcopyup nosuid noexec; do
		jq -e --arg o "$o" '.mountOptions | index($o) != null' "$f" >/dev/null || fail "mountOptions lacks $o"
	done
	# exact for what hull does: intelRdt is rejected, so it must not be advertised
	assert_eq "$(jq -r '.linux.intelRdt.enabled // false' "$f")" false "intelRdt"
	# every advertised ociVersion is accepted
	local b=$TMPROOT/b-ver v
	make_bundle "$b" true
	for v in "$(jq -r .ociVersionMin "$f")" "$(jq -r .ociVersionMax "$f")"; do
		jq_config "$b" ".ociVersion = \"$v\""
		bundle_run "$b" "$(new_id)" >/dev/null 2>&1 || fail "ociVersion $v from features is refused"
	done
}

test_state_matches_schema() {
	local b=$TMPROOT/b-state id
	make_bundle "$b" sleep 30
	jq_config "$b" '.annotations = {"org.example.k": "v"}'
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create failed"
	HULL state "$id" >"$TMPROOT/state.json" || fail "state failed"
	assert_eq "$(jq -r '.annotations["org.example.k"]' "$TMPROOT/state.json")" v "annotations in the state"
	assert_eq "$(jq -r .ociVersion "$TMPROOT/state.json")" 1.3.0 "ociVersion"
	HULL delete --force "$id"
	validate "$TMPROOT/state.json" state-schema.json || fail "state does not match state-schema.json"
}

test_spec_matches_config_schema() {
	local d=$TMPROOT/spec-schema
	mkdir -p "$d"
	(cd "$d" && "$HULL_BIN" spec) || fail "spec failed"
	validate "$d/config.json" config-schema.json || fail "hull spec's config does not match config-schema.json"
}

test_features_matches_features_schema() {
	"$HULL_BIN" features >"$TMPROOT/features-schema.json" || fail "features failed"
	validate "$TMPROOT/features-schema.json" features-schema.json || fail "features does not match features-schema.json"
}

# positive control for validate(): a config that breaks the schema is caught
test_schema_validation_catches_a_bad_config() {
	local d=$TMPROOT/spec-bad
	mkdir -p "$d"
	(cd "$d" && "$HULL_BIN" spec) || fail "spec failed"
	jq '.process.args = "not-an-array" | .ociVersion = 5' "$d/config.json" >"$d/bad.json"
	validate "$d/bad.json" config-schema.json >/dev/null && fail "a config with args as a string passed config-schema.json"
	return 0
}

test_log_json_one_object_per_error() {
	local b=$TMPROOT/b-logj log=$TMPROOT/log.json err id msg
	make_bundle "$b" no-such-binary-for-log
	id=$(new_id)
	"$HULL_BIN" --root "$ROOT" --log "$log" --log-format json create -b "$b" "$id" </dev/null >/dev/null 2>"$TMPROOT/log.err" &&
		fail "create of a missing binary succeeded"
	err=$(tail -1 "$TMPROOT/log.err")
	assert_eq "$(wc -l <"$log")" 1 "exactly one log line"
	jq -e . "$log" >/dev/null || fail "the log line is not JSON: $(cat "$log")"
	assert_eq "$(jq -r 'keys | join(",")' "$log")" "level,msg,time" "keys"
	assert_eq "$(jq -r .level "$log")" error
	msg=$(jq -r .msg "$log")
	assert_contains "$msg" 'executable file not found in $PATH'
	assert_contains "$err" "$msg"
	[[ $(jq -r .time "$log") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?(Z|[+-][0-9:]{5})$ ]] || fail "time is not RFC 3339: $(jq -r .time "$log")"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_log_text_appends() {
	local log=$TMPROOT/log.txt
	echo "already here" >"$log"
	HULL --log "$log" state "nosuch-a-$$" >/dev/null 2>&1 && fail "state of an unknown id succeeded"
	HULL --log "$log" --log-format text kill "nosuch-b-$$" >/dev/null 2>&1 && fail "kill of an unknown id succeeded"
	assert_eq "$(wc -l <"$log")" 3 "two lines appended"
	assert_eq "$(head -1 "$log")" "already here" "existing content kept"
	assert_contains "$(sed -n 2p "$log")" "level=error"
	assert_contains "$(sed -n 2p "$log")" "nosuch-a-$$"
	assert_contains "$(sed -n 3p "$log")" "nosuch-b-$$"
	[[ $(sed -n 2p "$log") == time=\"* ]] || fail "a text line starts with time=: $(sed -n 2p "$log")"
}

test_log_format_invalid() {
	local out
	out=$("$HULL_BIN" --log-format yaml list 2>&1) && fail "--log-format yaml accepted"
	assert_contains "$out" "yaml"
}

test_debug_goes_to_log() {
	local b=$TMPROOT/b-dbg log=$TMPROOT/dbg.log out
	make_bundle "$b" true
	out=$(HULL --debug --log "$log" run -b "$b" "$(new_id)" 2>&1 </dev/null) || fail "run --debug failed: $out"
	grep -q 'level=debug' "$log" || fail "no debug line in the log"
	assert_not_contains "$out" "level=debug"
}

test_systemd_cgroup_flag_clear_error() {
	# accepted as a flag; an error while there is no systemd driver (issue 2), never ignored
	local b=$TMPROOT/b-sd out id
	make_bundle "$b" true
	id=$(new_id)
	out=$("$HULL_BIN" --root "$ROOT" --systemd-cgroup create -b "$b" "$id" 2>&1 </dev/null >/dev/null)
	if [ $? -eq 0 ]; then
		HULL delete --force "$id"
		"$HULL_BIN" features | jq -e '.linux.cgroup.systemd == true' >/dev/null || fail "--systemd-cgroup worked but features says systemd: false"
	else
		assert_contains "$out" "systemd"
		[ ! -e "$ROOT/$id" ] || fail "state dir left"
	fi
	return 0
}

test_rootless_flag_accepted() {
	"$HULL_BIN" --root "$ROOT" --rootless=false list >/dev/null || fail "--rootless=false refused"
	"$HULL_BIN" --root "$ROOT" --rootless auto list >/dev/null || fail "--rootless auto refused"
}

run_tests
