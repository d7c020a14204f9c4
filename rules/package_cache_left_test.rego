package hardline.rules.package_cache_left_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.package_cache_left as rule

doc(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime({}), [0], true)], [])

doc_env(instrs, env) := fx.doc([fx.stage(0, "", 1, fx.image_base("python:3.12"), fx.python_slim, instrs, fx.runtime({"env": env}), [0], true)], [])

apk_op(flags) := object.union(fx.op("apk", "install", ["curl"], 0), {"flags": flags})

apk_run(flags) := fx.run(0, 2, "apk add curl", [fx.command(array.concat(["apk", "add"], array.concat(flags, ["curl"])))], [apk_op(flags)])

paths(d) := {f.key | some f in rule.deny with input as d}

test_apk_without_no_cache if {
	paths(doc([apk_run([])])) == {"/var/cache/apk"}
}

test_apk_no_cache_or_no_network_ok if {
	paths(doc([apk_run(["--no-cache"])])) == set()
	paths(doc([apk_run(["--no-network"])])) == set()
}

test_apk_removed_in_same_run_ok if {
	r := fx.run(0, 2, "apk add curl && rm -rf /var/cache/apk/*", [fx.command(["apk", "add", "curl"]), fx.command(["rm", "-rf", "/var/cache/apk/*"])], [apk_op([])])
	paths(doc([r])) == set()
}

test_apk_removed_in_later_run_still_reported if {
	rm := fx.run(1, 3, "rm -rf /var/cache/apk/*", [fx.command(["rm", "-rf", "/var/cache/apk/*"])], [])
	paths(doc([apk_run([]), rm])) == {"/var/cache/apk"}
}

test_cache_mount_ok if {
	r := fx.run_x(0, 2, "apk add curl", [fx.command(["apk", "add", "curl"])], [apk_op([])], {"mounts": [{"type": "cache", "target": "/var/cache/apk", "from_stage": -1}]})
	paths(doc([r])) == set()
}

test_apt_lists if {
	r := fx.run(0, 2, "apt-get update && apt-get install -y curl", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "install", "-y", "curl"])], [fx.op("apt", "update", [], 0), fx.op("apt", "install", ["curl"], 1)])
	paths(doc([r])) == {"/var/lib/apt/lists"}
	ok := fx.run(0, 2, "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "install", "-y", "curl"]), fx.command(["rm", "-rf", "/var/lib/apt/lists/*"])], [fx.op("apt", "update", [], 0), fx.op("apt", "install", ["curl"], 1)])
	paths(doc([ok])) == set()
	dc := fx.run(0, 2, "apt-get update && apt-get install -y curl && apt-get dist-clean", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "install", "-y", "curl"]), fx.command(["apt-get", "dist-clean"])], [fx.op("apt", "update", [], 0), fx.op("apt", "install", ["curl"], 1), fx.op("apt", "clean", [], 2)])
	paths(doc([dc])) == set()
	# apt-get clean removes archives, not lists
	cl := fx.run(0, 2, "apt-get update && apt-get install -y curl && apt-get clean", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "install", "-y", "curl"]), fx.command(["apt-get", "clean"])], [fx.op("apt", "update", [], 0), fx.op("apt", "install", ["curl"], 1), fx.op("apt", "clean", [], 2)])
	paths(doc([cl])) == {"/var/lib/apt/lists"}
}

test_dnf_and_zypper if {
	d := fx.run(0, 2, "dnf install -y curl", [fx.command(["dnf", "install", "-y", "curl"])], [fx.op("dnf", "install", ["curl"], 0)])
	paths(doc([d])) == {"/var/cache/dnf"}
	dc := fx.run(0, 2, "dnf install -y curl && dnf clean all", [fx.command(["dnf", "install", "-y", "curl"]), fx.command(["dnf", "clean", "all"])], [fx.op("dnf", "install", ["curl"], 0), fx.op("dnf", "clean", [], 1)])
	paths(doc([dc])) == set()
	z := fx.run(0, 2, "zypper -n in curl", [fx.command(["zypper", "-n", "in", "curl"])], [fx.op("zypper", "install", ["curl"], 0)])
	paths(doc([z])) == {"/var/cache/zypp"}
}

pip_run(argv, flags) := fx.run(0, 2, concat(" ", argv), [fx.command(argv)], [object.union(fx.op("pip", "install", [], 0), {"flags": flags})])

test_pip if {
	paths(doc([pip_run(["pip", "install", "-r", "requirements.txt"], ["-r", "requirements.txt"])])) == {"~/.cache/pip"}
	paths(doc([pip_run(["pip", "install", "--no-cache-dir", "x"], ["--no-cache-dir"])])) == set()
	paths(doc_env([pip_run(["pip", "install", "x"], [])], {"PIP_NO_CACHE_DIR": "1"})) == set()
	inline := fx.run(0, 2, "PIP_NO_CACHE_DIR=1 pip install x", [fx.command(["pip", "install", "x"])], [fx.op("pip", "install", ["x"], 0)])
	paths(doc([inline])) == set()
	m := fx.run_x(0, 2, "pip install x", [fx.command(["pip", "install", "x"])], [fx.op("pip", "install", ["x"], 0)], {"mounts": [{"type": "cache", "target": "/root/.cache/pip", "from_stage": -1}]})
	paths(doc([m])) == set()
}

test_uv_pip_has_its_own_flag if {
	paths(doc([pip_run(["uv", "pip", "install", "--system", "x"], ["--system"])])) == {"~/.cache/uv"}
	paths(doc([pip_run(["uv", "pip", "install", "--no-cache", "x"], ["--no-cache"])])) == set()
}

test_npm_and_yarn if {
	n := fx.run(0, 2, "npm ci", [fx.command(["npm", "ci"])], [fx.op("npm", "install", [], 0)])
	paths(doc([n])) == {"~/.npm/_cacache"}
	nc := fx.run(0, 2, "npm ci && npm cache clean --force", [fx.command(["npm", "ci"]), fx.command(["npm", "cache", "clean", "--force"])], [fx.op("npm", "install", [], 0), fx.op("npm", "clean", [], 1)])
	paths(doc([nc])) == set()
	nh := fx.run(0, 2, "npm ci && rm -rf /home/node/.npm", [fx.command(["npm", "ci"]), fx.command(["rm", "-rf", "/home/node/.npm"])], [fx.op("npm", "install", [], 0)])
	paths(doc([nh])) == set()
	y := fx.run(0, 2, "yarn install --frozen-lockfile", [fx.command(["yarn", "install", "--frozen-lockfile"])], [fx.op("yarn", "install", [], 0)])
	count(paths(doc([y]))) == 1
	yc := fx.run(0, 2, "yarn install && yarn cache clean", [fx.command(["yarn", "install"]), fx.command(["yarn", "cache", "clean"])], [fx.op("yarn", "install", [], 0), fx.op("yarn", "clean", [], 1)])
	paths(doc([yc])) == set()
}

# Only the stages of the final image matter.
test_builder_stage_not_reported if {
	b := fx.stage(0, "build", 1, fx.image_base("alpine:3.20"), fx.alpine, [apk_run([])], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 4, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [1], true)
	count(rule.deny) == 0 with input as fx.doc([b, f], [])
	g := fx.stage(1, "", 4, fx.stage_base("build", 0), fx.alpine, [], fx.runtime({}), [0, 1], true)
	count(rule.deny) == 1 with input as fx.doc([object.union(b, {"in_final_chain": true}), g], [])
}

test_image_cache_dirs if {
	d := ix.image_doc({"package_caches": [{"path": "/var/cache/apk", "manager": "apk", "files": 2, "bytes": 2621440, "layer": 1}]})
	fs := rule.deny with input as d
	count(fs) == 1
	some f in fs
	f.path == "/var/cache/apk"
	f.layer == 1
	f.history == 2
	contains(f.msg, "holds 2 files (2.5 MiB)")
}

test_image_no_caches if {
	count(rule.deny) == 0 with input as ix.image_doc({"package_caches": []})
	count(rule.deny) == 0 with input as ix.image_doc({})
}
