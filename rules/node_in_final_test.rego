package hardline.rules.node_in_final_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.node_in_final

findings(doc) := fs if {
	fs := node_in_final.deny with input as doc
}

lines(doc) := {f.location.start_line | some f in findings(doc)}

gunicorn := fx.exec_form(["gunicorn", "app:app"], 0, 9)

one(base, img, instrs, rt) := fx.doc([fx.stage(0, "", 1, fx.image_base(base), img, instrs, fx.runtime(rt), [0], true)], [])

npm_build := fx.run(2, 4, "cd /app && npm ci && npm run build", [fx.command(["cd", "/app"]), fx.command(["npm", "ci"]), fx.command(["npm", "run", "build"])], [fx.op("npm", "install", [], 1)])

apt_node := fx.run(0, 2, "apt-get update && apt-get install -y nodejs npm", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "install", "-y", "nodejs", "npm"])], [fx.op("apt", "update", [], 0), fx.op("apt", "install", ["nodejs", "npm"], 1)])

test_python_app_with_npm_build if {
	d := one("python:3.12-slim", fx.python_slim, [apt_node, npm_build], {"cmd": gunicorn})
	lines(d) == {2, 4}
	some f in findings(d)
	f.location.start_line == 4
	contains(f.msg, "runs npm")
	contains(f.msg, "gunicorn")
}

test_node_app_ok if {
	d := one("debian:12", fx.debian, [apt_node, npm_build], {"cmd": fx.exec_form(["node", "dist/server.js"], 0, 9)})
	count(findings(d)) == 0
}

test_node_runtime_base_ok if {
	d := one("node:20", fx.node_debian, [npm_build], {"cmd": fx.exec_form(["/app/bin/start"], 0, 9)})
	count(findings(d)) == 0
}

test_npm_start_is_node_app if {
	d := one("debian:12", fx.debian, [apt_node], {"cmd": fx.shell_form("npm start", 0, 9)})
	count(findings(d)) == 0
}

test_node_after_tini if {
	ep := fx.exec_form(["/sbin/tini", "-g", "--"], 0, 8)
	d := one("debian:12", fx.debian, [apt_node], {"entrypoint": ep, "cmd": fx.exec_form(["pm2-runtime", "ecosystem.config.js"], 0, 9)})
	count(findings(d)) == 0
}

test_node_inside_shell_c if {
	cmd := fx.exec_form(["sh", "-c", "npm run migrate && exec node server.js"], 0, 9)
	d := one("debian:12", fx.debian, [apt_node], {"cmd": cmd})
	count(findings(d)) == 0
}

test_entrypoint_script_with_python_cmd_flagged if {
	ep := fx.exec_form(["docker-entrypoint.sh"], 0, 8)
	d := one("python:3.12-slim", fx.python_slim, [apt_node], {"entrypoint": ep, "cmd": gunicorn})
	lines(d) == {2}
}

test_opaque_entrypoint_script_not_flagged if {
	ep := fx.exec_form(["/app/start.sh"], 0, 8)
	d := one("python:3.12-slim", fx.python_slim, [apt_node], {"entrypoint": ep})
	count(findings(d)) == 0
}

test_no_cmd_unknown_not_flagged if {
	d := one("ubuntu:24.04", fx.ubuntu, [apt_node], {})
	count(findings(d)) == 0
}

test_supervisord_not_flagged if {
	cmd := fx.exec_form(["/usr/bin/supervisord", "-c", "/etc/supervisor/supervisord.conf"], 0, 9)
	d := one("ubuntu:24.04", fx.ubuntu, [apt_node], {"cmd": cmd})
	count(findings(d)) == 0
}

test_builder_stage_assets_ok if {
	b := fx.stage(0, "assets", 1, fx.image_base("node:20"), fx.node_debian, [npm_build], fx.runtime({}), [0], false)
	cp := fx.copy(0, 6, ["/app/dist"], "/usr/share/nginx/html", "assets", 0)
	f := fx.stage(1, "", 5, fx.image_base("nginx:alpine"), fx.nginx_alpine, [cp], fx.runtime({"cmd": fx.exec_form(["nginx", "-g", "daemon off;"], 1, 7)}), [1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

test_copy_node_binary_from_image if {
	cp := fx.copy(0, 3, ["/usr/local/bin/node"], "/usr/local/bin/", "node:20-slim", -1)
	d := one("python:3.12-slim", fx.python_slim, [cp], {"cmd": gunicorn})
	some f in findings(d)
	f.location.start_line == 3
	contains(f.msg, "node:20-slim")
}

test_nodesource_curl_bash if {
	cmds := [
		object.union(fx.command(["curl", "-fsSL", "https://deb.nodesource.com/setup_20.x"]), {"pipe_len": 2}),
		object.union(fx.command(["bash", "-"]), {"pipe_len": 2, "pipe_pos": 1}),
	]
	r := fx.run(0, 2, "curl -fsSL https://deb.nodesource.com/setup_20.x | bash -", cmds, [])
	d := one("ruby:3.3", fx.info({"known": true, "family": "debian", "libc": "glibc", "runtime": "ruby"}), [r], {"cmd": fx.exec_form(["bundle", "exec", "puma"], 0, 9)})
	some f in findings(d)
	contains(f.msg, "deb.nodesource.com")
}

# Lower-case instructions: cmd is lower-cased by the facts builder already.
test_inherited_stage_yarn if {
	r := fx.run(0, 2, "yarn install --frozen-lockfile", [fx.command(["yarn", "install", "--frozen-lockfile"])], [fx.op("yarn", "install", [], 0)])
	b := fx.stage(0, "base", 1, fx.image_base("php:8.3-fpm"), fx.info({"known": true, "family": "debian", "libc": "glibc", "runtime": "php"}), [r], fx.runtime({}), [0], true)
	f := fx.stage(1, "", 4, fx.stage_base("base", 0), b.image, [], fx.runtime({"cmd": fx.exec_form(["php-fpm"], 1, 5)}), [0, 1], true)
	fs := findings(fx.doc([b, f], []))
	some x in fs
	x.stage == 0
	x.location.start_line == 2
}

test_onbuild_ignored if {
	ob := fx.instr(0, "onbuild", 2, ["RUN npm ci"], {"onbuild": npm_build})
	d := one("python:3.12-slim", fx.python_slim, [ob], {"cmd": gunicorn})
	count(findings(d)) == 0
}

# Node applications whose entry point name says nothing are not reported.
test_unknown_program_not_flagged if {
	g := fx.run(0, 2, "npm install -g json-server", [fx.command(["npm", "install", "-g", "json-server"])], [object.union(fx.op("npm", "install", ["json-server"], 0), {"global": true})])
	d := one("alpine:3.20", fx.alpine, [g], {"entrypoint": fx.exec_form(["json-server"], 0, 5), "cmd": fx.exec_form(["--help"], 0, 6)})
	count(findings(d)) == 0
	d2 := one("debian:12", fx.debian, [apt_node], {"cmd": fx.exec_form(["./bin/hubot", "--adapter", "slack"], 0, 9)})
	count(findings(d2)) == 0
}

test_java_app_flagged if {
	d := one("eclipse-temurin:21-jre", fx.info({"known": true, "family": "debian", "libc": "glibc", "runtime": "java"}), [npm_build], {"entrypoint": fx.exec_form(["java", "-jar", "/app/app.jar"], 0, 9)})
	count(findings(d)) == 1
}

# Development environments are exempt (documented in the rule description).
test_dev_environment_exempt if {
	d := one("python:3.12-slim", fx.python_slim, [apt_node, npm_build], {"cmd": gunicorn})
	count(findings(object.union(d, {"file": ".devcontainer/Dockerfile"}))) == 0
	count(findings(object.union(d, {"file": "docker/Dockerfile.dev"}))) == 0
	count(findings(object.union(d, {"file": "web.dev.Dockerfile"}))) == 0
	count(findings(object.union(d, {"file": "docker/Dockerfile.prod"}))) == 2
	count(findings(object.union(d, {"file": "devtools/Dockerfile"}))) == 2
}

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := node_in_final.deny with input as ix.image_doc(over)
}

node_programs := {"programs": {
	"node": [ix.prog("/usr/local/bin/node", 1)],
	"npm": [ix.prog("/usr/local/bin/npm", 1)],
	"npx": [ix.prog("/usr/local/bin/npx", 1)],
	"yarn": [ix.prog("/opt/yarn-v1.22.22/bin/yarn", 1), ix.prog("/usr/local/bin/yarn", 1)],
}}

node_only := {"programs": {"node": [ix.prog("/usr/bin/node", 2)]}}

with_exec(progs, argv) := object.union(progs, ix.exec_doc(ix.exec_elf(argv, sprintf("/usr/local/bin/%s", [argv[0]]), 1), [], argv))

# A Node.js application: node is needed, npm, npx and yarn are not.
test_image_node_app_npm_flagged if {
	fs := image_findings(with_exec(node_programs, ["node", "server.js"]))
	count(fs) == 1
	some f in fs
	f.key == "npm"
	f.layer == 1
	f.history == 2
	f.path == "/opt/yarn-v1.22.22/bin/yarn"
	f.msg == "Node.js package managers ship in the image: npm (/usr/local/bin/npm), npx (/usr/local/bin/npx), yarn (/opt/yarn-v1.22.22/bin/yarn, /usr/local/bin/yarn); an application does not need them to run, and they give an attacker a way to fetch and run code"
}

test_image_node_through_shell_c_ok if {
	fs := image_findings(with_exec(node_only, ["/bin/sh", "-c", "exec node app.js"]))
	count(fs) == 0
}

test_image_node_after_tini_ok if {
	count(image_findings(with_exec(node_only, ["/sbin/tini", "--", "node", "dist/index.js"]))) == 0
	count(image_findings(with_exec(node_only, ["tini", "--", "pm2-runtime", "ecosystem.config.js"]))) == 0
}

# node official image: docker-entrypoint.sh runs its CMD.
test_image_node_after_entrypoint_script_ok if {
	count(image_findings(with_exec(node_only, ["docker-entrypoint.sh", "node", "server.js"]))) == 0
}

test_image_python_app_with_node_flagged if {
	fs := image_findings(with_exec(node_programs, ["gunicorn", "app:app"]))
	{f.key | some f in fs} == {"npm", "node"}
	some f in fs
	f.key == "node"
	f.path == "/usr/local/bin/node"
	f.layer == 1
	f.msg == "node ships in the image at /usr/local/bin/node but the container starts gunicorn, not a Node.js application; build with Node in a separate stage and copy the output"
}

test_image_go_binary_with_node_flagged if {
	fs := image_findings(with_exec(node_only, ["/app/server", "--port", "8080"]))
	{f.key | some f in fs} == {"node"}
	some f in fs
	f.layer == 2
	f.history == 3
}

test_image_entrypoint_script_with_python_cmd_flagged if {
	fs := image_findings(with_exec(node_only, ["docker-entrypoint.sh", "gunicorn", "app:app"]))
	{f.key | some f in fs} == {"node"}
}

# What a wrapper script starts is unknown.
test_image_opaque_script_not_flagged if {
	count(image_findings(with_exec(node_only, ["/app/start.sh"]))) == 0
	e := object.union(node_only, ix.exec_doc(ix.exec_script(["/app/launcher"], "/app/launcher", "/bin/bash", 2), ["/app/launcher"], []))
	count(image_findings(e)) == 0
	count(image_findings(with_exec(node_only, ["supervisord", "-n"]))) == 0
}

# Nothing configured to run: node alone is not judged.
test_image_no_exec_node_not_judged if {
	count(image_findings(node_only)) == 0
}

test_image_npm_start_noted if {
	fs := image_findings(with_exec(node_programs, ["npm", "start"]))
	count(fs) == 1
	some f in fs
	f.key == "npm"
	endswith(f.msg, "; the container starts through npm: install the dependencies in a build stage and start the application with node")
}

test_image_nothing_node_ok if {
	count(image_findings(with_exec({}, ["python3", "app.py"]))) == 0
}

test_image_dev_environment_exempt if {
	d := object.union(with_exec(node_programs, ["gunicorn", "app:app"]), {"dockerfile": {"file": "Dockerfile.dev", "base_history": 2, "matched": 2}})
	count(image_findings(d)) == 0
}

# A Dockerfile document never reaches the image branches.
test_image_branches_guarded if {
	d := object.union(one("debian:12", fx.debian, [], {"cmd": gunicorn}), node_programs)
	count(findings(d)) == 0
}
